package dev.bulwark.engine.formats.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** Heuristics.PDF.ObfuscatedNameObject against clamscan (default heuristics on, and off). */
class PdfHeuristicsTest {
    @ParameterizedTest
    @CsvSource({"/Fl#61teDecode, true", "/FlateDecode, false", "/My#20Name, false", "/J#61vaScript, true"})
    void obfuscatedNames(String name, boolean expected, @TempDir Path dir) throws Exception {
        PdfWriter w = PdfWriter.withPage();
        boolean filter = name.startsWith("/Fl");
        w.add("<< /Filter " + (filter ? name : "/FlateDecode") + " /Extra " + (filter ? "1" : name) + " >>",
                PdfWriter.deflate("hello pdf".getBytes(StandardCharsets.US_ASCII)));
        byte[] doc = w.build(1);
        RecordingContext ctx = Contract.run(PdfExtractorTest.X, doc, FileType.PDF);
        assertEquals(expected ? List.of(PdfExtractor.OBFUSCATED_NAME_HEURISTIC) : List.of(), ctx.heuristics);
        assertTrue(Contract.run(PdfExtractorTest.X, doc, FileType.PDF, ScanOptions.defaults().withHeuristicAlerts(false)).heuristics.isEmpty());
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan));
        Path f = dir.resolve("x.pdf");
        Files.write(f, doc);
        Path db = Files.createDirectory(dir.resolve("db"));
        Files.writeString(db.resolve("t.ndb"), "Unused:0:*:7a7a7a7a7a7a7a7a7a7a\n");
        Process p = new ProcessBuilder(clamscan.toString(), "--no-summary", "-d", db.toString(), f.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertEquals(expected, out.contains(PdfExtractor.OBFUSCATED_NAME_HEURISTIC + " FOUND"), out);
    }
}
