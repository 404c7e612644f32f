package dev.bulwark.bench;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import java.nio.file.Path;
import java.util.List;
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
 * Warm per-object cost: one {@link Engine} over a gen_sigs.py database scanning real 1-16 KiB files
 * from /usr/share, one file per operation (cycling through {@link #FILES} files), from memory and
 * from disk (page cache). The target is at most 20 µs per object plus work proportional to
 * the matches, independent of the database size. {@code -prof gc} shows the allocation per object.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class ObjectBench {
    /** Distinct files cycled through: enough that no branch predictor or cache learns one file. */
    static final int FILES = 2000;

    @Param({"small", "medium"})
    public String db;

    private Engine engine;
    private ScanOptions options;
    private Path[] paths;
    private byte[][] bytes;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        engine = SmallFiles.engine(db);
        options = ScanOptions.defaults();
        List<Path> files = SmallFiles.pick(Path.of(System.getProperty("bulwark.bench.files", "/usr/share")), FILES);
        paths = files.toArray(Path[]::new);
        bytes = SmallFiles.read(files);
    }

    @Benchmark
    public ScanResult memory() {
        int i = next++ % bytes.length;
        return engine.scan(bytes[i], options);
    }

    @Benchmark
    public ScanResult disk() {
        int i = next++ % paths.length;
        return engine.scan(paths[i], options);
    }
}
