package dev.bulwark.engine.match;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The multi-literal automaton: finds every position where one of the atoms (2, 3 or 4 literal bytes)
 * starts. Four-byte atoms, the common case, are found with one little-endian word load per position,
 * a probe into a hashed bit filter that fits in L2 cache, and an exact open-addressing table behind
 * it. Everything is flat primitive arrays so a database snapshot can store them as they are.
 */
public final class AtomIndex {
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** Bits of the 4-byte hashed filter: 2^21 bits = 256 KiB, about 1% false hits at 200k atoms. */
    private static final int FILTER_BITS = 21;
    /** Chunk copied out of a non-heap buffer at a time. */
    private static final int CHUNK = 1 << 20;

    /** Called for each atom hit; returns -1 to go on, or the position at which to resume (MAX_VALUE stops). */
    @FunctionalInterface
    public interface Hits {
        int hit(int entry, int pos);
    }

    private final long[] filter4;
    private final Table t4, t3;
    private final long[] filter3;     // 2^24-bit exact presence of 3-byte atoms, or null
    private final int[] start2;       // CSR over 2-byte keys, or null
    private final int[] entries2;
    private final int entryCount;

    private AtomIndex(long[] filter4, Table t4, long[] filter3, Table t3, int[] start2, int[] entries2, int entryCount) {
        this.filter4 = filter4;
        this.t4 = t4;
        this.filter3 = filter3;
        this.t3 = t3;
        this.start2 = start2;
        this.entries2 = entries2;
        this.entryCount = entryCount;
    }

    public int entryCount() { return entryCount; }

    /** Builds the index from atoms: {@code atoms[i]} (2..4 bytes) reports entry {@code owners[i]}. */
    public static AtomIndex build(byte[][] atoms, int[] owners, int entryCount) {
        int n4 = 0, n3 = 0, n2 = 0;
        for (byte[] a : atoms) {
            if (a.length == 4) n4++; else if (a.length == 3) n3++; else n2++;
        }
        long[] f4 = new long[(1 << FILTER_BITS) / 64];
        int[] k4 = new int[n4], o4 = new int[n4], k3 = new int[n3], o3 = new int[n3], k2 = new int[n2], o2 = new int[n2];
        int i4 = 0, i3 = 0, i2 = 0;
        long[] f3 = n3 > 0 ? new long[(1 << 24) / 64] : null;
        for (int i = 0; i < atoms.length; i++) {
            byte[] a = atoms[i];
            int k = 0;
            for (int j = a.length - 1; j >= 0; j--) k = (k << 8) | (a[j] & 0xFF);
            if (a.length == 4) {
                int h = hash(k);
                f4[h >>> 6] |= 1L << h;
                k4[i4] = k; o4[i4++] = owners[i];
            } else if (a.length == 3) {
                f3[k >>> 6] |= 1L << k;
                k3[i3] = k; o3[i3++] = owners[i];
            } else {
                k2[i2] = k; o2[i2++] = owners[i];
            }
        }
        int[] s2 = null, e2 = null;
        if (n2 > 0) {
            s2 = new int[65537];
            for (int k : k2) s2[k + 1]++;
            for (int i = 0; i < 65536; i++) s2[i + 1] += s2[i];
            e2 = new int[n2];
            int[] fill = Arrays.copyOf(s2, 65536);
            for (int i = 0; i < n2; i++) e2[fill[k2[i]]++] = o2[i];
        }
        return new AtomIndex(f4, Table.build(k4, o4), f3, n3 > 0 ? Table.build(k3, o3) : null, s2, e2, entryCount);
    }

    static int hash(int k) {
        return (k * 0x9E3779B1) >>> (32 - FILTER_BITS);
    }

