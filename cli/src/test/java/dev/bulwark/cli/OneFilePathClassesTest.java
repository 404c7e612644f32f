package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-file scan (a plain file with a body signature, a small zip) in a fresh JVM spins up no lambdas inside
 * {@code java.util.Comparator}: its combinators ({@code comparingInt(...).thenComparingLong(...)}) create them at
 * run time, and the AOT caches do not hold them, so each cost every such scan ~3-4 ms of start-up (round 11: Pass's
 * report order and ZipExtractor's member order). Checked through {@code -Xlog:class+load}, not by timing.
 */
class OneFilePathClassesTest {
    @Test
    void aOneFileScanCreatesNoComparatorLambdas(@TempDir Path tmp) throws Exception {
        Path db = Files.writeString(tmp.resolve("t.ndb"), ClamscanCases.EICAR_NDB);
        Path plain = Files.writeString(tmp.resolve("e.txt"), ClamscanCases.payload(), StandardCharsets.ISO_8859_1);
        Path zip = tmp.resolve("s.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : List.of("a.txt", "b.html", "e.txt")) {
                z.putNextEntry(new ZipEntry(name));
                z.write((name.equals("e.txt") ? ClamscanCases.payload() : "<html><body>hi " + name + "</body></html>\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                z.closeEntry();
            }
        }
        for (Path file : List.of(plain, zip)) {
            Process p = scan("-Xlog:class+load=info", db, file);
            String out = output(p);
            assertEquals(1, p.exitValue(), out);
            assertTrue(out.contains(file + ": Eicar-Body.UNOFFICIAL FOUND"), out);
            List<String> spun = out.lines().filter(l -> l.contains("java.util.Comparator$$Lambda")).toList();
            assertEquals(List.of(), spun, "Comparator combinators on the one-file path of " + file.getFileName());
            // (startup16) a ZIP without LZMA members links no xz LZMA class: DictionaryCache, linked by every ZIP scan, held
            // fuzz17's LZMA start, whose verification loaded xz's LZMAInputStream and exceptions (into the tiny AOT cache)
            List<String> xz = out.lines().filter(l -> l.contains("org.tukaani.xz.LZMAInputStream ")
                    || l.contains("org.tukaani.xz.CorruptedInputException ")).toList();
            assertEquals(List.of(), xz, "xz's LZMA classes on the one-file path of " + file.getFileName());
        }
    }

    /**
     * (startup13) A one-file scan of a small plain file initialises no byte-array VarHandle: the atom index's tiny scans
     * (no derived filters), the head checks, the marker scans and the text normaliser take byte loops below
     * {@code ByteScan.SWAR_MIN}, and the VarHandles of their word-at-a-time loops sit in holder classes. Creating the
     * first VarHandle and linking its access modes in the interpreter cost such a scan ~0.5-1 ms. Checked through
     * {@code -Xlog:class+init}, not by timing.
     */
    @Test
    void aSmallPlainFileIsScannedWithoutVarHandles(@TempDir Path tmp) throws Exception {
        Path db = Files.writeString(tmp.resolve("t.ndb"), ClamscanCases.EICAR_NDB);
        Path plain = Files.writeString(tmp.resolve("e.txt"), ClamscanCases.EICAR + "\n", StandardCharsets.ISO_8859_1);
        Path clean = Files.writeString(tmp.resolve("c.txt"), "just some text, nothing to find here\n", StandardCharsets.ISO_8859_1);
        for (Path file : List.of(plain, clean)) {
            Process p = scan("-Xlog:class+init=info", db, file);
            String out = output(p);
            assertTrue(out.contains(file + (file == plain ? ": Eicar-Body.UNOFFICIAL FOUND" : ": OK")), out);
            List<String> vh = out.lines().filter(l -> l.contains("Initializing 'java/lang/invoke/VarHandleByteArrayAs")).toList();
            assertEquals(List.of(), vh, "byte-array VarHandles on the one-file path of " + file.getFileName());
        }
    }

    /**
     * (round 13) A one-file scan of a small text from a snapshot does not work out whether the database can match the
     * text view (steady14's gate): that decodes the snapshot's patterns and loads the pattern parser, ~11 ms in a fresh
     * JVM for a view that costs microseconds. Checked through {@code -Xlog:class+load}, not by timing.
     */
    @Test
    void aSmallTextFromASnapshotLoadsNoPatternParser(@TempDir Path tmp) throws Exception {
        // patterns with a gap and an alternative: none can match the text view (upper case), the check decodes them
        Path src = Files.writeString(tmp.resolve("t.ndb"), ClamscanCases.EICAR_NDB
                + "A.GapUp:0:*:68656c6c6f{-5}574f524c44\nA.AltUp:0:*:(48|49)454c4c4f\n");
        Path snap = tmp.resolve("t.bsnap");
        dev.bulwark.engine.db.snapshot.SnapshotWriter.write(dev.bulwark.engine.signatures.clamav.DatabaseLoader.load(
                List.of(src), dev.bulwark.engine.LoadOptions.defaults()), List.of(src), snap);
        Path clean = Files.writeString(tmp.resolve("c.txt"), "just some text, nothing to find here\n", StandardCharsets.ISO_8859_1);
        Process p = scan("-Xlog:class+load=info", snap, clean);
        String out = output(p);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(clean + ": OK"), out);
        List<String> parser = out.lines().filter(l -> l.contains("dev.bulwark.engine.match.HexPatternParser ")).toList();
        assertEquals(List.of(), parser, "the pattern parser on the one-file path of a snapshot");
    }

    /**
     * (startup16) A scan with {@code --no-summary} does not replay libclamav's clean cache for the summary's "Data
     * scanned" (cli15's DataScanned: a HashSet and a string concatenation per layer of every file): nothing prints the
     * count. With the summary the count is made as before ({@code DataScannedParityTest}). Checked through
     * {@code -Xlog:class+load}, not by timing.
     */
    @Test
    void aScanWithoutSummaryCountsNoDataScanned(@TempDir Path tmp) throws Exception {
        Path db = Files.writeString(tmp.resolve("t.ndb"), ClamscanCases.EICAR_NDB);
        Path plain = Files.writeString(tmp.resolve("e.txt"), ClamscanCases.EICAR + "\n", StandardCharsets.ISO_8859_1);
        Path clean = Files.writeString(tmp.resolve("c.txt"), "just some text, nothing to find here\n", StandardCharsets.ISO_8859_1);
        for (Path file : List.of(plain, clean)) {
            Process p = scan("-Xlog:class+load=info", db, file);
            String out = output(p);
            assertEquals(file == plain ? 1 : 0, p.exitValue(), out);
            assertTrue(out.contains(file + (file == plain ? ": Eicar-Body.UNOFFICIAL FOUND" : ": OK")), out);
            List<String> counted = out.lines().filter(l -> l.contains("dev.bulwark.cli.DataScanned ")).toList();
            assertEquals(List.of(), counted, "the Data scanned replay on the --no-summary path of " + file.getFileName());
        }
    }

    /** A one-file {@code scan --no-summary -d DB FILE} in a fresh JVM with the given {@code -Xlog} option (output merged). */
    private static Process scan(String xlog, Path db, Path file) throws java.io.IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), xlog, "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "scan", "--no-summary", "-d", db.toString(), file.toString())
                .redirectErrorStream(true).start();
    }

    /** The process's output, after it ended (within a minute). */
    private static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
