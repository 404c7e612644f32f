package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Limits are outcomes, never failures: nesting bombs, scan size and file count end with a limit verdict. */
class LimitsTest {
    private static final Engine ENGINE = Engine.of(dev.bulwark.engine.signatures.clamav.DatabaseLoader.loadText(
            "t.ndb", "Payload:0:*:5041594c4f41442d4d41524b4552\n", LoadOptions.defaults()));
    private static final byte[] PAYLOAD = "xxxxPAYLOAD-MARKERxxxx".getBytes(StandardCharsets.US_ASCII);

    private static byte[] gzip(byte[] in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(in);
        }
        return b.toByteArray();
    }

    private static byte[] nested(int depth) throws Exception {
        byte[] d = PAYLOAD;
        for (int i = 0; i < depth; i++) d = gzip(d);
        return d;
    }

    private static List<String> names(ScanResult r) {
        return r.detections().stream().map(Detection::name).toList();
    }

    @Test
    void tenThousandNestedLayersStopAtTheRecursionLimit() throws Exception {
        byte[] bomb = nested(10_000);
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.EXCEEDS_MAX, true);
        assertEquals(List.of("Heuristics.Limits.Exceeded.MaxRecursion"), names(ENGINE.scan(bomb, alert)));
        assertEquals(ScanResult.Status.CLEAN, ENGINE.scan(bomb, ScanOptions.defaults()).status());
        // "0 = unlimited" still has a hard ceiling
        ScanOptions unlimited = alert.withLimits(Limits.DEFAULTS.withMaxRecursion(0));
        assertEquals(List.of("Heuristics.Limits.Exceeded.MaxRecursion"), names(ENGINE.scan(bomb, unlimited)));
    }

    @Test
    void payloadWithinTheLimitIsFound() throws Exception {
        assertEquals(List.of("Payload.UNOFFICIAL"), names(ENGINE.scan(nested(16), ScanOptions.defaults())));
        // layer 17 is not scanned by default (depth d is scanned only while d < 17), as in ClamAV
        assertEquals(List.of(), names(ENGINE.scan(nested(17), ScanOptions.defaults())));
    }

    @Test
    void scanSizeAndFileCountLimits() throws Exception {
        byte[] one = nested(1);
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.EXCEEDS_MAX, true);
        assertEquals(List.of("Heuristics.Limits.Exceeded.MaxScanSize"),
                names(ENGINE.scan(one, alert.withLimits(Limits.DEFAULTS.withMaxScanSize(one.length + 5)))));
        assertEquals(List.of("Heuristics.Limits.Exceeded.MaxFiles"),
                names(ENGINE.scan(one, alert.withLimits(Limits.DEFAULTS.withMaxFiles(1)))));
        assertEquals(List.of("Heuristics.Limits.Exceeded.MaxFileSize"),
                names(ENGINE.scan(one, alert.withLimits(Limits.DEFAULTS.withMaxFileSize(10)))));
    }
}
