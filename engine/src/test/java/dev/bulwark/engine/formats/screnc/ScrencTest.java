package dev.bulwark.engine.formats.screnc;

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
import dev.bulwark.engine.normalize.ScrencDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
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
 * Script Encoder files: an encoder built by inverting our decoder position by position produces files
 * that clamscan must decode to the same text (a signature on the decoded text is found by both).
 */
class ScrencTest {
    static final String SCRIPT = "var x = 'EvilMarkerString'; WScript.Echo(x);\r\nx = x + 1;";

    /** encoded[pos][plain] = the character that decodes to {@code plain} at position {@code pos}. */
    static int[][] inverse() {
        int[][] inv = new int[64][128];
        for (int pos = 0; pos < 64; pos++) {
            for (int c = 0x09; c < 0x80; c++) {
                if (c == '@' || c == '\n' || c == '\r' || (c < 0x20 && c != 0x09)) continue;
                byte[] block = new byte[8 + pos + 1];
                System.arraycopy(lengthField(pos + 1), 0, block, 0, 8);
                java.util.Arrays.fill(block, 8, 8 + pos, (byte) 'A');
                block[8 + pos] = (byte) c;
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ScrencDecoder.decode(block, 0, block.length, out);
                byte[] o = out.toByteArray();
                inv[pos][o[o.length - 1] & 0x7F] = c;
            }
        }
        return inv;
    }

    static byte[] lengthField(int n) {
        byte[] le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(n).array();
        return Base64.getEncoder().encode(le);
    }

    /** A Script Encoder block for {@code plain} (line breaks and '<', '>', '@' written as escapes). */
    static byte[] encode(String plain) {
        int[][] inv = inverse();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int pos = 0, count = 0;
        for (char ch : plain.toCharArray()) {
            String esc = switch (ch) {
                case '<' -> "@!";
                case '>' -> "@*";
                case '@' -> "@$";
                case '\r' -> "@#";
                case '\n' -> "@&";
                default -> null;
            };
            if (esc != null) body.writeBytes(esc.getBytes(StandardCharsets.US_ASCII));
            else body.write(inv[pos][ch]);
            count += esc != null ? 2 : 1;
            pos = (pos + 1) % 64;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("#@~^".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(lengthField(count));
        out.writeBytes(body.toByteArray());
        out.writeBytes("AAAAAA==^#~@".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] html(String before, byte[] block, String after) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(before.getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(block);
        o.writeBytes(after.getBytes(StandardCharsets.US_ASCII));
        return o.toByteArray();
    }

    @Test
    void decodesOwnEncoding() {
        RecordingContext ctx = RecordingContext.defaults();
        new ScrencExtractor().extract(TestLayer.of(encode(SCRIPT), FileType.SCRENC), ctx);
        assertEquals("<script>" + SCRIPT + "</script>", new String(ctx.extracted().get(0).data(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void contract() {
        Contract.all(new ScrencExtractor(), FileType.SCRENC, encode(SCRIPT));
    }

    @Test
    void agreesWithClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        Path dir = Files.createDirectories(tmp.resolve("files"));
        byte[] block = encode(SCRIPT);
        Map<String, byte[]> files = Map.of("t.vbe", block, "plain.txt", SCRIPT.getBytes(StandardCharsets.US_ASCII),
                "page.html", html("<html><body><p>hi</p><script language=\"JScript.Encode\">", block, "</script></body></html>\n"),
                "asp.html", html("<html><%@ language=\"VBScript.Encode\" %><body>", block, "</body></html>\n"),
                "other-lang.html", html("<html><body><script language=\"javascript\">", block, "</script></body></html>\n"));
        for (var e : files.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
        Path db = tmp.resolve("t.ndb");
        HexFormat hex = HexFormat.of();
        Files.writeString(db, "HtmlTarget:3:*:" + hex.formatHex("evilmarkerstring".getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "AnyLower:0:*:" + hex.formatHex("wscript.echo(x)".getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "Cased:0:*:" + hex.formatHex("EvilMarkerString".getBytes(StandardCharsets.US_ASCII)) + "\n");
        Map<String, Set<String>> clam = AllMatchDiff.clamscan(db, dir), ours = AllMatchDiff.bulwark(db, dir, files.keySet());
        assertEquals(clam, ours);
        assertEquals(Set.of("AnyLower", "HtmlTarget"), clam.get("t.vbe"), "clamscan decodes our encoding (and matches lower case only)");
        assertEquals(Set.of("AnyLower", "HtmlTarget"), clam.get("page.html"), "decoded inside HTML");
        assertEquals(Set.of(), clam.get("other-lang.html"), "not decoded without an encoded language");
    }
}
