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

/** Loading a gen_sigs.py database (small / medium preset counts) from its text sources and from a snapshot. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx8g"})
public class LoadBench {
    @Param({"small", "medium"})
    public String size;

    private Path db, snapshot;

    @Setup
    public void setup() throws java.io.IOException {
        db = size.equals("small") ? Fixtures.database(10_000, 1_000, 100) : Fixtures.database(500_000, 50_000, 5_000);
        snapshot = db.resolveSibling("compiled.bsnap");
        if (!java.nio.file.Files.exists(snapshot)) {
            dev.bulwark.engine.db.snapshot.SnapshotWriter.write(loadSources(), List.of(db), snapshot);
        }
    }

    /** Mapping a snapshot written by {@code bulwark db compile} from the same sources. */
    @Benchmark
    public Database loadSnapshot() {
        return DatabaseLoader.load(List.of(snapshot), LoadOptions.defaults());
    }

    @Benchmark
    public Database loadSources() {
        return DatabaseLoader.load(List.of(db), LoadOptions.defaults());
    }
}
