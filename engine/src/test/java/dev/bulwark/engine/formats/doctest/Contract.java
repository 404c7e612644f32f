package dev.bulwark.engine.formats.doctest;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.Extractor;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/**
 * The robustness contract every extractor must meet: on truncated, bit-flipped or arbitrary input it
 * returns normally (no exception), terminates, and emits nothing larger than the context's budget.
 */
public final class Contract {
    private Contract() {}

    /** Runs the extractor once; any exception fails the test with the input length. */
    public static RecordingContext run(Extractor x, byte[] data, FileType type, ScanOptions opts) {
        RecordingContext ctx = new RecordingContext(opts);
        try {
            x.extract(TestLayer.of(data, type), ctx);
        } catch (Throwable t) {
            throw new AssertionError("extractor threw on " + data.length + "-byte input: " + t, t);
        }
        for (RecordingContext.Child c : ctx.children) {
            assertTrue(c.data().length <= opts.limits().normalize().maxFileSize(), "child over budget");
        }
        return ctx;
    }

    public static RecordingContext run(Extractor x, byte[] data, FileType type) {
        return run(x, data, type, ScanOptions.defaults());
    }

    /** Every prefix of {@code data} (every length when small, else sampled evenly plus the last 512). */
    public static void truncations(Extractor x, byte[] data, FileType type) {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            int n = data.length;
            int step = n <= 8192 ? 1 : n / 4096;
            for (int len = 0; len <= n; len += step) run(x, Arrays.copyOf(data, len), type);
            for (int len = Math.max(0, n - 512); len <= n; len++) run(x, Arrays.copyOf(data, len), type);
        });
    }

    /** Random single-byte corruptions (fixed seed: failures are reproducible). */
    public static void flips(Extractor x, byte[] data, FileType type, int rounds) {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            Random r = new Random(42);
            for (int i = 0; i < rounds && data.length > 0; i++) {
                byte[] d = data.clone();
                int flips = 1 + r.nextInt(4);
                for (int f = 0; f < flips; f++) d[r.nextInt(d.length)] ^= (byte) (1 << r.nextInt(8));
                run(x, d, type);
            }
        });
    }

    /** Options with a small member budget, for testing that lying sizes cannot allocate past it. */
    public static ScanOptions smallBudget(long bytes) {
        return ScanOptions.defaults().withLimits(Limits.DEFAULTS.withMaxFileSize(bytes).withMaxScanSize(bytes * 4));
    }
}