    /** Reports every atom starting in [from, to); atoms may extend up to the buffer's limit. */
    public void scan(ByteBuffer buf, int from, int to, Hits hits) {
        if (buf.hasArray()) {
            scanArray(buf.array(), buf.arrayOffset(), buf.limit(), from, to, hits);
            return;
        }
        byte[] chunk = new byte[Math.min(CHUNK + 3, buf.limit())];
        int pos = from;
        long[] resume = {-1};
        while (pos < to) {
            int end = Math.min(to, pos + CHUNK);
            int len = Math.min(buf.limit() - pos, end - pos + 3);
            buf.get(pos, chunk, 0, len);
            final int base = pos;
            resume[0] = -1;
            scanArray(chunk, 0, len, 0, end - pos, (e, p) -> {
                int r = hits.hit(e, p + base);
                if (r < 0) return -1;
                resume[0] = r;
                return r == Integer.MAX_VALUE ? r : r - base;
            });
            if (resume[0] == Integer.MAX_VALUE) return;
            pos = (int) Math.max(end, resume[0]);
        }
    }

    private void scanArray(byte[] a, int off, int limit, int from, int to, Hits hits) {
        final long[] f4 = filter4;
        final Table t4 = this.t4;
        final long[] f3 = filter3;
        final int[] s2 = start2;
        int last4 = limit - 4;
        for (int pos = from; pos < to; pos++) {
            int r = -1;
            if (s2 != null && pos + 2 <= limit) {
                int k = (a[off + pos] & 0xFF) | (a[off + pos + 1] & 0xFF) << 8;
                for (int e = s2[k], end = s2[k + 1]; e < end && r < 0; e++) r = hits.hit(entries2[e], pos);
            }
            if (f3 != null && r < 0 && pos + 3 <= limit) {
                int k = (a[off + pos] & 0xFF) | (a[off + pos + 1] & 0xFF) << 8 | (a[off + pos + 2] & 0xFF) << 16;
                if ((f3[k >>> 6] & (1L << k)) != 0) r = t3.report(k, pos, hits);
            }
            if (r < 0 && pos <= last4) {
                int k = (int) INT_LE.get(a, off + pos);
                int h = hash(k);
                if ((f4[h >>> 6] & (1L << h)) != 0) r = t4.report(k, pos, hits);
            }
            if (r >= 0) {
                if (r == Integer.MAX_VALUE) return;
                pos = Math.max(pos, r - 1);
            }
        }
    }

    /** Open-addressing map from an int key to a run of owner entries (CSR layout). */
    static final class Table {
        final int[] keys, start, count, owners;
        final int mask;

        private Table(int[] keys, int[] start, int[] count, int[] owners, int mask) {
            this.keys = keys;
            this.start = start;
            this.count = count;
            this.owners = owners;
            this.mask = mask;
        }

        static Table build(int[] k, int[] o) {
            int n = k.length;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            Arrays.sort(order, (x, y) -> Integer.compare(k[x], k[y]));
            int cap = Integer.highestOneBit(Math.max(4, n) * 2) * 2;
            int[] keys = new int[cap], start = new int[cap], count = new int[cap], owners = new int[n];
            for (int i = 0; i < n; i++) owners[i] = o[order[i]];
            int i = 0;
            while (i < n) {
                int key = k[order[i]];
                int j = i;
                while (j < n && k[order[j]] == key) j++;
                int slot = mix(key) & (cap - 1);
                while (count[slot] != 0) slot = (slot + 1) & (cap - 1);
                keys[slot] = key;
                start[slot] = i;
                count[slot] = j - i;
                i = j;
            }
            return new Table(keys, start, count, owners, cap - 1);
        }

        private static int mix(int k) {
            int h = k * 0x85EBCA6B;
            return h ^ (h >>> 15);
        }

        int report(int key, int pos, Hits hits) {
            int slot = mix(key) & mask;
            while (count[slot] != 0) {
                if (keys[slot] == key) {
                    for (int e = start[slot], end = e + count[slot]; e < end; e++) {
                        int r = hits.hit(owners[e], pos);
                        if (r >= 0) return r;
                    }
                    return -1;
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }
    }
}
