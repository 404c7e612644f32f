package dev.bulwark.cli;

import static dev.bulwark.cli.LauncherFixture.LAUNCHER;
import static dev.bulwark.cli.LauncherFixture.dryRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan that meets a Zstandard layer prints nothing on standard error: aircompressor's decoder uses
 * {@code sun.misc.Unsafe}, for which JDK 24+ prints four WARNING lines unless the launcher allows it
 * ({@code --sun-misc-unsafe-memory-access=allow}); clamscan prints nothing there. Runs java with the JVM options of the
 * launcher's own command line (its dry run) and this build's classes.
 */
class UnsafeWarningTest {
    /** One Zstandard frame: no content size, a 1 MiB window, one raw last block holding {@code text}. */
    private static byte[] zstd(String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd, 0x00, (byte) (10 << 3)});
        int header = t.length << 3 | 1; // raw block (type 0), last
        b.writeBytes(new byte[] {(byte) header, (byte) (header >> 8), (byte) (header >> 16)});
        b.writeBytes(t);
        return b.toByteArray();
    }

    @Test
    void aZstdLayerLeavesStandardErrorEmpty(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("t.zst"), zstd("just some text inside a zstd frame\n"));
        for (String sub : List.of("scan", "daemon")) {
            List<String> words = dryRun(LAUNCHER, Map.of(), sub, "--no-summary", file.toString());
            assertTrue(words.contains("--sun-misc-unsafe-memory-access=allow")
                    || Runtime.version().feature() < 23, sub + ": " + words);
        }
        List<String> words = dryRun(LAUNCHER, Map.of(), "scan", "--no-summary", file.toString());
        int cp = words.indexOf("-cp");
        assertTrue(cp > 1, words.toString());
        List<String> cmd = new ArrayList<>(words.subList(0, cp)); // java and the scan's JVM options
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "scan", "--no-summary", file.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("err").toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the scan did not finish");
        String err = Files.readString(dir.resolve("err"));
        assertEquals(0, p.exitValue(), out + err);
        assertEquals(file + ": OK\n", out);
        assertEquals("", err, "standard error of a scan of " + file);
    }
}
