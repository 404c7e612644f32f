package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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
        // a fixed byte after the 2-byte anchor: not weak, but without five exact bytes in a row (the stride
        // filter would need 256 words for it), so it is searched after the strong part too
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.FROM_PREV},
                HexPatternParser.parse(STRONG + "{0-10}aabb??ccdd").lazy);
        // five exact bytes in a row: indexed
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.INDEXED},
                HexPatternParser.parse(STRONG + "{0-10}aabbccddee").lazy);
    }

    @Test
    void shortPartsNextToLongerRunsAreLazy() throws Exception {
        // a 4-byte part (a whole part: no byte around it is known) next to a strong one, either side
        assertArrayEquals(new byte[] {BodyPattern.FROM_NEXT, BodyPattern.INDEXED},
                HexPatternParser.parse("a1b2c3d4{0-10}" + STRONG).lazy);
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.FROM_PREV},
                HexPatternParser.parse(STRONG + "{3-40}a1b2c3d4").lazy);
        // the better of two short parts stays indexed: a 4-byte run (level 1) before a 2+3 split (level 2)
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.FROM_PREV},
                HexPatternParser.parse("a1b2c3d4{0-10}aabb??ccddee").lazy);
        assertArrayEquals(new byte[] {BodyPattern.FROM_NEXT, BodyPattern.INDEXED},
                HexPatternParser.parse("aabb??ccddee{0-10}a1b2c3d4").lazy);
        // two equally short parts: one of them stays indexed; three: the middle one
        assertArrayEquals(new byte[] {BodyPattern.FROM_NEXT, BodyPattern.INDEXED},
                HexPatternParser.parse("a1b2c3d4{0-10}e1f2a3b4").lazy);
        assertArrayEquals(new byte[] {BodyPattern.FROM_NEXT, BodyPattern.INDEXED, BodyPattern.FROM_PREV},
                HexPatternParser.parse("a1b2c3d4{0-10}e1f2a3b4{0-10}c1d2e3f4").lazy);
        // short parts behind an unbounded gap stay indexed (only weak ones are searched by the open scanner)
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.INDEXED},
                HexPatternParser.parse(STRONG + "*a1b2c3d4").lazy);
        // a lazy part is never relied on: a weak part before a short one before a strong one
        byte[] k = HexPatternParser.parse("aabb????ccdd{0-10}a1b2c3d4{0-10}" + STRONG).lazy;
        assertArrayEquals(new byte[] {BodyPattern.FROM_NEXT, BodyPattern.INDEXED, BodyPattern.INDEXED}, k);
    }

    @Test
    void weakPartsNextToUnboundedGapsAreOpen() throws Exception {
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.OPEN_PREV},
                HexPatternParser.parse(STRONG + "*aabb????ccdd").lazy);
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.OPEN_PREV},
                HexPatternParser.parse(STRONG + "{5-}aabb????ccdd").lazy);
        // a window wider than MAX_LAZY_WINDOW
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.OPEN_PREV},
                HexPatternParser.parse(STRONG + "{0-300}aabb????ccdd").lazy);
        assertArrayEquals(new byte[] {BodyPattern.OPEN_NEXT, BodyPattern.INDEXED},
                HexPatternParser.parse("aabb????ccdd*" + STRONG).lazy);
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.OPEN_PREV, BodyPattern.INDEXED},
                HexPatternParser.parse(STRONG + "*aabb????ccdd*" + STRONG).lazy);
        // three weak parts: the middle one is searched after the first, the last stays indexed
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.OPEN_PREV, BodyPattern.INDEXED},
                HexPatternParser.parse("aabb????ccdd*eeff????0102*1122????3344").lazy);
        // two weak parts: the second is searched after the first
        assertArrayEquals(new byte[] {BodyPattern.INDEXED, BodyPattern.OPEN_PREV},
                HexPatternParser.parse("aabb????ccdd*eeff????0102").lazy);
    }

    /**
     * A hostile file for open parts: the indexed parts of many patterns at its start (each makes its
     * weak last part due for the rest of the file) and at its end (each needs the weak first part
     * searched over everything before it), with the weak anchors' first two bytes all over the middle.
     * Every pattern matches exactly when its weak part is where it must be, and each open scanner looks
     * at each position at most once, however many parts are due.
     */
    @Test
    void hostileInputCostsOneScanPerPass() throws Exception {
        int n = 200, filler = 1 << 18;
        byte[][] strong = new byte[n][], weak = new byte[n][];
        PatternSet.Builder b = PatternSet.builder();
        HexFormat hx = HexFormat.of();
        java.util.Random r = new java.util.Random(7);
        java.util.Set<Integer> keys = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            strong[i] = data("5a" + hx.toHexDigits((short) i) + "c3e1f00d");
            // distinct random anchors (bytes 10..7d, so neither the strong parts nor 7e 7f arise by chance)
            int key;
            do key = (0x10 + r.nextInt(0x6e)) | (0x10 + r.nextInt(0x6e)) << 8; while (!keys.add(key));
            weak[i] = new byte[] {(byte) key, (byte) (key >>> 8), 0, 0, 0x7e, 0x7f};
            String w = hx.toHexDigits(weak[i][0]) + hx.toHexDigits(weak[i][1]) + "????7e7f";
            String s = hx.formatHex(strong[i]);
            b.add(HexPatternParser.parse(i % 2 == 0 ? s + "*" + w : w + "*" + s), 0, OffsetSpec.ANY, i);
        }
        PatternSet set = b.build();
        for (int i = 0; i < n; i++) {
            assertEquals(i % 2 == 0 ? BodyPattern.OPEN_PREV : BodyPattern.OPEN_NEXT, set.pattern(i).lazy[i % 2 == 0 ? 1 : 0]);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < n; i += 2) out.writeBytes(strong[i]);
        for (int k = 0; k < filler; k += 2) out.writeBytes(Arrays.copyOf(weak[r.nextInt(n)], 2));
        // the weak parts of the patterns i with i % 4 in {0, 1}, then the indexed parts of the odd ones
        for (int i = 0; i < n; i++) if (i % 4 < 2) out.writeBytes(weak[i]);
        for (int i = 1; i < n; i += 2) out.writeBytes(strong[i]);
        byte[] d = out.toByteArray();

        java.util.Set<Integer> want = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) {
            int s = find(d, strong[i], false), w = find(d, weak[i], false);
            boolean match = i % 2 == 0 ? s >= 0 && find(d, weak[i], true) >= s + strong[i].length
                    : w >= 0 && find(d, strong[i], true) >= w + weak[i].length;
            if (match) want.add(i);
        }
        assertEquals(n / 2, want.size());
        for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.wrap(d), ByteBuffer.allocateDirect(d.length).put(d).flip()}) {
            java.util.Set<Integer> got = new java.util.TreeSet<>();
            PatternRun run = new PatternRun(set, buf, 1, null, (p, owner, start, end) -> {
                got.add(p);
                return -1;
            }, null, null);
            run.go();
            assertEquals(want, got);
            // one scan of the file for the due last parts, one for the first parts
            assertTrue(run.openScanned <= 2L * d.length, "open scanners looked at " + run.openScanned + " positions of " + d.length);
        }
    }

    /** First (or last) position of a weak part (bytes 2-3 free) or a literal in d, or -1. */
    private static int find(byte[] d, byte[] what, boolean last) {
        int found = -1;
        for (int x = 0; x + what.length <= d.length; x++) {
            boolean ok = true;
            for (int k = 0; k < what.length && ok; k++) ok = (what.length == 6 && (k == 2 || k == 3)) || d[x + k] == what[k];
            if (ok) {
                found = x;
                if (!last) return x;
            }
        }
        return found;
    }


    /** Pattern 0 ends in a lazy part; pattern 1 is one indexed part found between its two occurrences. */
    private static PatternSet set() throws Exception {
        return set("{0-8}");
    }

    private static PatternSet set(String gap) throws Exception {
        PatternSet.Builder b = PatternSet.builder();
        b.add(HexPatternParser.parse(STRONG + gap + "aabb????ccdd"), 0, OffsetSpec.ANY, 0);
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

    /** The same through the open scanner (an unbounded gap): the second match chains to the first strong part. */
    @Test
    void openPartReportsComeInScanOrder() throws Exception {
        PatternSet open = set("*");
        assertEquals(BodyPattern.OPEN_PREV, open.pattern(0).lazy[1]);
        List<int[]> got = scan(open, 0, -1);
        assertEquals(3, got.size());
        assertArrayEquals(new int[] {0, 4, 19}, got.get(0));
        assertArrayEquals(new int[] {1, 20, 28}, got.get(1));
        assertArrayEquals(new int[] {0, 4, 49}, got.get(2));
        assertEquals(1, scan(open, 1, -1).size());
        got = scan(open, 0, 30);
        assertEquals(2, got.size());
        assertArrayEquals(new int[] {0, 4, 49}, got.get(1));
        assertEquals(1, scan(open, 0, 60).size());
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
