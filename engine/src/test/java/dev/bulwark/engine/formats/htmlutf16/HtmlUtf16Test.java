package dev.bulwark.engine.formats.htmlutf16;

import dev.bulwark.engine.AllMatchDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTML written in UTF-16: signatures on the normalised HTML (target 3, and lower-cased text with target 0)
 * and on the raw UTF-16 bytes are found in the same files as clamscan finds them.
 */
class HtmlUtf16Test {
    static final String HTML = "<html><body><p>Hello World</p><script>var x = \"EvilMarkerString\";</script></body></html>\n";

    static byte[] utf16(String s, boolean le, boolean bom) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        if (bom) o.writeBytes(le ? new byte[] {(byte) 0xff, (byte) 0xfe} : new byte[] {(byte) 0xfe, (byte) 0xff});
        o.writeBytes(s.getBytes(le ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE));
        return o.toByteArray();
    }

    @Test
    void foldsToTheHtmlLayer() {
        RecordingContext ctx = RecordingContext.defaults();
        new HtmlUtf16Extractor().extract(TestLayer.of(utf16(HTML, true, false), FileType.HTML_UTF16), ctx);
        assertEquals(HTML, new String(ctx.extracted().get(0).data(), StandardCharsets.ISO_8859_1));
        assertEquals(FileType.HTML, ctx.extracted().get(0).info().typeHint());
    }

    @Test
    void contract() {
        Contract.all(new HtmlUtf16Extractor(), FileType.HTML_UTF16, utf16(HTML, true, true));
    }

    @Test
    void agreesWithClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        Path dir = Files.createDirectories(tmp.resolve("files"));
        Map<String, byte[]> files = Map.of("le-bom.html", utf16(HTML, true, true), "le.html", utf16(HTML, true, false),
                "be-bom.html", utf16(HTML, false, true), "ascii.html", HTML.getBytes(StandardCharsets.US_ASCII),
                "le-text.txt", utf16("just text, EvilMarkerString, no markup\n", true, true));
        for (var e : files.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
        Path db = tmp.resolve("t.ndb");
        HexFormat hex = HexFormat.of();
        Files.writeString(db, "HtmlTarget:3:*:" + hex.formatHex("evilmarkerstring".getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "AnyLower:0:*:" + hex.formatHex("evilmarkerstring".getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "RawUtf16:0:*:" + hex.formatHex("EvilMarker".getBytes(StandardCharsets.UTF_16LE)) + "\n");
        Map<String, Set<String>> clam = AllMatchDiff.clamscan(db, dir), ours = AllMatchDiff.bulwark(db, dir, files.keySet());
        assertEquals(clam, ours);
    }
}
