package dev.bulwark.cli;

import static dev.bulwark.cli.LauncherFixture.LAUNCHER;
import static dev.bulwark.cli.LauncherFixture.dryRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * trim13: the daemon's heap trim gives the heap back after a RELOAD, with the JVM options bin/bulwark gives the
 * daemon. A JVM started with exactly those options (from the launcher's dry run) runs {@link HeapTrimProbe}: a
 * real {@code EngineHolder}, a scan in flight on the first engine across a RELOAD that swaps, then the scan ends.
 * The holder must ask for the trim when that last scan ends, and once the trim ran the committed heap
 * (MemoryMXBean) must be below what it was with both engines live. Before trim13 the serial collector could not
 * shrink the old generation below its initial size (1/64 of the RAM), so on a host with more than a few GB the
 * committed heap did not move at all.
 */
class DaemonHeapTrimTest {
    private static final Pattern LINE = Pattern.compile("outcome=(\\w+) requestedOnClose=(\\d+) loadedUsed=(\\d+) loadedCommitted=(\\d+)"
            + " bothUsed=(\\d+) bothCommitted=(\\d+) afterUsed=(\\d+) afterCommitted=(\\d+)");

    @Test
    void theHeapShrinksOnceTheReplacedEnginesLastScanEnds(@TempDir Path dir) throws Exception {
        List<String> words = dryRun(LAUNCHER, Map.of(), "daemon", "--config", "clamd.conf");
        int cp = words.indexOf("-cp");
        assertTrue(cp > 1, words.toString());
        List<String> cmd = new ArrayList<>(words.subList(0, cp)); // java and the daemon's JVM options
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HeapTrimProbe.class.getName(), database(dir).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe did not finish");
        assertEquals(0, p.exitValue(), out);
        Matcher m = LINE.matcher(out);
        assertTrue(m.find(), out);
        assertEquals("SWAPPED", m.group(1), out);
        assertEquals("1", m.group(2), "the end of the replaced engine's last scan must ask for the trim: " + out);
        long bothUsed = Long.parseLong(m.group(5)), bothCommitted = Long.parseLong(m.group(6));
        long afterUsed = Long.parseLong(m.group(7)), afterCommitted = Long.parseLong(m.group(8));
        long mb = 1 << 20;
        assertTrue(bothUsed - afterUsed > 16 * mb, "the replaced engine was not collected: " + out);
        assertTrue(afterCommitted < bothCommitted - 16 * mb, "the committed heap did not shrink after the trim: " + out);
        // shrunk to the live data: the young generation (32 MB) and MaxHeapFreeRatio's 20% of the old one, plus slack
        assertTrue(afterCommitted - afterUsed < 32 * mb + afterUsed / 4 + 16 * mb, "the trim left the heap mostly free: " + out);
    }

    /** A text database of 100,000 body signatures (~25 MB of engine), random but the same every run. */
    private static Path database(Path dir) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        java.util.Random random = new java.util.Random(13);
        HexFormat hex = HexFormat.of();
        byte[] body = new byte[20];
        try (BufferedWriter w = Files.newBufferedWriter(db.resolve("probe.ndb"))) {
            for (int i = 0; i < 100_000; i++) {
                random.nextBytes(body);
                w.write("Probe.Body" + i + ":0:*:" + hex.formatHex(body) + "\n");
            }
        }
        Files.writeString(db.resolve("gen.ndb"), "Probe.Gen1:0:*:" + HeapTrimProbe.hex("generation-1") + "\n");
        return db;
    }
}
