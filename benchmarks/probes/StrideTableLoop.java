package dev.bulwark.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * The bare first-stage loop of the atom index / stride filter by table size (2^14..2^19 words of random bits; the
 * masks have 4 bits, so hardly any position passes): per position and every second position, best MB per CPU-s of
 * 12 rounds over 16 MiB of random bytes. What a table of each size costs on this machine, apart from passes:
 * <pre>
 * javac -d /tmp/stl benchmarks/probes/StrideTableLoop.java && java -cp /tmp/stl dev.bulwark.bench.StrideTableLoop
 * </pre>
 */
public final class StrideTableLoop {
    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static long[] third = new long[256], fourth = new long[256];

    static int loop(byte[] a, long[] w, int step) {
        int m = w.length - 1, n = 0, end = a.length - 4;
        for (int p = 0; p < end; p += step) {
            int k = (int) INT_LE.get(a, p);
            long bits = third[(k >>> 16) & 0xFF] | fourth[k >>> 24];
            if ((w[k & m] & bits) == bits) n++;
        }
        return n;
    }

    public static void main(String[] x) {
        Random r = new Random(1);
        for (int i = 0; i < 256; i++) { third[i] = 1L << (32 + r.nextInt(32)) | 1L << (32 + r.nextInt(32)); fourth[i] = 1L << r.nextInt(32) | 1L << r.nextInt(32); }
        byte[] a = new byte[16 << 20];
        r.nextBytes(a);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int[] logs = {14, 15, 16, 17, 18, 19};
        long[][] tabs = new long[logs.length][];
        for (int i = 0; i < logs.length; i++) { tabs[i] = new long[1 << logs[i]]; for (int j = 0; j < tabs[i].length; j++) tabs[i][j] = r.nextLong() & 0x0F0F0F0F0F0F0F0FL; }
        double[][] best = new double[logs.length][3];
        int sink = 0;
        for (int rep = 0; rep < 12; rep++) {
            for (int i = 0; i < logs.length; i++) {
                for (int s = 1; s <= 2; s++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    sink += loop(a, tabs[i], s);
                    double mb = a.length / 1e6 / ((mx.getCurrentThreadCpuTime() - c0) / 1e9);
                    best[i][s] = Math.max(best[i][s], mb);
                }
            }
        }
        for (int i = 0; i < logs.length; i++) System.out.printf("2^%d words (%d KiB): per position %.0f MB/s, stride 2 %.0f MB/s%n", logs[i], 8 << (logs[i] - 10), best[i][1], best[i][2]);
        System.out.println(sink);
    }
}
