package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * (review13) A consumer that holds its matches until a window ends (the engine's body pass without --allmatch,
 * which holds a window's matches to report them in libclamav's order) ends the pass at the first atom hit past
 * {@link PatternSet.Matches#holdUntil}, when {@link PatternSet.Matches#reached} says so: before, the held match
 * made the pass read the rest of the data (a 40 MB file matched at byte 100 took as long as a clean one). Counted
 * by match callbacks, not timed.
 */
class HeldWindowStopTest {
    static final int WINDOW = 4096;

    @Test
    void theRunEndsAtTheFirstHitPastTheHeldWindow() throws Exception {
        PatternSet.Builder b = PatternSet.builder();
        b.add(HexPatternParser.parse("58585858584242424242"), 0, OffsetSpec.ANY, 0);
        PatternSet set = b.build();
        byte[] unit = "XXXXXBBBBB".getBytes(StandardCharsets.ISO_8859_1); // a match every 10 bytes
        byte[] data = new byte[1 << 20];
        for (int i = 0; i + unit.length <= data.length; i += unit.length) System.arraycopy(unit, 0, data, i, unit.length);
        int all = data.length / unit.length;

        int[] plain = {0};
        set.scan(ByteBuffer.wrap(data), 1, null, (pat, owner, start, end) -> {
            plain[0]++;
            return -1;
        });
        assertEquals(all, plain[0], "a consumer without a held window sees every match");

        Holding h = new Holding();
        set.scan(ByteBuffer.wrap(data), 1, null, h);
        assertEquals(0, h.first);
        assertTrue(h.reachedAt >= WINDOW && h.reachedAt < WINDOW + unit.length, "stopped at " + h.reachedAt);
        assertTrue(h.calls >= WINDOW / unit.length && h.calls <= WINDOW / unit.length + 1, h.calls + " matches seen");
        assertTrue(h.lastEnd <= h.reachedAt + unit.length, "a match ending at " + h.lastEnd + " after the stop");
    }

    /** Holds everything up to WINDOW bytes after its first match, then asks to stop. */
    static final class Holding implements PatternSet.Matches {
        int first = -1, calls, lastEnd, reachedAt = -1;

        @Override
        public int match(int pattern, int owner, int start, int end) {
            if (first < 0) first = start;
            calls++;
            lastEnd = end;
            return -1;
        }

        @Override
        public int holdUntil() {
            return first < 0 ? Integer.MAX_VALUE : first + WINDOW;
        }

        @Override
        public boolean reached(int pos) {
            if (reachedAt < 0) reachedAt = pos;
            return true;
        }
    }
}
