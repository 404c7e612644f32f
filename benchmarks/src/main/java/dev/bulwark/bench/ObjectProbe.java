package dev.bulwark.bench;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Warm per-object cost in CPU-µs of the scanning thread (robust on a shared machine, unlike JMH's wall
 * clock). Usage: ObjectProbe small|medium|large [ROUNDS] [FILES]. Prints the median round of the last
 * two thirds, from memory, from disk, and for the first {@link #HEAD} bytes of each file (almost only
 * the fixed per-object cost), plus bytes allocated and bytes matched (all layers and passes) per object.
 */
public final class ObjectProbe {
    /** Bytes kept of each file in the "head" mode: small enough that per-byte work is negligible. */
    static final int HEAD = 64;

    private ObjectProbe() {}

    public static void main(String[] args) {
        String size = args.length > 0 ? args[0] : "small";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int count = args.length > 2 ? Integer.parseInt(args[2]) : ObjectBench.FILES;
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        Engine engine = SmallFiles.engine(size);
        long load = System.nanoTime() - t0;
        List<Path> files = SmallFiles.pick(Path.of(System.getProperty("bulwark.bench.files", "/usr/share")), count);
        byte[][] bytes = SmallFiles.read(files);
        Path[] paths = files.toArray(Path[]::new);
        ScanOptions o = ScanOptions.defaults();
        long total = 0;
        for (byte[] b : bytes) total += b.length;
        byte[][] heads = new byte[bytes.length][];
        for (int i = 0; i < bytes.length; i++) heads[i] = Arrays.copyOf(bytes[i], Math.min(HEAD, bytes[i].length));
        int infected = 0, errors = 0;
        for (String mode : System.getProperty("bulwark.bench.modes", "memory,disk,head").split(",")) {
            double[] us = new double[rounds];
            double alloc = 0;
            long matched = 0;
            for (int r = 0; r < rounds; r++) {
                long tid = Thread.currentThread().threadId();
                long a0 = mx.getThreadAllocatedBytes(tid);
                long c0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < bytes.length; i++) {
                    ScanResult res = switch (mode) {
                        case "memory" -> engine.scan(bytes[i], o);
                        case "disk" -> engine.scan(paths[i], o);
                        default -> engine.scan(heads[i], o);
                    };
                    if (r == 0) matched += res.bytesScanned();
                    if (r == 0 && res.infected()) infected++;
                    if (r == 0 && res.status() == ScanResult.Status.ERROR) errors++;
                }
                us[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / bytes.length;
                alloc = (mx.getThreadAllocatedBytes(tid) - a0) / (double) bytes.length;
            }
            double[] tail = Arrays.copyOfRange(us, rounds / 3, rounds);
            Arrays.sort(tail);
            long avg = mode.equals("head") ? HEAD : total / bytes.length;
            System.out.printf("db=%s mode=%-6s files=%d avg-size=%d matched=%d B/object load=%.1fs per-object: median %.1f µs min %.1f µs (CPU), alloc %.0f B/object%n",
                    size, mode, bytes.length, avg, matched / bytes.length, load / 1e9, tail[tail.length / 2], tail[0], alloc);
        }
        System.out.printf("infected=%d errors=%d (first round, both modes)%n", infected, errors);
    }
}
