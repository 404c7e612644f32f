package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.LoadOptions;
import org.junit.jupiter.api.Test;

/**
 * A signature line the parsers accept but the set's builder cannot read back (more parts than
 * PatternCodec.MAX_PARTS, or a part longer than MAX_ELEMS) must be a load error, not an IllegalArgumentException
 * escaping from PatternSet.Builder.build (bulwark scan then dies with a stack trace and exit code 1, "virus found";
 * clamscan refuses both lines: exit 2).
 */
class OversizedPatternLineTest {
    @Test
    void tooManyPartsIsALoadError() {
        String line = "Parts.Sig:0:*:" + "aabbcc*".repeat(70_000) + "aabbcc\n";
        DatabaseLoadException e = assertThrows(DatabaseLoadException.class,
                () -> DatabaseLoader.loadText("parts.ndb", line, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("parts.ndb") && e.getMessage().contains("too many parts"), e.getMessage());
    }

    @Test
    void tooLongAPartIsALoadError() {
        String line = "Elems.Sig:0:*:aabbcc" + "{99}".repeat(10_600) + "aabbcc\n";
        DatabaseLoadException e = assertThrows(DatabaseLoadException.class,
                () -> DatabaseLoader.loadText("elems.ndb", line, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("elems.ndb") && e.getMessage().contains("part too long"), e.getMessage());
    }
}
