package dev.bulwark.engine.signatures.yara;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Multi-literal search for atoms of 1 to 4 bytes over flat arrays. Every input position is tested against a
 * 64 Ki-entry table indexed by its first two bytes (which says which atom lengths start with them) and, only on a
 * hit, against open-addressing hash tables of the packed atoms. Immutable after construction; a scan allocates
 * nothing. This is the atom/verifier boundary: it only reports (id, position) pairs.
 */
final class AtomIndex {
    /** Receives one atom occurrence: the atom registered with {@code id} starts at data index {@code pos}. */
    interface Sink {
        void hit(int id, int pos);
    }

    private final boolean[] oneHas = new boolean[256];
    private final int[] oneStart = new int[257];
    private final int[] oneIds;
    private final byte[] first2 = new byte[65536];
    private final long[] keys;
    private final int[] valStart;
    private final int[] valEnd;
    private final int[] ids;
    private final int mask;
    /** One bit per hash of a 4-byte window that starts some 4-byte atom: most positions stop at this test. */
    private final long[] bloom4 = new long[1 << (BLOOM_BITS - 6)];
    private final boolean hasShort;
    private static final int BLOOM_BITS = 18; // 32 KiB: stays in L1/L2, ~1% false positives at 2,000 atoms

    /** atoms.get(i) (1..4 bytes) is reported with id ids.get(i). */
    AtomIndex(List<byte[]> atoms, List<Integer> atomIds) {
        List<List<Integer>> one = new ArrayList<>();
        for (int i = 0; i < 256; i++) one.add(new ArrayList<>());
        java.util.Map<Long, List<Integer>> multi = new java.util.LinkedHashMap<>();
        for (int i = 0; i < atoms.size(); i++) {
            byte[] a = atoms.get(i);
            if (a.length == 1) {
                one.get(a[0] & 0xFF).add(atomIds.get(i));
            } else {
                multi.computeIfAbsent(key(a), k -> new ArrayList<>()).add(atomIds.get(i));
                int k2 = (a[0] & 0xFF) | (a[1] & 0xFF) << 8;
                if (a.length < 4) first2[k2] |= (byte) (1 << (a.length - 2));
            }
        }
        boolean shortAtoms = false;
        for (byte[] a : atoms) {
            if (a.length < 4) shortAtoms = true;
            else {
                int h = bloomHash(packed4(a, 0));
                bloom4[h >>> 6] |= 1L << h;
            }
        }
        hasShort = shortAtoms;
        int n = 0;
        for (List<Integer> l : one) n += l.size();
        oneIds = new int[n];
        n = 0;
        for (int b = 0; b < 256; b++) {
            oneStart[b] = n;
            for (int id : one.get(b)) oneIds[n++] = id;
            oneHas[b] = !one.get(b).isEmpty();
        }
        oneStart[256] = n;
        int cap = Integer.highestOneBit(Math.max(16, multi.size() * 2)) * 2;
        mask = cap - 1;
        keys = new long[cap];
        Arrays.fill(keys, -1L);
        valStart = new int[cap];
        valEnd = new int[cap];
        int total = 0;
        for (List<Integer> l : multi.values()) total += l.size();
        ids = new int[total];
        int w = 0;
        for (var e : multi.entrySet()) {
            int slot = slot(e.getKey());
            keys[slot] = e.getKey();
            valStart[slot] = w;
            for (int id : e.getValue()) ids[w++] = id;
            valEnd[slot] = w;
        }
    }

    private static int packed4(byte[] a, int off) {
        return (a[off] & 0xFF) | (a[off + 1] & 0xFF) << 8 | (a[off + 2] & 0xFF) << 16 | (a[off + 3] & 0xFF) << 24;
    }

    private static int bloomHash(int w) {
        return (w * 0x9E3779B1) >>> (32 - BLOOM_BITS);
    }

    private static long key(byte[] a) {
        long k = 0;
        for (int i = 0; i < a.length; i++) k |= (long) (a[i] & 0xFF) << (8 * i);
        return k | (long) a.length << 32;
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40);
    }

    private int slot(long k) {
        int s = hash(k) & mask;
        while (keys[s] != -1L && keys[s] != k) s = (s + 1) & mask;
        return s;
    }

    private void emit(long k, int pos, Sink sink) {
        int s = hash(k) & mask;
        while (true) {
            long kk = keys[s];
            if (kk == k) {
                for (int j = valStart[s]; j < valEnd[s]; j++) sink.hit(ids[j], pos);
                return;
            }
            if (kk == -1L) return;
            s = (s + 1) & mask;
        }
    }

    void scan(byte[] d, int off, int len, Sink sink) {
        long[] bloom = this.bloom4;
        int end4 = len - 3;
        if (end4 > 0) {
            // 4-byte atoms: a rolling 4-byte window filtered by the bloom table
            int w = (d[off] & 0xFF) << 8 | (d[off + 1] & 0xFF) << 16 | (d[off + 2] & 0xFF) << 24;
            for (int i = 0; i < end4; i++) {
                w = (w >>> 8) | (d[off + i + 3] & 0xFF) << 24;
                int h = (w * 0x9E3779B1) >>> (32 - BLOOM_BITS);
                if ((bloom[h >>> 6] & (1L << h)) != 0) emit((w & 0xFFFFFFFFL) | 4L << 32, i, sink);
            }
        }
        if (hasShort) scanShort(d, off, len, sink);
    }

    /** Atoms of 1 to 3 bytes, in a second pass (rule sets rarely have many). */
    private void scanShort(byte[] d, int off, int len, Sink sink) {
        boolean[] oneHas = this.oneHas;
        byte[] first2 = this.first2;
        int last = len - 1;
        for (int i = 0; i < len; i++) {
            int b0 = d[off + i] & 0xFF;
            if (oneHas[b0]) {
                for (int j = oneStart[b0]; j < oneStart[b0 + 1]; j++) sink.hit(oneIds[j], i);
            }
            if (i < last) {
                int k2 = b0 | (d[off + i + 1] & 0xFF) << 8;
                int m = first2[k2];
                if (m != 0) {
                    if ((m & 1) != 0) emit(k2 | 2L << 32, i, sink);
                    if ((m & 2) != 0 && i + 2 < len) emit(((k2 | (d[off + i + 2] & 0xFF) << 16) & 0xFFFFFFL) | 3L << 32, i, sink);
                }
            }
        }
    }
}
