package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the launcher's tests share: the launcher, its dry run ({@code BULWARK_DRY_RUN=1} prints the java command
 * line instead of running it), the files they name, and copies of the launcher next to fake jars.
 */
final class LauncherFixture {
    static final String C1 = "-XX:TieredStopAtLevel=1";
    /** The tiny-workload flag (a few small files against a snapshot). */
    static final String TINY = "-XX:CompileThresholdScaling=6";
    /** Just above the launcher's SHORT_BYTES and TEXT_DB_MAX (128 MiB); sparse, so free to create. */
    static final long ABOVE_LIMIT = 129L * 1024 * 1024;
    static final Path LAUNCHER = Path.of("..", "bin", "bulwark").toAbsolutePath().normalize();

    private LauncherFixture() {}

    /** The files most tests name: a small one, one above the limits, a fake snapshot, a large text database, a list. */
    record Inputs(Path small, Path big, Path snapshot, Path textDb, Path list) {
        static Inputs in(Path dir) throws IOException {
            Path small = Files.writeString(dir.resolve("small.txt"), "hello\n");
            Path big = sparse(dir.resolve("big.bin"));
            Path snapshot = Files.write(dir.resolve("db.bsnap"), new byte[16]);
            Path textDb = Files.createDirectories(dir.resolve("textdb"));
            sparse(textDb.resolve("huge.hdb"));
            Path list = Files.write(dir.resolve("three.list"), List.of(small.toString(), small.toString(), small.toString()));
            return new Inputs(small, big, snapshot, textDb, list);
        }
    }

    /**
     * Runs the launcher once with BULWARK_AOT=sync over the fake jars in home (not jars: the training fails) and
     * returns the file where the failed training recorded their stamp. The JDK is env's BULWARK_JAVA, or else the
     * one the launcher finds from env (an inherited BULWARK_JAVA is dropped).
     */
    static Path failedTraining(Path home, Path launcher, Map<String, String> env) throws Exception {
        ProcessBuilder train = new ProcessBuilder("bash", launcher.toString(), "--help").redirectErrorStream(true);
        train.environment().putAll(env);
        train.environment().put("BULWARK_AOT", "sync");
        train.environment().remove("BULWARK_DRY_RUN");
        if (!env.containsKey("BULWARK_JAVA")) train.environment().remove("BULWARK_JAVA");
        Process t = train.start();
        t.getInputStream().readAllBytes();
        assertTrue(t.waitFor(120, TimeUnit.SECONDS));
        Path failed = home.resolve("cli/target/bulwark.aot.failed");
        assertTrue(Files.size(failed) > 0, "the failed training left its stamp");
        return failed;
    }

    /** Copies the launcher and the parts it sources (bin/lib) into the directory bin; returns the copy. */
    static Path copyLauncher(Path bin) throws IOException {
        Path lib = Files.createDirectories(bin.resolve("lib"));
        try (var parts = Files.list(LAUNCHER.resolveSibling("lib"))) {
            for (Path p : (Iterable<Path>) parts::iterator) Files.copy(p, lib.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return Files.copy(LAUNCHER, bin.resolve("bulwark"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    static Path sparse(Path p) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(ABOVE_LIMIT);
        }
        return p;
    }

    static Path sized(Path p, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    /** The launcher's java command line for {@code args}, one word per element. */
    static List<String> dryRun(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        Collections.addAll(cmd, args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("BULWARK_DRY_RUN", "1");
        pb.environment().put("BULWARK_AOT", "off");
        pb.environment().remove("BULWARK_JAVA_OPTS");
        pb.environment().remove("BULWARK_JAVA");
        pb.environment().remove("BULWARK_FAST_PATH");
        pb.environment().putAll(env);
        pb.environment().values().removeIf(String::isEmpty); // "" unsets a variable
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not finish: " + cmd);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    /** The AOT cache a command line uses (the launcher does not canonicalise its own directory), or null. */
    static Path cache(List<String> words) {
        for (String w : words) if (w.startsWith("-XX:AOTCache=")) return Path.of(w.substring("-XX:AOTCache=".length())).normalize();
        return null;
    }
}
