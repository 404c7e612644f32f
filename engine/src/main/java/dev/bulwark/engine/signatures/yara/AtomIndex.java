package dev.bulwark.engine.signatures.yara;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Multi-literal search for atoms of 1 to 4 bytes over flat arrays, in one pass over the data. Every position's
 * first two bytes are tested against an 8 KiB bitmap of the atoms' first two bytes (most positions stop there,
 * in L1); on a hit, a 32 KiB bloom table of the 4-byte atoms and a table of 2/3-byte atom lengths decide which
 * open-addressing hash lookups of the packed atoms to make. 1-byte atoms (rare) take a second pass.
 * Immutable after construction; a scan allocates nothing. This is the atom/verifier boundary: it only reports
 * (id, position) pairs.
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
    /** One bit per first-two-bytes value of any atom of 2 to 4 bytes. */
    private final long[] pre2 = new long[65536 / 64];
    private final boolean hasOne;
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
        boolean oneByte = false;
        for (byte[] a : atoms) {
            if (a.length == 1) {
                oneByte = true;
                continue;
            }
            int k2 = (a[0] & 0xFF) | (a[1] & 0xFF) << 8;
            pre2[k2 >>> 6] |= 1L << k2;
            if (a.length == 4) {
                int h = bloomHash(packed4(a, 0));
                bloom4[h >>> 6] |= 1L << h;
            }
        }
        hasOne = oneByte;
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
        long[] pre2 = this.pre2, bloom = this.bloom4;
        byte[] first2 = this.first2;
        int end4 = len - 3;
        if (end4 > 0) {
            // w holds the 4 bytes at i (byte i lowest)
            int w = (d[off] & 0xFF) << 8 | (d[off + 1] & 0xFF) << 16 | (d[off + 2] & 0xFF) << 24;
            for (int i = 0; i < end4; i++) {
                w = (w >>> 8) | (d[off + i + 3] & 0xFF) << 24;
                int k2 = w & 0xFFFF;
                if ((pre2[k2 >>> 6] & (1L << k2)) == 0) continue;
                int h = (w * 0x9E3779B1) >>> (32 - BLOOM_BITS);
                if ((bloom[h >>> 6] & (1L << h)) != 0) emit((w & 0xFFFFFFFFL) | 4L << 32, i, sink);
                int m = first2[k2];
                if (m != 0) shortAt(m, k2, w & 0xFFFFFF, i, sink);
            }
        }
        // the last positions, too close to the end for a 4-byte atom
        for (int i = Math.max(0, end4); i + 1 < len; i++) {
            int k2 = (d[off + i] & 0xFF) | (d[off + i + 1] & 0xFF) << 8;
            int m = first2[k2];
            if (m == 0) continue;
            if ((m & 1) != 0) emit(k2 | 2L << 32, i, sink);
            if ((m & 2) != 0 && i + 2 < len) emit((k2 | (d[off + i + 2] & 0xFF) << 16) | 3L << 32, i, sink);
        }
        if (hasOne) scanOne(d, off, len, sink);
    }

    private void shortAt(int m, int k2, int k3, int i, Sink sink) {
        if ((m & 1) != 0) emit(k2 | 2L << 32, i, sink);
        if ((m & 2) != 0) emit(k3 | 3L << 32, i, sink);
    }

    /** Atoms of 1 byte, in a second pass (rule sets rarely have any). */
    private void scanOne(byte[] d, int off, int len, Sink sink) {
        boolean[] oneHas = this.oneHas;
        for (int i = 0; i < len; i++) {
            int b0 = d[off + i] & 0xFF;
            if (oneHas[b0]) {
                for (int j = oneStart[b0]; j < oneStart[b0 + 1]; j++) sink.hit(oneIds[j], i);
            }
        }
    }
}
