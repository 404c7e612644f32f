package dev.bulwark.engine.formats.macho;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachoUniversalExtractorTest {
    static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");

    /** A universal binary: header claiming {@code nfat} architectures, the given (offset, size) entries, payload. */
    static byte[] fat(int nfat, long[][] entries, int fileSize, long seed) {
        byte[] out = new byte[fileSize];
        Random r = new Random(seed);
        r.nextBytes(out);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 0xcafebabe);
        b.putInt(4, nfat);
        for (int i = 0; i < entries.length && 8 + 20 * i + 20 <= fileSize; i++) {
            int at = 8 + 20 * i;
            b.putInt(at, 7 | 0x1000000);
            b.putInt(at + 4, 3);
            b.putInt(at + 8, (int) entries[i][0]);
            b.putInt(at + 12, (int) entries[i][1]);
            b.putInt(at + 16, 12);
            long off = entries[i][0];
            if (off >= 8 + 20L * entries.length && off + 5 < fileSize) {
                byte[] tag = ("SLICE" + i).getBytes(StandardCharsets.US_ASCII); // no magic: plain data children
                System.arraycopy(tag, 0, out, (int) off, Math.min(tag.length, fileSize - (int) off));
            }
        }
        // zero the rest of the header area so random bytes never look like more entries' magic
        return out;
    }

    static RecordingContext run(byte[] file, boolean alertBroken) {
        RecordingContext ctx = new RecordingContext(alertBroken);
        new MachoUniversalExtractor().extract(RecordingContext.layer(file), ctx);
        return ctx;
    }

    @Test
    void emitsEachSliceWithItsBytes() {
        byte[] f = fat(2, new long[][] {{4096, 1000}, {8192, 3000}}, 12000, 1);
        RecordingContext ctx = run(f, true);
        assertEquals(2, ctx.children.size());
        assertArrayEquals(java.util.Arrays.copyOfRange(f, 4096, 5096), ctx.children.get(0).bytes());
        assertArrayEquals(java.util.Arrays.copyOfRange(f, 8192, 11192), ctx.children.get(1).bytes());
        assertEquals(1, ctx.children.get(0).info().position());
        assertEquals(2, ctx.children.get(1).info().position());
        assertEquals(List.of(), ctx.heuristics);
    }

    @Test
    void javaClassFilesAndTooManyArchitecturesAreNotUniversalBinaries() {
        byte[] javaClass = fat(0x34, new long[][] {{4096, 100}}, 5000, 2); // version 52 in the "nfat" slot
        assertEquals(0, run(javaClass, true).children.size());
        byte[] tooMany = fat(33, new long[][] {{4096, 100}}, 5000, 3);
        RecordingContext ctx = run(tooMany, true);
        assertEquals(0, ctx.children.size());
        assertEquals(List.of(), ctx.heuristics); // ClamAV: CL_EFORMAT without the broken heuristic
    }

    @Test
    void sliceSizesAreCutAndZeroMeansToTheEnd() {
        byte[] f = fat(3, new long[][] {{4096, 0}, {6000, 999_999}, {99_999, 10}}, 7000, 4);
        RecordingContext ctx = run(f, false);
        assertEquals(2, ctx.children.size());
        assertEquals(7000 - 4096, ctx.children.get(0).bytes().length);
        assertEquals(1000, ctx.children.get(1).bytes().length);
    }

    @Test
    void brokenTablesRaiseTheHeuristicOnlyWhenAsked() {
        byte[] inside = fat(2, new long[][] {{4096, 100}, {20, 100}}, 5000, 5); // second slice inside the headers
        RecordingContext on = run(inside, true);
        assertEquals(1, on.children.size());
        assertEquals(List.of("Heuristics.Broken.Executable"), on.heuristics);
        assertEquals(List.of(), run(inside, false).heuristics);
        byte[] truncated = java.util.Arrays.copyOf(fat(3, new long[][] {{4096, 100}, {4096, 100}, {4096, 100}}, 5000, 6), 40);
        RecordingContext t = run(truncated, true);
        assertEquals(0, t.children.size()); // first slice starts past the end; then the table runs out
        assertEquals(List.of("Heuristics.Broken.Executable"), t.heuristics);
    }

    @Test
    void stopsWhenTheContextSaysSo() {
        byte[] f = fat(3, new long[][] {{4096, 100}, {4200, 100}, {4300, 100}}, 5000, 7);
        RecordingContext ctx = new RecordingContext(false, 1);
        new MachoUniversalExtractor().extract(RecordingContext.layer(f), ctx);
        assertEquals(1, ctx.children.size());
    }

    @Test
    void truncationAtEveryLengthAndLyingFields() {
        byte[] f = fat(2, new long[][] {{4096, 1000}, {8192, 3000}}, 12000, 8);
        for (int n = 0; n <= f.length; n += (n < 200 ? 1 : 97)) {
            byte[] t = java.util.Arrays.copyOf(f, n);
            RecordingContext ctx = run(t, true);
            for (RecordingContext.Child c : ctx.children) assertTrue(c.bytes().length <= n);
        }
        long[] lies = {0, 1, 8, 27, 28, 0x7fffffffL, 0x80000000L, 0xffffffffL, 11999, 12000, 12001};
        for (int at = 4; at < 48; at += 4) {
            for (long v : lies) {
                byte[] m = f.clone();
                ByteBuffer.wrap(m).order(ByteOrder.BIG_ENDIAN).putInt(at, (int) v);
                RecordingContext ctx = run(m, true);
                assertTrue(ctx.children.size() <= 32);
            }
        }
    }

    /**
     * Differential: for each universal binary, clamscan (with one .hdb entry per slice we emit, plus
     * --alert-broken) must find exactly the slices we emit and raise Heuristics.Broken.Executable when we do.
     */
    @Test
    void slicesAndBrokenVerdictsMatchClamscan(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CLAMSCAN), "clamscan not installed");
        List<byte[]> files = new ArrayList<>();
        files.add(fat(2, new long[][] {{4096, 1000}, {8192, 3000}}, 12000, 20));
        files.add(fat(3, new long[][] {{4096, 0}, {6000, 999_999}, {99_999, 10}}, 7000, 21));
        files.add(fat(2, new long[][] {{4096, 100}, {20, 100}}, 5000, 22));
        files.add(java.util.Arrays.copyOf(fat(3, new long[][] {{100, 50}, {200, 50}, {300, 50}}, 5000, 23), 50));
        files.add(fat(1, new long[][] {{4096, 5}}, 5000, 24)); // a 5-byte slice is not scanned
        files.add(fat(1, new long[][] {{4096, 6}}, 5000, 25));
        Random r = new Random(26);
        for (int k = 0; k < 20; k++) {
            int n = 1 + r.nextInt(4);
            long[][] e = new long[n][];
            for (int i = 0; i < n; i++) e[i] = new long[] {r.nextInt(9000), r.nextInt(4) == 0 ? 0 : r.nextInt(6000)};
            files.add(fat(n, e, 4000 + r.nextInt(6000), 100 + k));
        }
        Path db = Files.createDirectories(dir.resolve("db"));
        List<String> hdb = new ArrayList<>();
        Map<Path, Set<String>> expected = new LinkedHashMap<>();
        Map<String, String> nameOfHash = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            Path p = dir.resolve("fat" + i + ".bin");
            Files.write(p, files.get(i));
            RecordingContext ctx = run(files.get(i), true);
            Set<String> exp = new TreeSet<>(ctx.heuristics);
            for (RecordingContext.Child c : ctx.children) {
                String key = md5(c.bytes()) + ":" + c.bytes().length;
                String name = nameOfHash.computeIfAbsent(key, k -> "Slice" + nameOfHash.size());
                exp.add(name);
            }
            expected.put(p, exp);
        }
        nameOfHash.forEach((k, v) -> hdb.add(k + ":" + v));
        hdb.add("00000000000000000000000000000000:1:Unused");
        Files.write(db.resolve("t.hdb"), hdb);
        List<String> cmd = new ArrayList<>(List.of(CLAMSCAN.toString(), "--no-summary", "--allmatch", "--alert-broken", "-d", db.toString()));
        for (Path p : expected.keySet()) cmd.add(p.toString());
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(5, TimeUnit.MINUTES));
        Map<String, Set<String>> got = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int sep = line.lastIndexOf(": ");
            if (sep < 0) continue;
            Set<String> s = got.computeIfAbsent(line.substring(0, sep), k -> new TreeSet<>());
            String v = line.substring(sep + 2);
            if (v.endsWith(" FOUND")) s.add(v.substring(0, v.length() - 6).replace(".UNOFFICIAL", ""));
        }
        List<String> diffs = new ArrayList<>();
        expected.forEach((p, exp) -> {
            Set<String> act = got.getOrDefault(p.toString(), Set.of("<missing>"));
            if (!exp.equals(act)) diffs.add(p.getFileName() + ": ours " + exp + " clamscan " + act);
        });
        assertEquals(List.of(), diffs);
    }

    static String md5(byte[] b) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }
}
