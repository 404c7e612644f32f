package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * (startup13) An index builds its derived filters (word table, Bloom filters, window copies) on the first scan that
 * is not tiny; tiny scans before that probe the exact tables at every position. Both paths against a brute-force
 * search: the unfiltered path reports exactly every atom whose window matches (the documented test: bytes outside
 * the data are unconstrained), the filtered one the same except that its word filter may also drop candidates
 * within 8 bytes of the end whose pinned third or fourth byte differs (they cannot be matches).
 */
class AtomIndexUnfilteredTest {
    private static byte[] bytes(Random r, int len) {
        byte[] a = new byte[len];
        for (int i = 0; i < len; i++) a[i] = (byte) ('a' + r.nextInt(4)); // small alphabet: many hits
        return a;
    }

    private static TreeSet<Long> brute(byte[] data, List<byte[]> atoms, int[] owners, long[] windows) {
        return AtomIndexPlusTest.brute(data, atoms, java.util.Arrays.stream(owners).boxed().toList(), windows);
    }

    /** The hits in report order; checks that positions never go down. */
    private static List<Long> scan(AtomIndex idx, byte[] data) {
        List<Long> out = new ArrayList<>();
        idx.scan(ByteBuffer.wrap(data), 0, data.length, (e, p) -> {
            if (!out.isEmpty()) assertTrue((int) (long) out.get(out.size() - 1) <= p, "positions in order");
            out.add((long) e << 32 | p);
            return -1;
        });
        return out;
    }

    private record Case(AtomIndex idx, List<byte[]> atoms, int[] owners, long[] windows) {}

    private static Case randomCase(Random r) {
        int n = 1 + r.nextInt(40);
        List<byte[]> atoms = new ArrayList<>();
        int[] owners = new int[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            atoms.add(bytes(r, 2 + r.nextInt(3)));
            owners[i] = r.nextInt(n);
        }
        long[] windows = null;
        if (r.nextBoolean()) {
            windows = new long[4 * n];
            for (int e = 0; e < n; e++) {
                // post window bytes 2..7 (2 and 3: the bytes the word filter pins), pre window bytes, or none
                for (int b = 2; b < 8; b++) {
                    if (r.nextInt(4) == 0) {
                        windows[4 * e + 2] |= 0xFFL << (8 * b);
                        windows[4 * e + 3] |= (long) ('a' + r.nextInt(4)) << (8 * b);
                    }
                }
                if (r.nextInt(3) == 0) {
                    windows[4 * e] = 0xFFL << 56;
                    windows[4 * e + 1] = (long) ('a' + r.nextInt(4)) << 56;
                }
            }
            // a window may not contradict its own atom: keep only windows consistent with every atom of the entry
            for (int i = 0; i < atoms.size(); i++) {
                byte[] a = atoms.get(i);
                int e = owners[i];
                for (int b = 2; b < a.length; b++) {
                    long m = 0xFFL << (8 * b);
                    if ((windows[4 * e + 2] & m) != 0 && ((windows[4 * e + 3] >>> (8 * b)) & 0xFF) != (a[b] & 0xFF)) {
                        windows[4 * e + 2] &= ~m;
                        windows[4 * e + 3] &= ~m;
                    }
                }
            }
        }
        AtomIndex idx = AtomIndex.build(atoms.toArray(new byte[0][]), owners, n, windows);
        return new Case(idx, atoms, owners, windows);
    }

    @Test
    void tinyScansDoNotBuildTheFilters() {
        Random r = new Random(13);
        Case c = randomCase(r);
        assertFalse(c.idx.filtersBuilt(), "not built with the index");
        scan(c.idx, bytes(r, 68));
        scan(c.idx, bytes(r, 68));
        assertFalse(c.idx.filtersBuilt(), "two scans of 68 bytes (a one-file scan of eicar.txt) go without them");
        scan(c.idx, bytes(r, AtomIndex.UNFILTERED_MAX + 1));
        assertTrue(c.idx.filtersBuilt(), "a longer scan builds them");

        Case d = randomCase(r);
        for (int i = 0; i < AtomIndex.UNFILTERED_TOTAL / 100; i++) scan(d.idx, bytes(r, 100));
        assertFalse(d.idx.filtersBuilt());
        scan(d.idx, bytes(r, 100));
        assertTrue(d.idx.filtersBuilt(), "many tiny scans build them too");
    }

    @Test
    void bothPathsFindWhatBruteForceFinds() {
        Random r = new Random(5);
        int extra = 0;
        for (int round = 0; round < 400; round++) {
            Case c = randomCase(r);
            Case f = new Case(AtomIndex.build(c.atoms.toArray(new byte[0][]), c.owners, c.idx.entryCount(), c.windows),
                    c.atoms, c.owners, c.windows);
            scan(f.idx, bytes(r, AtomIndex.UNFILTERED_MAX + 1));
            assertTrue(f.idx.filtersBuilt());
            byte[] data = bytes(r, r.nextInt(AtomIndex.UNFILTERED_MAX + 1));
            TreeSet<Long> want = brute(data, c.atoms, c.owners, c.windows);
            List<Long> unfiltered = scan(c.idx, data);
            assertFalse(c.idx.filtersBuilt());
            assertEquals(want, new TreeSet<>(unfiltered), "unfiltered, round " + round);
            List<Long> filtered = scan(f.idx, data);
            assertTrue(want.containsAll(filtered), "filtered, round " + round);
            for (long h : want) {
                if (filtered.contains(h)) continue;
                int p = (int) h;
                assertTrue(p + 8 > data.length, "only the word filter's pinned bytes near the end may drop a hit, round " + round);
                extra++;
            }
        }
        assertTrue(extra < 400, "the two paths rarely differ at all: " + extra);
    }
}
