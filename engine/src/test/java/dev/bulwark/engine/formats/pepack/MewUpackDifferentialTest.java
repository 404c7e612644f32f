package dev.bulwark.engine.formats.pepack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged MEW and Upack files, ClamAV's test files and the synthetic ones: for each copy, clamscan
 * (its rebuilt file kept with --leave-temps) and we must both fail to unpack it, or both rebuild the
 * same image (same layout, same bytes from the section table on). The optional header's magic and the section count are left
 * intact: our PE header parser is stricter there than ClamAV's, which is not the unpackers' business.
 */
@Timeout(600) // hang guard only
class MewUpackDifferentialTest {
    @Test
    void sameRebuiltBytesAsClamscan(@TempDir Path tmp) throws Exception {
        Tools.requireTool("clamscan");
        Map<String, byte[]> files = new TreeMap<>();
        byte[] mew = Samples.read("clam-mew.exe"), upack = Samples.read("clam-upack.exe");
        files.putAll(mutants("mew", mew, 0x154, mew.length, 150, 1));
        files.putAll(mutants("upack", upack, 0, upack.length, 150, 2));
        for (int lzma = 0; lzma <= 2; lzma++) {
            files.putAll(mutants("syn-mew" + lzma, SyntheticPe.mew(SyntheticPackersTest.payload(), 0x1010, lzma), 0x154, 0x700, 80,
                    10 + lzma));
        }
        files.putAll(mutants("syn-upack11", SyntheticPe.upack11(SyntheticPackersTest.payload(), 0x1010), 0, 0x900, 80, 21));
        files.putAll(mutants("syn-upack039", SyntheticPe.upack039(SyntheticPackersTest.payload(), 0x1010), 0, 0xb00, 80, 22));
        Path dir = Files.createDirectories(tmp.resolve("in")), temps = Files.createDirectories(tmp.resolve("t"));
        for (Map.Entry<String, byte[]> e : files.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
        Path db = tmp.resolve("none.ndb");
        Files.writeString(db, "Bulwark-Test-Nothing:0:*:0f1e2d3c4b5a69788796a5b4c3d2e1f0ffeeddccbbaa\n");
        Process p = new ProcessBuilder("clamscan", "--leave-temps", "--tempdir=" + temps, "-d", db.toString(), dir.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        List<Path> left;
        try (Stream<Path> s = Files.walk(temps)) {
            left = s.filter(Files::isRegularFile).toList();
        }
        int both = 0, neither = 0;
        List<String> differ = new ArrayList<>();
        for (String name : files.keySet()) {
            byte[] ours = ours(Files.readAllBytes(dir.resolve(name)));
            // ClamAV's rebuilt file sits directly in the directory it names after the scanned file
            List<Path> theirs = left.stream().filter(x -> x.getParent().getFileName().toString().startsWith(name + ".")
                    && x.getFileName().toString().endsWith(".tmp")).toList();
            if (ours == null && theirs.isEmpty()) neither++;
            else if (ours == null || theirs.size() != 1) differ.add(name + ": ours " + (ours != null) + ", clamscan's " + theirs.size());
            else if (!sameImage(Files.readAllBytes(theirs.get(0)), ours)) differ.add(name + ": different bytes");
            else both++;
        }
        assertEquals(List.of(), differ);
        assertTrue(both > 100 && neither > 10, "both unpacked " + both + ", neither " + neither);
    }

    /** {@link BodyVerdicts#mutants} with the section count and the optional header's magic of the original kept. */
    private static Map<String, byte[]> mutants(String prefix, byte[] file, int from, int to, int count, long seed) {
        Map<String, byte[]> m = BodyVerdicts.mutants(prefix, file, from, to, count, seed);
        int pe = java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0x3c);
        for (byte[] b : m.values()) {
            System.arraycopy(file, pe + 6, b, pe + 6, 2);
            System.arraycopy(file, pe + 24, b, pe + 24, 2);
        }
        return m;
    }

    private static byte[] ours(byte[] file) {
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        return ctx.extracted().stream().filter(c -> c.info().name().contains("MEW") || c.info().name().contains("Upack"))
                .map(RecordingContext.Child::data).findFirst().orElse(null);
    }

    private static boolean sameImage(byte[] theirs, byte[] ours) {
        try {
            MewTest.assertSameImage(theirs, ours);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
