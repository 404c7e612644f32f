package dev.bulwark.engine.formats.zstd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // hang guard only
class ZstdExtractorTest {
    static RecordingContext run(byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        new ZstdExtractor().extract(TestLayer.of(data, FileType.ZSTD), ctx);
        return ctx;
    }

    @Test
    void framesFromTheZstdTool(@TempDir Path dir) throws Exception {
        byte[] exe = Samples.read("clam.exe");
        byte[] packed = Tools.run(dir, exe, "zstd", "-19", "-c");
        Samples.assertClamExe(run(packed).extracted().get(0).data());
        byte[] two = new byte[packed.length * 2];
        System.arraycopy(packed, 0, two, 0, packed.length);
        System.arraycopy(packed, 0, two, packed.length, packed.length);
        assertArrayEquals(Tools.run(dir, two, "zstd", "-dc"), run(two).extracted().get(0).data());
        Contract.all(new ZstdExtractor(), FileType.ZSTD, packed);
    }

    @Test
    void zeroBombStopsAtTheLimit(@TempDir Path dir) throws Exception {
        byte[] bomb = Tools.run(dir, new byte[64 << 20], "zstd", "-c");
        RecordingContext ctx = Contract.run(new ZstdExtractor(), FileType.ZSTD, bomb);
        assertTrue(ctx.extracted().get(0).skipped());
    }

    /**
     * aircompressor refuses compressed blocks in windows above 8 MiB (zstd --long, --ultra); (fuzz19) such frames were
     * decoded in an 8 MiB window (a prefix); (zstd21) they are decoded at once into their bound: whole.
     */
    @Test
    void windowsAboveEightMebibytesDecodeInEightMiB(@TempDir Path dir) throws Exception {
        byte[] half = new byte[10 << 20];
        new java.util.Random(1).nextBytes(half);
        byte[] data = new byte[20 << 20];
        System.arraycopy(half, 0, data, 0, half.length);
        System.arraycopy(half, 0, data, half.length, half.length);
        for (String[] cmd : new String[][] {{"zstd", "--long=27", "-c"}, {"zstd", "--ultra", "-22", "-c"}}) {
            RecordingContext ctx = run(Tools.run(dir, data, cmd));
            byte[] out = ctx.extracted().get(0).data();
            // (zstd21) decoded at once now, whole (fuzz19: the first 2 MiB, then "Input is corrupted")
            assertArrayEquals(data, out, ctx.notes().toString());
            assertTrue(ctx.notes().stream().anyMatch(n -> n.contains("decoded at once")), ctx.notes().toString());
        }
        // with its content size (single segment, compressed blocks): left to aircompressor, decoded whole as before
        byte[] sized = Tools.run(dir, data, "zstd", "--long=27", "--stream-size=" + data.length, "-c");
        RecordingContext ctx = run(sized);
        assertArrayEquals(data, ctx.extracted().get(0).data(), ctx.notes().toString());
    }

