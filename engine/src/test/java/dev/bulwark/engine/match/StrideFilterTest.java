package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stride filter ({@link StrideFilter}: every second position, then the neighbours of a passing sample)
 * must report exactly what the per-position scan reports, in the same order, with the same stop and resume
 * behaviour. The reference is the same index scanned in pieces shorter than {@link StrideFilter#MIN_SAMPLED}
 * (so every position goes through the word filter); atoms of 2 to 4 bytes with random context windows (pinned,
 * case-folded and free bytes, before and after the atom) are planted at random places, at both ends of the
 * buffer where windows are not enforced, and next to each other.
 */
class StrideFilterTest {
    private static final int PIECE = 32; // < MIN_SAMPLED: the per-position scan

    private record Case(AtomIndex index, byte[] data, byte[][] atoms, byte[][] context, int entries) {
        /**
         * A short buffer with an entry's first atom at each end, where one window is not enforced: with the
         * enforced side's window bytes, the other side's left random (the head's pre window, the tail's post
         * window beyond the atom).
         */
        byte[] edges(Random r, int size) {
            byte[] d = new byte[size];
            r.nextBytes(d);
            for (boolean head : new boolean[] {true, false}) {
                int e = r.nextInt(entries), len = atoms[e].length;
                int at = head ? r.nextInt(12) : size - len - r.nextInt(12);
                for (int b = head ? 0 : -8; b < (head ? 8 : len); b++) {
                    if (at + b >= 0 && at + b < size) d[at + b] = context[e][8 + b];
                }
            }
            return d;
        }
    }

    private static Case build(long seed, int atomCount, int size) {
        Random r = new Random(seed);
        byte[][] atoms = new byte[atomCount][];
        int[] owners = new int[atomCount];
        int entries = atomCount - atomCount / 8; // some entries own two atoms
        long[] windows = new long[4 * entries];
        byte[][] context = new byte[entries][16]; // bytes -8..7 around the atom that the windows were drawn from
        for (int e = 0; e < entries; e++) r.nextBytes(context[e]);
        for (int i = 0; i < atomCount; i++) {
            int e = i < entries ? i : r.nextInt(entries);
            int x = r.nextInt(20);
            int len = x == 0 ? 2 : x < 4 ? 3 : 4; // mostly 4-byte atoms, as a planned set has
            atoms[i] = java.util.Arrays.copyOfRange(context[e], 8, 8 + len);
            owners[i] = e;
        }
        for (int e = 0; e < entries; e++) {
            int kind = r.nextInt(4); // 0: no window, 1: post only, 2: pre only, 3: both
            for (int b = 0; b < 8; b++) {
                long pre = (kind & 2) != 0 ? mask(r) : 0, post = (kind & 1) != 0 ? mask(r) : 0;
                windows[4 * e] |= pre << (8 * b);
                windows[4 * e + 1] |= ((context[e][b] & 0xFFL) & pre) << (8 * b);
                windows[4 * e + 2] |= post << (8 * b);
                windows[4 * e + 3] |= ((context[e][8 + b] & 0xFFL) & post) << (8 * b);
            }
        }
        // atoms of an entry that do not start its context: a second atom with other bytes (its window still applies)
        for (int i = entries; i < atomCount; i++) r.nextBytes(atoms[i]);
        byte[] data = new byte[size];
        r.nextBytes(data);
        int planted = size / 64;
        for (int k = 0; k < planted; k++) {
            int e = r.nextInt(entries);
            int at = k < 8 ? r.nextInt(12) : k < 16 ? size - 1 - r.nextInt(12) : r.nextInt(size);
            for (int b = -8; b < 8; b++) {
                if (at + b >= 0 && at + b < size && (r.nextInt(40) != 0)) data[at + b] = context[e][8 + b]; // sometimes one byte off
            }
        }
        return new Case(AtomIndex.build(atoms, owners, entries, windows), data, atoms, context, entries);
    }

    private static long mask(Random r) {
        int x = r.nextInt(10);
        return x < 6 ? 0xFF : x < 8 ? 0xDF : 0; // pinned, case-folded (not pinned for the filter), free
    }

    /** A hit's resume position: deterministic per (entry, pos); -1 (go on) for most. */
    private static int resume(int e, int p, boolean resumes) {
        if (!resumes) return -1;
        int h = (e * 31 + p) % 11;
        return h == 0 ? p + 1 + (p % 17) : h == 1 ? p : -1;
    }

    private static List<Long> whole(AtomIndex idx, ByteBuffer buf, int from, int to, boolean resumes, int stopAfter) {
        List<Long> out = new ArrayList<>();
        idx.scan(buf, from, to, (e, p) -> {
            out.add((long) e << 32 | p);
            if (out.size() == stopAfter) return Integer.MAX_VALUE;
            return resume(e, p, resumes);
        });
        return out;
    }

    private static List<Long> pieces(AtomIndex idx, ByteBuffer buf, int from, int to, boolean resumes, int stopAfter) {
        List<Long> out = new ArrayList<>();
        int[] next = {0};
        boolean[] stop = {false};
        int pos = from;
        while (pos < to && !stop[0]) {
            int end = Math.min(to, pos + PIECE);
            next[0] = end;
            idx.scan(buf, pos, end, (e, p) -> {
                out.add((long) e << 32 | p);
                if (out.size() == stopAfter) {
                    stop[0] = true;
                    return Integer.MAX_VALUE;
                }
                int r = resume(e, p, resumes);
                if (r >= 0) next[0] = Math.max(next[0], r);
                return r;
            });
            pos = next[0];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void reportsWhatThePerPositionScanReports(long seed) {
        Case c = build(seed, 200 + (int) seed * 100, 1 << 17);
        ByteBuffer heap = ByteBuffer.wrap(c.data);
        int n = c.data.length;
        assertFalse(c.index.strided(), "built only after " + StrideFilter.BUILD_AFTER + " positions");
        List<Long> expected = pieces(c.index, heap, 0, n, false, -1);
        assertTrue(expected.size() > 1000, "planted hits: " + expected.size());
        for (int k = 0; k <= StrideFilter.BUILD_AFTER / n; k++) assertEquals(expected, whole(c.index, heap, 0, n, false, -1));
        assertTrue(c.index.strided(), "the stride filter is in use for this set");
        assertEquals(expected, whole(c.index, heap, 0, n, false, -1));
        // sub-ranges (from/to not on the sample grid), resume positions, a stop, a direct buffer
        for (int[] range : new int[][] {{0, n}, {1, n - 1}, {7, 9_000}, {9, n - 5}, {100, 100 + StrideFilter.MIN_SAMPLED + 1}}) {
            assertEquals(pieces(c.index, heap, range[0], range[1], false, -1), whole(c.index, heap, range[0], range[1], false, -1),
                    "range " + range[0] + ".." + range[1]);
            assertEquals(pieces(c.index, heap, range[0], range[1], true, -1), whole(c.index, heap, range[0], range[1], true, -1),
                    "resume, range " + range[0] + ".." + range[1]);
        }
        assertEquals(pieces(c.index, heap, 0, n, true, 777), whole(c.index, heap, 0, n, true, 777), "stop");
        // short buffers (sampled once the filter exists) with atoms at both ends
        Random r = new Random(seed);
        int edgeHits = 0;
        for (int k = 0; k < 300; k++) {
            ByteBuffer b = ByteBuffer.wrap(c.edges(r, 100 + r.nextInt(100)));
            List<Long> want = pieces(c.index, b, 0, b.limit(), false, -1);
            assertEquals(want, whole(c.index, b, 0, b.limit(), false, -1), "short buffer " + k);
            for (long h : want) if ((int) h < 8 || (int) h >= b.limit() - 8) edgeHits++;
        }
        assertTrue(edgeHits > 100, "hits where a window is not enforced: " + edgeHits);
        // a direct buffer under a chunk is copied whole from position 0, so its windows are the heap buffer's
        ByteBuffer direct = ByteBuffer.allocateDirect(n).put(c.data).flip();
        assertEquals(pieces(c.index, heap, 0, n, true, -1), whole(c.index, direct, 0, n, true, -1), "direct buffer");
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12})
    void denseSetsScanEveryPosition(long seed) {
        // thousands of 2-byte atoms with no windows: the table would pass most samples, so no stride filter
        Random r = new Random(seed);
        int n = 6_000;
        byte[][] atoms = new byte[n][];
        int[] owners = new int[n];
        for (int i = 0; i < n; i++) {
            atoms[i] = new byte[] {(byte) r.nextInt(256), (byte) r.nextInt(256)};
            owners[i] = i;
        }
        AtomIndex idx = AtomIndex.build(atoms, owners, n);
        byte[] data = new byte[1 << 15];
        r.nextBytes(data);
        ByteBuffer heap = ByteBuffer.wrap(data);
        List<Long> expected = pieces(idx, heap, 0, data.length, true, -1);
        for (int k = 0; k <= StrideFilter.BUILD_AFTER / data.length + 1; k++) {
            assertEquals(expected, whole(idx, heap, 0, data.length, true, -1));
        }
        assertFalse(idx.strided());
    }

    /**
     * A set of more than 32k atoms (the old bound) whose anchors have five exact bytes in a row samples too, and
     * reports what the per-position scan reports.
     */
    @ParameterizedTest
    @ValueSource(longs = {21, 22})
    void largeSetsWithLongRunsSample(long seed) {
        Random r = new Random(seed);
        int n = 40_000;
        byte[][] atoms = new byte[n][];
        int[] owners = new int[n];
        long[] windows = new long[4 * n];
        byte[][] context = new byte[n][];
        for (int i = 0; i < n; i++) {
            context[i] = new byte[6];
            r.nextBytes(context[i]);
            atoms[i] = java.util.Arrays.copyOf(context[i], 4);
            owners[i] = i;
            windows[4 * i + 2] = 0xFFFF_FFFF_FFFFL; // post window: the atom and two more bytes
            for (int b = 0; b < 6; b++) windows[4 * i + 3] |= (context[i][b] & 0xFFL) << (8 * b);
        }
        AtomIndex idx = AtomIndex.build(atoms, owners, n, windows);
        byte[] data = new byte[1 << 17];
        r.nextBytes(data);
        for (int k = 0; k < 2_000; k++) {
            int e = r.nextInt(n), at = r.nextInt(data.length - 6);
            System.arraycopy(context[e], 0, data, at, 6);
        }
        ByteBuffer heap = ByteBuffer.wrap(data);
        List<Long> expected = pieces(idx, heap, 0, data.length, true, -1);
        assertTrue(expected.size() >= 1_500, "planted hits: " + expected.size());
        for (int k = 0; k <= StrideFilter.BUILD_AFTER / data.length + 1; k++) {
            assertEquals(expected, whole(idx, heap, 0, data.length, true, -1));
        }
        assertTrue(idx.strided(), "a large set with long runs samples");
    }

    /**
     * A few wide entries in the table ({@code MZ} with only its own two bytes pinned, 2- and 3-byte atoms without
     * windows: 256 words or a Bloom half each), planted at odd and even positions next to long-run entries; the
     * same reports as the per-position scan, from an even and an odd start.
     */
    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33})
    void shortAtomsAndMzAreFoundWhenSampled(long seed) {
        Random r = new Random(seed);
        int longs = 3_000, shorts = 40, n = longs + shorts + 1;
        byte[][] atoms = new byte[n][];
        int[] owners = new int[n];
        long[] windows = new long[4 * n];
        for (int i = 0; i < n; i++) {
            owners[i] = i;
            if (i < longs) {
                byte[] c = new byte[6];
                r.nextBytes(c);
                atoms[i] = java.util.Arrays.copyOf(c, 4);
                windows[4 * i + 2] = 0xFFFF_FFFF_FFFFL;
                for (int b = 0; b < 6; b++) windows[4 * i + 3] |= (c[b] & 0xFFL) << (8 * b);
            } else if (i < n - 1) {
                atoms[i] = new byte[2 + r.nextInt(2)];
                r.nextBytes(atoms[i]);
            } else {
                atoms[i] = new byte[] {'M', 'Z'}; // as EmbeddedCandidates enters it: its window is the atom itself
                windows[4 * i + 2] = 0xFFFFL;
                windows[4 * i + 3] = 'M' | 'Z' << 8;
            }
        }
        AtomIndex idx = AtomIndex.build(atoms, owners, n, windows);
        assertTrue(idx.measureStride().loose >= shorts + 1, "the short atoms and MZ cost more than a word each");
        byte[] data = new byte[1 << 16];
        r.nextBytes(data);
        int planted = 0;
        for (int at = 9; at < data.length - 12; at += 7 + r.nextInt(50), planted++) {
            byte[] a = atoms[longs + r.nextInt(shorts + 1)];
            System.arraycopy(a, 0, data, at, a.length);
        }
        ByteBuffer heap = ByteBuffer.wrap(data);
        for (int k = 0; k <= StrideFilter.BUILD_AFTER / data.length; k++) whole(idx, heap, 0, data.length, false, -1);
        assertTrue(idx.strided(), "the stride filter is in use for this set");
        for (int from : new int[] {0, 1}) {
            List<Long> expected = pieces(idx, heap, from, data.length, false, -1);
            assertTrue(expected.size() >= planted / 2, "hits " + expected.size() + " of " + planted + " planted");
            assertEquals(expected, whole(idx, heap, from, data.length, false, -1), "from " + from);
            assertEquals(pieces(idx, heap, from, data.length, true, -1), whole(idx, heap, from, data.length, true, -1));
        }
        assertTrue(idx.strided());
    }
}
