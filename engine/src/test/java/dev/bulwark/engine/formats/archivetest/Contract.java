package dev.bulwark.engine.formats.archivetest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.Extractor;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The robustness contract every extractor must meet: on any input it returns normally (no exception
 * of any kind), stays within the context's budgets and does not allocate far beyond them.
 */
public final class Contract {
    /** Allocation allowed per run beyond the member budget: decoder windows, tables, copies. */
    private static final long ALLOC_SLACK = 96L << 20;

    private Contract() {}

    /** Runs the extractor once under small limits and checks the contract; returns the context. */
    public static RecordingContext run(Extractor x, FileType type, byte[] data) {
        RecordingContext ctx = RecordingContext.small();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        try {
            x.extract(TestLayer.of(data, type), ctx);
        } catch (Throwable t) {
            AssertionError e = new AssertionError("extractor threw on " + data.length + " bytes: " + t, t);
            throw e;
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        long limit = 8 * ctx.limits().maxScanSize() + ALLOC_SLACK + 64L * data.length;
        assertTrue(allocated <= limit, "allocated " + allocated + " bytes, more than " + limit);
        long total = 0;
        for (RecordingContext.Child c : ctx.extracted()) {
            assertTrue(c.data().length <= ctx.limits().maxFileSize(), "member larger than MaxFileSize");
            total += c.data().length;
        }
        assertTrue(total <= ctx.limits().maxScanSize(), "members exceed MaxScanSize");
        return ctx;
    }

    /** Every prefix of a valid sample. */
    public static void truncations(Extractor x, FileType type, byte[] sample) {
        for (int n = 0; n <= sample.length; n++) run(x, type, Arrays.copyOf(sample, n));
    }

    /** Each byte replaced by its complement, by 0 and by a random value; plus random multi-byte damage. */
    public static void flips(Extractor x, FileType type, byte[] sample, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int stride = Math.max(1, sample.length / 1500); // keeps big samples to ~4500 runs
        for (int i = 0; i < sample.length; i += stride) {
            for (int v : new int[] {~sample[i], 0, rnd.nextInt(256)}) {
                byte[] b = sample.clone();
                b[i] = (byte) v;
                run(x, type, b);
            }
        }
        for (int k = 0; k < 300; k++) {
            byte[] b = sample.clone();
            for (int j = 0, m = 1 + rnd.nextInt(8); j < m && b.length > 0; j++) b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            run(x, type, b);
        }
    }

    /** Every 2-, 4- and 8-byte window overwritten with huge values, as lying size fields would be. */
    public static void lyingSizes(Extractor x, FileType type, byte[] sample) {
        byte[][] fills = {{(byte) 0xff, (byte) 0xff}, {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f},
                {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f},
                {'7', '7', '7', '7', '7', '7', '7', '7', '7', '7', '7'}, {'F', 'F', 'F', 'F', 'F', 'F', 'F', 'F'}};
        int stride = Math.max(1, sample.length / 600);
        for (byte[] fill : fills) {
            for (int i = 0; i + fill.length <= sample.length; i += stride) {
                byte[] b = sample.clone();
                System.arraycopy(fill, 0, b, i, fill.length);
                run(x, type, b);
            }
        }
    }

    /** All three contract checks. */
    public static void all(Extractor x, FileType type, byte[] sample) {
        truncations(x, type, sample);
        flips(x, type, sample, 0x5eedL ^ sample.length);
        lyingSizes(x, type, sample);
    }

}
