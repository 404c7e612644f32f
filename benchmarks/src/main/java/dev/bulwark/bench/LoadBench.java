package dev.bulwark.bench;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.nio.file.Path;
import java.util.List;
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

/** Loading a gen_sigs.py database from its text sources (small / medium preset counts). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx8g"})
public class LoadBench {
    @Param({"small", "medium"})
    public String size;

    private Path db;

    @Setup
    public void setup() {
        db = size.equals("small") ? Fixtures.database(10_000, 1_000, 100) : Fixtures.database(500_000, 50_000, 5_000);
    }

    @Benchmark
    public Database loadSources() {
        return DatabaseLoader.load(List.of(db), LoadOptions.defaults());
    }
}
