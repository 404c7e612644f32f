package dev.bulwark.engine.formats.sevenzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 7z members compressed with PPMd (method 03 04 01). Fixtures under {@code ppmd/} were made with
 * p7zip 16.02 ({@code 7z a -m0=PPMd:o=N:mem=M}); their contents are regenerated here by {@link #text}
 * and {@link #rows} (7z's own extraction of each fixture matched them when they were made). The clamscan
 * comparison runs only when clamscan is installed. (A test running 7z at test time was dropped: p7zip 16.02's
 * "7z a" hung under surefire for some PPMd settings.)
 */
@Timeout(300) // hang guard only
class SevenZipPpmdTest {
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    static final String EICAR_NDB = "Eicar-Test-Signature:0:*:" + hex(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\n";

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    static byte[] fixture(String name) {
        try (InputStream in = SevenZipPpmdTest.class.getResourceAsStream("ppmd/" + name)) {
            if (in == null) throw new IllegalStateException("missing fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Words with runs of random bytes (t12k.bin: 12000 bytes, seed 1; t5k.bin: 5000 bytes, seed 2). */
    static byte[] text(int n, long seed) {
        Random r = new Random(seed);
        String[] words = {"alpha", "beta", "gamma", "delta", "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "\n"};
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        while (o.size() < n) {
            if (r.nextInt(12) == 0) {
                for (int i = r.nextInt(40); i > 0; i--) o.write(r.nextInt(256));
            } else {
                o.writeBytes(words[r.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII));
                o.write(' ');
            }
        }
        return Arrays.copyOf(o.toByteArray(), n);
    }

    /** rows.txt: 3000 lines "row i (i*7919 % 1000)". */
    static byte[] rows() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) sb.append("row ").append(i).append(' ').append(i * 7919 % 1000).append('\n');
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static RecordingContext run(byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        new SevenZipExtractor().extract(dev.bulwark.engine.formats.archivetest.TestLayer.of(data, FileType.SEVENZIP), ctx);
        return ctx;
    }

    static void assertMembers(byte[] archive, List<String> names, List<byte[]> contents) {
        RecordingContext ctx = run(archive);
        assertEquals(names.size(), ctx.extracted().size(), ctx.notes().toString());
        for (int i = 0; i < names.size(); i++) {
            assertEquals(names.get(i), ctx.extracted().get(i).info().name());
            assertFalse(ctx.extracted().get(i).truncated());
            assertArrayEquals(contents.get(i), ctx.extracted().get(i).data(), names.get(i) + " " + ctx.notes());
        }
    }

    @Test
    void ordersAndModelSizesDecodeByteExact() {
        byte[] t12 = text(12000, 1);
        assertMembers(fixture("o2.7z"), List.of("t12k.bin"), List.of(t12)); // order 2, 256 KiB
        assertMembers(fixture("o32m64k.7z"), List.of("t12k.bin"), List.of(t12)); // order 32, 64 KiB
        assertMembers(fixture("restart.7z"), List.of("rows.txt"), List.of(rows())); // order 32, 64 KiB, 33 KB of text
        assertMembers(fixture("solid.7z"), List.of("t12k.bin", "t5k.bin"), List.of(t12, text(5000, 2))); // two members, one folder
    }

    @Test
    void eicarIsFoundAsClamscanFindsIt(@TempDir Path tmp) throws Exception {
        Path ndb = tmp.resolve("e.ndb");
        Files.writeString(ndb, EICAR_NDB);
        Engine engine = Engine.load(List.of(ndb), LoadOptions.defaults());
        ScanResult found = engine.scan(fixture("eicar.7z"), ScanOptions.defaults());
        assertEquals(List.of("Eicar-Test-Signature.UNOFFICIAL"), found.detections().stream().map(d -> d.name()).distinct().toList());
        assertFalse(engine.scan(fixture("clean.7z"), ScanOptions.defaults()).infected());
        assertEquals("hello, a clean file\n", new String(run(fixture("clean.7z")).extracted().get(0).data(), StandardCharsets.US_ASCII));
        if (!Files.isExecutable(Path.of("/usr/bin/clamscan"))) return;
        for (String f : List.of("eicar.7z", "clean.7z")) {
            Path p = tmp.resolve(f);
            Files.write(p, fixture(f));
            Process proc = new ProcessBuilder("clamscan", "--no-summary", "-d", ndb.toString(), p.toString()).redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            proc.waitFor(); // exit 1 when something is found
            boolean clam = out.contains(p + ": Eicar-Test-Signature.UNOFFICIAL FOUND");
            assertEquals(clam, engine.scan(p, ScanOptions.defaults()).infected(), f + ": " + out);
        }
    }

    @Test
    void truncatedAndCorruptedStreamsEndCleanly() {
        byte[] good = fixture("solid.7z");
        // the packed stream starts right after the 32-byte signature header
        for (int cut : new int[] {33, 40, 200, 3000, 7000}) {
            byte[] t = Arrays.copyOf(good, cut);
            Contract.run(new SevenZipExtractor(), FileType.SEVENZIP, t);
        }
        Random r = new Random(5);
        int damaged = 0;
        for (int i = 0; i < 40; i++) {
            byte[] c = good.clone();
            int at = 32 + r.nextInt(6000);
            c[at] ^= (byte) (1 + r.nextInt(255));
            RecordingContext ctx = Contract.run(new SevenZipExtractor(), FileType.SEVENZIP, c);
            boolean exact = ctx.extracted().size() == 2 && Arrays.equals(text(12000, 1), ctx.extracted().get(0).data())
                    && Arrays.equals(text(5000, 2), ctx.extracted().get(1).data());
            if (!exact) damaged++;
        }
        assertTrue(damaged > 30, "a flipped byte in the PPMd stream changes the output: " + damaged);
        // a zero first byte is required by the range decoder
        byte[] c = good.clone();
        c[32] = 1;
        RecordingContext ctx = run(c);
        assertTrue(ctx.extracted().isEmpty() || ctx.notes().toString().contains("PPMd"), ctx.notes().toString());
    }

    @Test
    void modelSizeOverTheCapIsRefused() throws Exception {
        byte[] props = {6, 0, 0, 0, 0x20}; // order 6, 512 MiB
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new PpmdStream(java.nio.ByteBuffer.wrap(new byte[16]), props, 10, 256L << 20, 1 << 20));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        byte[] bad = {1, 0, 0, 1, 0}; // order 1 is invalid
        assertThrows(IOException.class, () -> new PpmdStream(java.nio.ByteBuffer.wrap(new byte[16]), bad, 10, 256L << 20, 1 << 20));
    }

    /**
     * (fuzz16) folders16m.7z: 20 one-file folders (7z a -m0=PPMd:o=2 -ms=off -mhc=off), each coder's model size
     * patched to 16 MiB (header CRC fixed; the data decodes the same with more memory). The folders share one
     * model: before, each allocated and zeroed its own heap (20 x 16 MiB here; 300 x 256 MiB in a 15 KB archive
     * took 50 s under the default limits).
     */
    @Test
    void foldersShareOneModelHeap() {
        byte[] archive = fixture("folders16m.7z");
        List<String> names = new java.util.ArrayList<>();
        List<byte[]> contents = new java.util.ArrayList<>();
        for (int i = 10; i < 30; i++) {
            names.add("m" + i);
            contents.add(("member " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        assertMembers(archive, names, contents);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
        assertEquals(20, run(archive).extracted().size());
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
        assertTrue(allocated < 3 * (16L << 20), "allocated " + allocated + " bytes for 20 folders of a 16 MiB model");
    }

    private static <T extends Throwable> void assertThrows(Class<T> c, org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(c, e);
    }
}
