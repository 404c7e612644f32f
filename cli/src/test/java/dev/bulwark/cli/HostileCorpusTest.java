package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decompression bombs and lying headers through the real command line in a JVM capped at 512 MiB of
 * heap: every file gets a verdict line, none is an error or an out-of-memory, and the verdicts agree
 * with {@code clamscan --alert-exceeds-max} on the same files.
 */
class HostileCorpusTest {
    private static final String HEAP = "-Xmx512m";
    /** A hang guard, not a performance assertion: the whole corpus takes seconds. */
    private static final long HANG_GUARD_MINUTES = 10;

    @Test
    void bombsEndWithLimitVerdictsInASmallHeap(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("corpus"));
        writeCorpus(dir);
        Path db = tmp.resolve("t.ndb");
        Files.writeString(db, "Hostile.Test.Marker:0:*:484f5354494c452d4d41524b4552\n"); // "HOSTILE-MARKER"

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-cp", System.getProperty("java.class.path"), "dev.bulwark.cli.Main"));
        cmd.addAll(List.of("scan", "--no-summary", "--alert-exceeds-max", "-d", db.toString(), "-r", dir.toString()));
        Run b = run(cmd);
        assertFalse(b.err.contains("OutOfMemoryError"), b.err);
        assertFalse(b.out.contains(" ERROR"), b.out);
        Map<String, String> ours = verdicts(b.out);
        assertEquals(Files.list(dir).count(), ours.size(), "one verdict per file:\n" + b.out + b.err);
        assertTrue(ours.get("marker-after-bomb.zip").startsWith("Hostile.Test.Marker"), b.out);
        assertTrue(ours.get("zeros-4g.gz").startsWith("Heuristics.Limits.Exceeded."), b.out);
        assertTrue(ours.get("nested-64g.zip").startsWith("Heuristics.Limits.Exceeded."), b.out);

        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        Run c = run(List.of("clamscan", "--no-summary", "--alert-exceeds-max", "-d", db.toString(), "-r", dir.toString()));
        Map<String, String> theirs = verdicts(c.out);
        assertEquals(infected(theirs), infected(ours), "clamscan:\n" + c.out + "\nbulwark:\n" + b.out);
        assertEquals(c.rc, b.rc, "exit code");
    }

    private static void writeCorpus(Path dir) throws Exception {
        // 4 GiB of zeros behind gzip (4 MB on disk).
        Files.write(dir.resolve("zeros-4g.gz"), Bombs.gzipZeros(4095));
        // 42.zip-style: 16 members, each a zip of 16 members of 256 MiB zeros (64 GiB in all).
        byte[] inner256 = Bombs.deflatedZeros(256);
        long crc256 = Bombs.crcOfZeros(256);
        Bombs.Zip inner = new Bombs.Zip();
        for (int i = 0; i < 16; i++) inner.deflatedMember("z" + i + ".bin", inner256, crc256, 256L * Bombs.MIB);
        byte[] innerZip = inner.bytes();
        Bombs.Zip outer = new Bombs.Zip();
        for (int i = 0; i < 16; i++) outer.deflate("lib" + i + ".zip", innerZip);
        Files.write(dir.resolve("nested-64g.zip"), outer.bytes());
        // A bomb first, then a small member carrying the marker: the marker must still be found.
        Files.write(dir.resolve("marker-after-bomb.zip"), new Bombs.Zip()
                .deflatedMember("zeros.bin", inner256, crc256, 256L * Bombs.MIB)
                .storedMember("note.txt", "a HOSTILE-MARKER here\n".getBytes(StandardCharsets.US_ASCII)).bytes());
        // 300 gzip layers around a short text.
        byte[] deep = "deep text\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 300; i++) deep = Bombs.gzip(deep);
        Files.write(dir.resolve("deep-300.gz"), deep);
        // More members than MaxFiles.
        Bombs.Zip many = new Bombs.Zip();
        for (int i = 0; i < 12_000; i++) many.storedMember("f" + i, new byte[] {(byte) i});
        Files.write(dir.resolve("many-12000.zip"), many.bytes());
        // A tar header claiming 8 GiB with one KiB behind it.
        Files.write(dir.resolve("lying.tar"), Bombs.lyingTar(8L << 30));
    }

    private record Run(int rc, String out, String err) {}

    private static Run run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        var errText = new java.util.concurrent.CompletableFuture<String>();
        Thread t = new Thread(() -> {
            try {
                errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
            } catch (Exception e) {
                errText.complete(e.toString());
            }
        });
        t.start();
        String o = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("scan did not finish: " + cmd);
        }
        return new Run(p.exitValue(), o, errText.get());
    }

    /** file name → signature name, or "" when OK. */
    private static Map<String, String> verdicts(String out) {
        Map<String, String> m = new TreeMap<>();
        for (String line : out.split("\n")) {
            int colon = line.lastIndexOf(": ");
            if (colon < 0) continue;
            String file = Path.of(line.substring(0, colon)).getFileName().toString();
            String v = line.substring(colon + 2);
            if (v.endsWith(" FOUND")) m.merge(file, v.substring(0, v.length() - 6), (a, x) -> a);
            else if (v.equals("OK")) m.putIfAbsent(file, "");
            else m.put(file, v);
        }
        return m;
    }

    private static List<String> infected(Map<String, String> v) {
        List<String> s = new ArrayList<>();
        v.forEach((k, x) -> { if (!x.isEmpty()) s.add(k); });
        return s;
    }
}
