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
     * aircompressor refuses compressed blocks in windows above 8 MiB (zstd --long, --ultra); (fuzz19) such frames are
     * decoded in an 8 MiB window: what comes out is the data's own prefix (here up to the member limit or the first
     * match reaching past the buffer, then a note), never other bytes. Before: nothing extracted.
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
            assertTrue(out.length > 0, ctx.notes().toString());
            assertArrayEquals(java.util.Arrays.copyOf(data, out.length), out);
            assertTrue(ctx.notes().stream().anyMatch(n -> n.contains("decoded in 8388608")), ctx.notes().toString());
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
}