    /** A frame of {@code blocks} raw blocks of 128 KiB of 'A' after the given frame header bytes (magic included). */
    static byte[] rleFrame(byte[] header, int blocks) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(header);
        for (int i = 0; i < blocks; i++) {
            int bh = 131072 << 3 | (i == blocks - 1 ? 1 : 0); // raw (RLE alike, but the ratio guard would stop those)
            out.write(bh);
            out.write(bh >>> 8);
            out.write(bh >>> 16);
            byte[] a = new byte[131072];
            java.util.Arrays.fill(a, (byte) 'A');
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    /**
     * (fuzz19) A frame declaring a 320 MiB window (or a single-segment frame declaring 1.5 GB) of raw blocks: aircompressor
     * grew its window buffer by one block at a time past 8 MiB, copying it each time (200 blocks, 25 MB of output: 2.3 GB
     * allocated; 800 four-byte RLE blocks, a 3.2 KB file: 39.8 GB, 15 s). Decoded alike, in an 8 MiB window.
     */
    @Test
    void largeDeclaredWindowsDecodeInEightMiB() {
        byte[] window320 = rleFrame(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, (byte) 0x92}, 200);
        byte[] single1500 = rleFrame(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, (byte) 0xe0, 0, 0, 0, 0x5e, 0, 0, 0, 0}, 200);
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (byte[] f : new byte[][] {window320, single1500}) {
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
            RecordingContext ctx = run(f);
            long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
            byte[] out = ctx.extracted().get(0).data();
            assertEquals(200 * 131072, out.length, ctx.notes().toString());
            for (byte x : out) if (x != 'A') throw new AssertionError("decoded " + x);
            assertTrue(allocated < 256L << 20, "allocated " + allocated + " bytes for 25 MB of raw blocks");
        }
    }

    /**
     * (zstd21) A single-segment frame with a true content size above 8 MiB, one 8-byte compressed block (40 'A') then
     * {@code rle} RLE blocks of 125,000 'B': valid for zstd -t. fuzz19 left such frames to aircompressor, whose window
     * buffer then grew one block at a time (799 blocks, 3.2 KB: 39.7 GB allocated, 11 s CPU).
     */
    static byte[] sizedFrameWithACompressedBlock(int rle) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long size = 40 + rle * 125_000L;
        out.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, (byte) 0xa0,
                (byte) size, (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)});
        out.writeBytes(new byte[] {0x44, 0, 0, 0x10, 0x41, 0x41, 0x01, 0x00, 0x1f, (byte) 0x80, 0x05});
        for (int i = 0; i < rle; i++) {
            int bh = 125_000 << 3 | 1 << 1 | (i == rle - 1 ? 1 : 0);
            out.writeBytes(new byte[] {(byte) bh, (byte) (bh >>> 8), (byte) (bh >>> 16), 'B'});
        }
        return out.toByteArray();
    }

    static long allocated(Runnable r) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
        r.run();
        return mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
    }

    /** (zstd21) The sized frame with a compressed block is decoded at once into its content size: linear, exact. */
    @Test
    void sizedFrameWithACompressedBlockDecodesAtOnce(@TempDir Path dir) throws Exception {
        byte[] f = sizedFrameWithACompressedBlock(200); // 25 MB out, 811 bytes: aircompressor alone allocated 2.4 GB
        RecordingContext[] ctx = new RecordingContext[1];
        RecordingContext noRatio = new RecordingContext(dev.bulwark.engine.ScanOptions.defaults().withLimits(
                new dev.bulwark.engine.Limits(400L << 20, 100L << 20, 17, 10_000, 120_000, 40L << 20, 40L << 20, 20L << 20, 1L << 20,
                        100_000, 100L << 20, 0))); // as the defaults, no ratio limit
        ctx[0] = noRatio;
        long allocated = allocated(() -> new ZstdExtractor().extract(TestLayer.of(f, FileType.ZSTD), noRatio));
        byte[] out = ctx[0].extracted().get(0).data();
        assertArrayEquals(Tools.run(dir, f, "zstd", "-dc"), out, ctx[0].notes().toString());
        assertTrue(allocated < 160L << 20, "allocated " + allocated + " bytes for 25 MB");
        // the 3.2 KB form (100 MB): decoded at once (100 MB), the member then skipped for its ratio as before
        byte[] big = sizedFrameWithACompressedBlock(799);
        assertEquals(3216, big.length);
        long allocatedBig = allocated(() -> ctx[0] = run(big));
        assertTrue(ctx[0].extracted().get(0).skipped(), ctx[0].notes().toString());
        assertTrue(allocatedBig < 256L << 20, "allocated " + allocatedBig + " bytes for the 3.2 KB frame"); // 39.7 GB before
        // 30 of them in one layer: each is decoded only when the reader reaches it (none past the member limit)
        byte[] many = new byte[30 * big.length];
        for (int i = 0; i < 30; i++) System.arraycopy(big, 0, many, i * big.length, big.length);
        long allocatedMany = allocated(() -> ctx[0] = run(many));
        assertTrue(ctx[0].extracted().get(0).skipped(), ctx[0].notes().toString());
        assertTrue(allocatedMany < 512L << 20, "allocated " + allocatedMany + " bytes for 30 frames");
    }

    /** (zstd21) Real zstd outputs, byte-exact against zstd -d (also above 8 MiB windows, whole now). */
    @Test
    void zstdOutputsDecodeAsZstdDoes(@TempDir Path dir) throws Exception {
        byte[] half = new byte[10 << 20];
        new java.util.Random(2).nextBytes(half);
        byte[] data = new byte[20 << 20];
        System.arraycopy(half, 0, data, 0, half.length);
        System.arraycopy(half, 0, data, half.length, half.length);
        byte[] small = java.util.Arrays.copyOf(data, 3 << 20);
        for (int i = 0; i < small.length; i += 7) small[i] = (byte) (i / 4096); // some of it compressible
        String sized = "--stream-size=" + data.length;
        java.util.List<byte[]> frames = new java.util.ArrayList<>();
        for (String[] cmd : new String[][] {{"-1"}, {"-19"}, {"--no-check", "-3"}}) frames.add(zstd(dir, small, cmd));
        for (String[] cmd : new String[][] {{"--long=27"}, {"--long=27", sized}, {"--long=27", "--no-check", sized},
                {"--ultra", "-22", sized}, {"--long=30", "-1", sized}})
            frames.add(zstd(dir, data, cmd));
        byte[] skippable = {0x50, 0x2a, 0x4d, 0x18, 5, 0, 0, 0, 1, 2, 3, 4, 5};
        java.io.ByteArrayOutputStream multi = new java.io.ByteArrayOutputStream();
        multi.writeBytes(skippable);
        for (byte[] f : frames) {
            assertArrayEquals(Tools.run(dir, f, "zstd", "-dc"), run(f).extracted().get(0).data());
            multi.writeBytes(f);
            multi.writeBytes(skippable);
        }
        byte[] all = multi.toByteArray();
        byte[] expected = Tools.run(dir, all, "zstd", "-dc");
        RecordingContext ctx = new RecordingContext(dev.bulwark.engine.ScanOptions.defaults().withLimits(
                dev.bulwark.engine.Limits.DEFAULTS.withMaxFileSize(400L << 20)));
        new ZstdExtractor().extract(TestLayer.of(all, FileType.ZSTD), ctx);
        assertArrayEquals(expected, ctx.extracted().get(0).data(), ctx.notes().toString());
        // under a 12 MiB member limit a sized --long frame is decoded only up to about the limit
        RecordingContext capped = new RecordingContext(dev.bulwark.engine.ScanOptions.defaults().withLimits(
                dev.bulwark.engine.Limits.DEFAULTS.withMaxFileSize(12L << 20)));
        byte[] f = frames.get(4);
        long allocated = allocated(() -> new ZstdExtractor().extract(TestLayer.of(f, FileType.ZSTD), capped));
        assertTrue(capped.extracted().get(0).skipped(), capped.notes().toString());
        assertTrue(capped.notes().stream().anyMatch(n -> n.contains("cut at")), capped.notes().toString());
        assertTrue(allocated < 80L << 20, "allocated " + allocated);
    }

    static byte[] zstd(Path dir, byte[] data, String... opts) throws Exception {
        String[] cmd = new String[opts.length + 3];
        cmd[0] = "zstd";
        System.arraycopy(opts, 0, cmd, 1, opts.length);
        cmd[opts.length + 1] = "-q";
        cmd[opts.length + 2] = "-c";
        return Tools.run(dir, data, cmd);
    }
}
