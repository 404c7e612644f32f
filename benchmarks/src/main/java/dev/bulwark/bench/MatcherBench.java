package dev.bulwark.bench;

import dev.bulwark.engine.match.PatternSet;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Body-pattern matcher throughput: one scan of a 16 MiB buffer per operation, so
 * MB/s = 16.78 / (seconds per op). Random data never matches; real data (shared libraries) does rarely.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx6g", "-Xms2g"})
public class MatcherBench {
    static final int DATA = 16 << 20;

    @Param({"10000", "100000", "200000", "1000000"})
    public int patterns;

    @Param({"random", "real"})
    public String data;

    private PatternSet set;
    private ByteBuffer buf;

    @Setup(Level.Trial)
    public void setup() {
        set = Fixtures.bodyPatterns(Fixtures.database(0, patterns, 0));
        buf = ByteBuffer.wrap(data.equals("random") ? Fixtures.random(DATA, 42) : Fixtures.real(DATA));
    }

    @Benchmark
    public int scan() {
        int[] hits = {0};
        set.scan(buf, -1, null, (p, owner, s, e) -> { hits[0]++; return -1; });
        return hits[0];
    }
}
