package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code {-}} in a body pattern: a range with neither bound, which libclamav reads as {@code {0-}} (that is, as
 * {@code *}). clamscan 1.4.6 loads {@code A:0:*:6865{-}6c6f} and {@code L;Target:0;0;6865{-}6c6f} and finds them in
 * "he", 50,000 bytes, "lo" and in "helo", not in "lo ... he" (recorded: FOUND, FOUND, OK for both). Bulwark refused the
 * database ("bad wildcard range {-}", Malformed database, exit 2).
 */
class EmptyRangeWildcardTest {
    private static final byte[] FAR = ("xxhe" + "A".repeat(50_000) + "loxx").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEAR = "xxhelo".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REVERSED = ("xxlo" + "A".repeat(10) + "he").getBytes(StandardCharsets.US_ASCII);

    private static List<Boolean> found(String file, String line) {
        Engine e = Engine.of(DatabaseLoader.loadText(file, line + "\n", LoadOptions.defaults()));
        return List.of(e.scan(FAR, ScanOptions.defaults()).infected(), e.scan(NEAR, ScanOptions.defaults()).infected(),
                e.scan(REVERSED, ScanOptions.defaults()).infected());
    }

    @Test
    void aRangeWithoutBoundsIsAStarAsInClamscan() {
        List<Boolean> clamscan = List.of(true, true, false);
        assertEquals(clamscan, found("w.ndb", "A:0:*:6865{-}6c6f"));
        assertEquals(clamscan, found("w.ldb", "L;Target:0;0;6865{-}6c6f"));
        assertEquals(found("s.ndb", "A:0:*:6865*6c6f"), found("w.ndb", "A:0:*:6865{-}6c6f"));
    }
}
