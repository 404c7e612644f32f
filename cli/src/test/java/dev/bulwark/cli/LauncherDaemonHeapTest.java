package dev.bulwark.cli;

import static dev.bulwark.cli.LauncherFixture.LAUNCHER;
import static dev.bulwark.cli.LauncherFixture.dryRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * (review15) trim13 gave the daemon -Xms64m, before the user's BULWARK_JAVA_OPTS: a daemon started with a heap
 * limit below 64 MB (BULWARK_JAVA_OPTS=-Xmx48m, as a small host or a small database may want) no longer started
 * ("Initial heap size set to a larger value than the maximum heap size"). The launcher's JVM options, as its dry
 * run prints them, are given to the real JVM with -version.
 */
class LauncherDaemonHeapTest {
    /** Exit code of the launcher's java with its options (those before -cp) and -version. */
    private static int jvmStarts(List<String> words) throws Exception {
        List<String> cmd = new ArrayList<>();
        for (String w : words) {
            if (w.equals("-cp")) break;
            if (!w.startsWith("-XX:AOTCache") && !w.startsWith("-XX:SharedArchiveFile") && !w.startsWith("-XX:+AutoCreateSharedArchive")) cmd.add(w);
        }
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (rc != 0) System.err.println(out);
        return rc;
    }

    @Test
    void aDaemonWithASmallMaximumHeapStarts() throws Exception {
        List<String> plain = dryRun(LAUNCHER, Map.of(), "daemon", "--config", "clamd.conf");
        assertTrue(plain.contains("-Xms64m"), "trim13's initial heap by default: " + plain);
        List<String> small = dryRun(LAUNCHER, Map.of("BULWARK_JAVA_OPTS", "-Xmx48m"), "daemon", "--config", "clamd.conf");
        assertEquals(0, jvmStarts(small), small.toString());
        List<String> sized = dryRun(LAUNCHER, Map.of("BULWARK_JAVA_OPTS", "-XX:MaxHeapSize=40m"), "daemon", "--config", "clamd.conf");
        assertEquals(0, jvmStarts(sized), sized.toString());
    }
}
