package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lazy parts ({@link BodyPattern#lazy}): which parts are left out of the index, and that matches completed
 * by a lazy last part are reported in scan order and honour stop and resume positions.
 */
class LazyPartsTest {
    private static final String STRONG = "11223344556677";

    private static byte[] data(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    @Test
    void weakPartsNextToIndexedPartsWithBoundedGapsAreLazy() throws Exception {
        assertArrayEquals(new byte[] {BodyPattern.FROM_NEXT, BodyPattern.INDEXED},
                HexPatternParser.parse("aabb????ccdd{0-10}" + STRONG).lazy);
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.FROM_PREV},
                HexPatternParser.parse(STRONG + "{2-20}aabb????ccdd").lazy);
        // two weak parts: the first stays indexed, the second is searched after it
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.FROM_PREV},
                HexPatternParser.parse("aabb????ccdd{0-10}eeff????0102").lazy);
        // unbounded gap, or a fixed byte after the 2-byte anchor: indexed
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.INDEXED},
                HexPatternParser.parse(STRONG + "*aabb????ccdd").lazy);
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.INDEXED},
                HexPatternParser.parse(STRONG + "{0-10}aabb??ccdd").lazy);
        // a window wider than MAX_LAZY_WINDOW
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.INDEXED},
                HexPatternParser.parse(STRONG + "{0-300}aabb????ccdd").lazy);
    }

    /** Pattern 0 ends in a lazy part; pattern 1 is one indexed part found between its two occurrences. */
    private static PatternSet set() throws Exception {
        PatternSet.Builder b = PatternSet.builder();
        b.add(HexPatternParser.parse(STRONG + "{0-8}aabb????ccdd"), 0, OffsetSpec.ANY, 0);
        b.add(HexPatternParser.parse("9988776655443322"), 0, OffsetSpec.ANY, 1);
        return b.build();
    }

    // pattern 0 at 4 (its lazy part at 13..18), pattern 1 at 20, pattern 0 again at 36 (lazy part at 43)
    private static final byte[] DATA = data("00000000" + STRONG + "0000aabb0000ccdd00" + "9988776655443322"
            + "0000000000000000" + STRONG + "aabbffffccdd" + "0000");

    private static List<int[]> scan(PatternSet s, int stopAfter, int resume) {
        List<int[]> out = new ArrayList<>();
        s.scan(ByteBuffer.wrap(DATA), 1, null, (p, owner, start, end) -> {
            out.add(new int[] {p, start, end});
            if (out.size() == stopAfter) return Integer.MAX_VALUE;
            return out.size() == 1 ? resume : -1;
        });
        return out;
    }

    @Test
    void reportsComeInScanOrder() throws Exception {
        List<int[]> got = scan(set(), 0, -1);
        assertEquals(3, got.size());
        assertArrayEquals(new int[] {0, 4, 19}, got.get(0));
        assertArrayEquals(new int[] {1, 20, 28}, got.get(1));
        assertArrayEquals(new int[] {0, 36, 49}, got.get(2));
    }

    @Test
    void stopAndResumePositionsHold() throws Exception {
        assertEquals(1, scan(set(), 1, -1).size());
        // resuming after the second pattern's start skips it but not the later match
        List<int[]> got = scan(set(), 0, 30);
        assertEquals(2, got.size());
        assertArrayEquals(new int[] {0, 36, 49}, got.get(1));
        // resuming past everything ends the reports
        assertEquals(1, scan(set(), 0, 60).size());
    }
}
