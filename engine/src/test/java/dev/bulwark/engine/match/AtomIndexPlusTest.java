package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link AtomIndex#plus} (a second engine's entries in the same index) and {@link AtomIndex#first} (back to the
 * first engine's part) against a brute-force search of every atom at every position.
 */
class AtomIndexPlusTest {
    private static byte[] atom(Random r, int len) {
        byte[] a = new byte[len];
        for (int i = 0; i < len; i++) a[i] = (byte) ('a' + r.nextInt(4)); // small alphabet: many hits and shared prefixes
        return a;
    }

    /** Every (entry, position) where an atom of the entry occurs and its window matches. */
    static TreeSet<Long> brute(byte[] data, List<byte[]> atoms, List<Integer> owners, long[] windows) {
        TreeSet<Long> out = new TreeSet<>();
        for (int p = 0; p < data.length; p++) {
            for (int i = 0; i < atoms.size(); i++) {
                byte[] a = atoms.get(i);
                if (p + a.length > data.length) continue;
                boolean ok = true;
                for (int j = 0; j < a.length && ok; j++) ok = data[p + j] == a[j];
                int e = owners.get(i);
                if (ok && windows != null) ok = windowOk(data, p, windows, e);
                if (ok) out.add((long) e << 32 | p);
            }
        }
        return out;
    }

    /** The documented window test: bytes outside the data are unconstrained. */
    static boolean windowOk(byte[] d, int p, long[] w, int e) { // (also AtomIndexUnfilteredTest's reference)
        for (int b = 0; b < 8; b++) {
            int post = (int) (w[4 * e + 2] >>> (8 * b)) & 0xFF, pv = (int) (w[4 * e + 3] >>> (8 * b)) & 0xFF;
            if (p + 8 <= d.length && ((d[p + b] ^ pv) & post) != 0) return false;
            int pre = (int) (w[4 * e] >>> (8 * b)) & 0xFF, prv = (int) (w[4 * e + 1] >>> (8 * b)) & 0xFF;
            if (p >= 8 && ((d[p - 8 + b] ^ prv) & pre) != 0) return false;
        }
        return true;
    }

    private static TreeSet<Long> scan(AtomIndex idx, byte[] data) {
        TreeSet<Long> out = new TreeSet<>();
        idx.scan(ByteBuffer.wrap(data), 0, data.length, (e, p) -> {
            out.add((long) e << 32 | p);
            return -1;
        });
        return out;
    }

    @Test
    void plusReportsBothEnginesAndFirstUndoesIt() {
        Random r = new Random(7);
        for (int round = 0; round < 40; round++) {
            int n1 = 1 + r.nextInt(30), n2 = 1 + r.nextInt(30);
            List<byte[]> a1 = new ArrayList<>(), a2 = new ArrayList<>();
            List<Integer> o1 = new ArrayList<>(), o2 = new ArrayList<>();
            for (int i = 0; i < 2 * n1; i++) { a1.add(atom(r, 2 + r.nextInt(3))); o1.add(r.nextInt(n1)); }
            for (int i = 0; i < 2 * n2; i++) { a2.add(atom(r, 2 + r.nextInt(3))); o2.add(r.nextInt(n2)); }
            long[] w1 = round % 2 == 0 ? null : new long[4 * n1];
            long[] w2 = new long[4 * n2];
            for (int e = 0; e < n2; e++) {
                // post window: the atom's own first byte (never stricter than the atom) and, sometimes, byte 5
                w2[4 * e + 2] = r.nextBoolean() ? 0xFFL << 40 : 0;
                w2[4 * e + 3] = (long) ('a' + r.nextInt(4)) << 40;
            }
            AtomIndex first = AtomIndex.build(a1.toArray(new byte[0][]), o1.stream().mapToInt(Integer::intValue).toArray(), n1, w1);
            AtomIndex both = first.plus(a2.toArray(new byte[0][]), o2.stream().mapToInt(Integer::intValue).toArray(), n2, w2);
            byte[] data = atom(r, 200 + r.nextInt(300));
            List<byte[]> all = new ArrayList<>(a1);
            all.addAll(a2);
            List<Integer> owners = new ArrayList<>(o1);
            for (int o : o2) owners.add(n1 + o);
            long[] w = new long[4 * (n1 + n2)];
            if (w1 != null) System.arraycopy(w1, 0, w, 0, w1.length);
            System.arraycopy(w2, 0, w, 4 * n1, w2.length);
            assertEquals(n1 + n2, both.entryCount());
            assertEquals(brute(data, all, owners, w), scan(both, data), "round " + round);
            AtomIndex back = both.first(n1);
            assertEquals(n1, back.entryCount());
            assertEquals(brute(data, a1, o1, w1), scan(back, data), "round " + round);
            assertEquals(scan(first, data), scan(back, data));
        }
    }

    @Test
    void tinyBuffersAreScannedWithoutReadingOutside() {
        AtomIndex idx = AtomIndex.build(new byte[][] {{'a', 'b'}, {'a', 'b', 'c'}}, new int[] {0, 1}, 2);
        assertEquals(new TreeSet<>(), scan(idx, new byte[0]));
        assertEquals(new TreeSet<>(), scan(idx, new byte[] {'a'}));
        assertEquals(new TreeSet<>(List.of(0L)), scan(idx, new byte[] {'a', 'b'}));
        assertEquals(new TreeSet<>(List.of(0L, 1L << 32)), scan(idx, new byte[] {'a', 'b', 'c'}));
    }
}
