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

    /**
     * A line of 1 MB (under the 1 MiB line limit) of {127}: 200,000 wildcards of 127 bytes, 25 million elements in one part. Both parsers expanded
     * it before the length check (the flat path's cell array grew to 33M ints, the token path's list to 33M
     * tokens: 816 MB RSS, 8.75 s; clamscan 356 MB, 2.75 s); now the expansion stops at the part limit. The thread's
     * allocation during the load is the bounded counter (it was over 1 GB; now a few times the line's size).
     */
    @Test
    void aLineOfInlinedWildcardsIsRefusedBeforeExpanding() {
        String line = "Wild.Sig:0:*:aabbcc" + "{127}".repeat(200_000) + "aabbcc\n";
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        DatabaseLoadException e = assertThrows(DatabaseLoadException.class,
                () -> DatabaseLoader.loadText("wild.ndb", line, LoadOptions.defaults()));
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(e.getMessage().contains("wild.ndb:1") && e.getMessage().contains("part too long"), e.getMessage());
        assertTrue(allocated < 160L << 20, "allocated " + (allocated >> 20) + " MB while refusing the line");
    }
}
