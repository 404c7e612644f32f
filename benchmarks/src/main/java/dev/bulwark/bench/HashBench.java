package dev.bulwark.bench;

import dev.bulwark.engine.match.HashIndex;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hash-signature lookups against an index of N MD5 entries with log-normal sizes (as gen_sigs.py
 * draws them): {@code wants} alone (what every scanned object pays) and {@code wants}+{@code find}
 * for a probe whose size has entries (half of them hits).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class HashBench {
    private static final int PROBES = 4096;

    @Param({"10000", "4000000"})
    public int entries;

    private HashIndex index;
    private long[] probeSizes, missSizes;
    private byte[][] probeDigests;
    private int i;

    @Setup
    public void setup() {
        Random r = new Random(7);
        HashIndex.Builder b = HashIndex.builder(16);
        long[] sizes = new long[entries];
        byte[][] digests = new byte[entries][16];
        for (int k = 0; k < entries; k++) {
            sizes[k] = Math.max(64, Math.min(64L << 20, (long) Math.exp(Math.log(200_000) + 1.5 * r.nextGaussian())));
            r.nextBytes(digests[k]);
            b.add(digests[k], sizes[k], k);
        }
        index = b.build();
        probeSizes = new long[PROBES];
        missSizes = new long[PROBES];
        probeDigests = new byte[PROBES][];
        for (int k = 0; k < PROBES; k++) {
            int e = r.nextInt(entries);
            probeSizes[k] = sizes[e];
            probeDigests[k] = r.nextBoolean() ? digests[e] : new byte[16];
            missSizes[k] = 1 + r.nextInt(1 << 20);
        }
    }

    @Benchmark
    public boolean wantsRandomSize() {
        int k = i++ & (PROBES - 1);
        return index.wants(missSizes[k]);
    }

    @Benchmark
    public int lookup() {
        int k = i++ & (PROBES - 1);
        return index.wants(probeSizes[k]) ? index.find(probeDigests[k], probeSizes[k]) : -2;
    }
}
