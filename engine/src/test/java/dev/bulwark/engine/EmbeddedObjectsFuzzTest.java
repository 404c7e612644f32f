package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Whole scans of arbitrary bytes (embedded objects, installer streams, head re-typing) end with a verdict. */
class EmbeddedObjectsFuzzTest {
    private static final Engine ENGINE = engine();
    private static final ScanOptions OPTIONS = ScanOptions.defaults().withAllMatch(true).withLimits(Limits.DEFAULTS
            .withMaxFileSize(1 << 20).withMaxScanSize(8 << 20).withMaxFiles(200).withMaxScanTimeMillis(20_000));

    private static Engine engine() {
        try {
            Path db = Files.createTempFile("embedded", ".ndb");
            Files.writeString(db, "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n");
            Engine e = Engine.load(List.of(db), LoadOptions.defaults());
            Files.delete(db);
            return e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        assertNotEquals(ScanResult.Status.ERROR, ENGINE.scan(data, OPTIONS).status());
    }
}
