package dev.bulwark.bench;

import dev.bulwark.engine.match.BodyPattern;
import dev.bulwark.engine.match.HexPatternParser;
import dev.bulwark.engine.match.OffsetSpec;
import dev.bulwark.engine.match.PatternException;
import dev.bulwark.engine.match.PatternSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared benchmark inputs: synthetic databases from gen_sigs.py and random / real data buffers. */
final class Fixtures {
    /** Where generated databases are cached between JMH forks. */
    static final Path CACHE = Path.of(System.getProperty("bulwark.bench.cache", "/tmp/bulwark-bench"));
    static final String GEN_SIGS = System.getProperty("bulwark.bench.gensigs", "/work/shared/tools/gen_sigs.py");

    private Fixtures() {}

    /** A gen_sigs.py database with {@code bodies} .ndb signatures and the given hash / logical counts. */
    static Path database(int hashes, int bodies, int logical) {
        Path dir = CACHE.resolve("db-h" + hashes + "-b" + bodies + "-l" + logical);
        if (Files.isRegularFile(dir.resolve("db/synth.ndb"))) return dir.resolve("db");
        try {
            Files.createDirectories(CACHE);
            Process p = new ProcessBuilder("python3", GEN_SIGS, "--size", "tiny", "--hashes", "" + hashes,
                    "--bodies", "" + bodies, "--logical", "" + logical, "--out", dir.toString())
                    .inheritIO().redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) throw new IllegalStateException("gen_sigs.py failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return dir.resolve("db");
    }

    /** All .ndb patterns of a database in one PatternSet (target 0, so every pattern is live). */
    static PatternSet bodyPatterns(Path db) {
        PatternSet.Builder b = PatternSet.builder();
        try {
            int n = 0;
            for (String line : Files.readAllLines(db.resolve("synth.ndb"))) {
                String[] f = line.split(":", 4);
                if (f.length < 4) continue;
                BodyPattern p = HexPatternParser.parse(f[3]);
                b.add(p, 0, OffsetSpec.ANY, n++);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (PatternException e) {
            throw new IllegalStateException(e);
        }
        return b.build();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Real binary data: shared libraries concatenated up to {@code size} bytes. */
    static byte[] real(int size) {
        byte[] out = new byte[size];
        int n = 0;
        List<Path> libs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/usr/lib/x86_64-linux-gnu"), "*.so*")) {
            for (Path p : ds) if (Files.isRegularFile(p) && !Files.isSymbolicLink(p)) libs.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        libs.sort(null);
        for (Path p : libs) {
            if (n >= size) break;
            try {
                byte[] b = Files.readAllBytes(p);
                int k = Math.min(b.length, size - n);
                System.arraycopy(b, 0, out, n, k);
                n += k;
            } catch (IOException e) {
                // unreadable library: skip it
            }
        }
        if (n < size) throw new IllegalStateException("only " + n + " bytes of shared libraries found");
        return out;
    }
}
