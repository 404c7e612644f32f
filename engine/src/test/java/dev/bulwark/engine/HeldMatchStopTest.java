package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (review13) A body match held for its window's report order (Pass.hold, compat12) must still end a scan without
 * --allmatch at the end of that window, as clamscan stops there: the held match made Bulwark scan the rest of the
 * file (a 40 MB file matched at byte 100 took as long as the same file without the match).
 */
class HeldMatchStopTest {
    @Test
    void matchInFirstWindowStopsTheScanThere(@TempDir Path dir) throws Exception {
        Path db = Files.writeString(dir.resolve("t.ndb"), "Test.Strong:0:*:58585858584242424242\n");
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        byte[] unit = "XXXXXBBBB\0".getBytes(StandardCharsets.ISO_8859_1); // an atom hit every 10 bytes, no match
        byte[] clean = new byte[40 << 20];
        for (int i = 0; i < clean.length; i += unit.length) System.arraycopy(unit, 0, clean, i, Math.min(unit.length, clean.length - i));
        byte[] infected = clean.clone();
        System.arraycopy("XXXXXBBBBB".getBytes(StandardCharsets.ISO_8859_1), 0, infected, 100, 10);
        ScanOptions o = ScanOptions.defaults().withLimits(ScanOptions.defaults().limits().withMaxFileSize(1L << 30).withMaxScanSize(1L << 30));
        ScanResult r = engine.scan(infected, o);
        assertEquals("Test.Strong.UNOFFICIAL", r.detections().get(0).name());
        assertTrue(engine.scan(clean, o).detections().isEmpty());
        long infectedNs = Long.MAX_VALUE, cleanNs = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            engine.scan(infected, o);
            long t1 = System.nanoTime();
            engine.scan(clean, o);
            long t2 = System.nanoTime();
            infectedNs = Math.min(infectedNs, t1 - t0);
            cleanNs = Math.min(cleanNs, t2 - t1);
        }
        assertTrue(infectedNs * 4 < cleanNs, "infected " + infectedNs / 1_000_000 + " ms, clean " + cleanNs / 1_000_000 + " ms");
    }
}
