package dev.bulwark.bench;

import dev.bulwark.engine.match.PatternSet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;

/**
 * Matcher throughput in MB per CPU-second of the scanning thread: robust on a shared machine where
 * JMH's wall-clock figures are inflated by other tenants. Usage: KernelProbe PATTERNS random|real [ROUNDS].
 */
public final class KernelProbe {
    private static final java.lang.invoke.VarHandle INT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private KernelProbe() {}

    public static void main(String[] args) {
        int patterns = Integer.parseInt(args[0]);
        String kind = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        PatternSet set = Fixtures.bodyPatterns(Fixtures.database(0, patterns, 0));
        long build = System.nanoTime() - t0;
        byte[] data = kind.equals("random") ? Fixtures.random(MatcherBench.DATA, 42) : Fixtures.real(MatcherBench.DATA);
        ByteBuffer buf = ByteBuffer.wrap(data);
        double best = 0;
        int hits = 0;
        for (int r = 0; r < rounds; r++) {
            long c0 = mx.getCurrentThreadCpuTime();
            int[] h = {0};
            set.scan(buf, -1, null, (p, o, s, e) -> { h[0]++; return -1; });
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            hits = h[0];
            double mbs = data.length / 1e6 / (cpu / 1e9);
            if (r >= rounds / 3) best = Math.max(best, mbs);
        }
        // floor: one word load and one L1 lookup per position, measured the same way in the same run
        double floor = 0;
        long[] tbl = new long[1024];
        for (int r = 0; r < rounds; r++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long acc = 0;
            for (int i = 0; i + 4 <= data.length; i++) {
                int k = (int) INT.get(data, i);
                acc += tbl[(k & 0xFFFF) >>> 6] & (1L << k);
            }
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            if (acc == 42) System.out.print("");
            if (r >= rounds / 3) floor = Math.max(floor, data.length / 1e6 / (cpu / 1e9));
        }
        System.out.printf("patterns=%d data=%s build=%.1fs hits=%d best=%.0f MB/cpu-s floor=%.0f MB/cpu-s ratio=%.2f%n",
                patterns, kind, build / 1e9, hits, best, floor, best / floor);
    }
}
