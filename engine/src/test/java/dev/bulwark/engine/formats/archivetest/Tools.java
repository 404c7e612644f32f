package dev.bulwark.engine.formats.archivetest;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs a reference command-line tool (gzip, tar, …) for differential tests; skips when absent. */
public final class Tools {
    private Tools() {}

    public static void requireTool(String name) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (new File(dir, name).canExecute()) found = true;
        }
        Assumptions.assumeTrue(found, name + " not installed");
    }

    /** Runs a command in {@code dir} and returns its standard output; fails on a non-zero exit. */
    public static byte[] run(Path dir, byte[] stdin, String... cmd) throws IOException, InterruptedException {
        requireTool(cmd[0]);
        Process p = new ProcessBuilder(List.of(cmd)).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread feeder = new Thread(() -> {
            try (var o = p.getOutputStream()) {
                if (stdin != null) o.write(stdin);
            } catch (IOException ignored) {
                // the tool may exit before reading everything
            }
        });
        feeder.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
        feeder.join();
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue());
        return out;
    }
}
