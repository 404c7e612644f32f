package dev.bulwark.engine.match;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Open-addressing map from an int key to a run of owner entries. Slots hold key, start, count and
 * a check of the four bytes after the atom: the bytes every owner's window pins to the same value
 * (which ones in the count's top four bits). A random position that starts one of the atoms (3-byte
 * atoms: about once per 700 bytes at a million patterns; 4-byte atoms on real binaries: several
 * times per KB) is mostly rejected there, in the slot's own cache line, before the owners and the
 * 32-byte windows (44 MB at a million patterns) are touched.
 */
final class AtomTable {
    /** (startup13) In a holder, created on first use: a tiny scan that takes the scalar paths creates no VarHandle (~0.5 ms of class initialisation and access-mode linking in the interpreter). */
    private static final class LE {
        static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    }
    static final int SLOT = 4, COUNT = 0x0FFFFFFF;
    /** Byte masks of the four check bytes, per 4-bit pinned set. */
    private static final int[] CHECK_MASK = new int[16];
    static {
        for (int m = 0; m < 16; m++) for (int b = 0; b < 4; b++) if ((m & 1 << b) != 0) CHECK_MASK[m] |= 0xFF << (8 * b);
    }
    final int[] slots, owners;
    final int mask, size, len;

    private AtomTable(int[] slots, int[] owners, int mask, int len) {
        this.slots = slots;
        this.owners = owners;
        this.mask = mask;
        this.size = owners.length;
        this.len = len;
    }

    static int count(int c) { return c & COUNT; }

    /** The count field of a run: its length and which of the four bytes after the atom all owners pin alike. */
    private static int runCheck(int[] owners, int from, int to, int len, long[] windows, int[] value) {
        int pinned = 0, v = 0;
        if (windows != null) {
            for (int b = 0; b < 4; b++) {
                int shift = 8 * (len + b), want = -1;
                boolean same = true;
                for (int e = from; e < to && same; e++) {
                    long m = windows[(owners[e] << 2) + 2], val = windows[(owners[e] << 2) + 3];
                    int x = (int) (val >>> shift) & 0xFF;
                    same = ((m >>> shift) & 0xFF) == 0xFF && (want < 0 || want == x);
                    want = x;
                }
                if (same) {
                    pinned |= 1 << b;
                    v |= want << (8 * b);
                }
            }
        }
        value[0] = v;
        return pinned << 28 | (to - from);
    }

    static AtomTable build(int[] k, int[] o, int len, long[] windows) {
        int n = k.length;
        // sort by key, stable by input order: (key << 32 | index)
        long[] order = new long[n];
        for (int i = 0; i < n; i++) order[i] = (long) k[i] << 32 | i;
        Arrays.sort(order);
        int cap = Integer.highestOneBit(Math.max(4, n) * 2) * 2;
        int[] slots = new int[cap * SLOT], owners = new int[n], value = new int[1];
        for (int i = 0; i < n; i++) owners[i] = o[(int) order[i]];
        int i = 0;
        while (i < n) {
            int key = (int) (order[i] >> 32);
            int j = i;
            while (j < n && (int) (order[j] >> 32) == key) j++;
            int slot = mix(key) & (cap - 1);
            while (slots[slot * SLOT + 2] != 0) slot = (slot + 1) & (cap - 1);
            slots[slot * SLOT] = key;
            slots[slot * SLOT + 1] = i;
            slots[slot * SLOT + 2] = runCheck(owners, i, j, len, windows, value);
            slots[slot * SLOT + 3] = value[0];
            i = j;
        }
        return new AtomTable(slots, owners, cap - 1, len);
    }

    private static int mix(int k) {
        int h = k * 0x85EBCA6B;
        return h ^ (h >>> 15);
    }

    /** The windows of {@link #owners} in their order (4 longs each), from per-entry windows. */
    long[] runWindows(long[] windows) {
        long[] w = new long[owners.length * 4];
        for (int e = 0; e < owners.length; e++) System.arraycopy(windows, owners[e] << 2, w, e << 2, 4);
        return w;
    }

    /**
     * Reports the entries of key at pos whose windows match: from {@code runWindows} (see
     * {@link #runWindows}) when given, else through the index's per-entry windows.
     */
    int report(AtomIndex idx, byte[] a, int off, int limit, int key, int pos, AtomIndex.Hits hits, long[] runWindows) {
        int slot = mix(key) & mask;
        int[] s = slots;
        int c;
        while ((c = s[slot * SLOT + 2]) != 0) {
            if (s[slot * SLOT] == key) {
                // a subset of windowOk's test, under the same condition (the whole post window readable)
                if (c >>> 28 != 0 && pos + 8 <= limit
                        && ((((int) LE.INT.get(a, off + pos + len)) ^ s[slot * SLOT + 3]) & CHECK_MASK[c >>> 28]) != 0) return -1;
                for (int e = s[slot * SLOT + 1], end = e + (c & COUNT); e < end; e++) {
                    int r = runWindows == null ? idx.report(a, off, limit, owners[e], pos, hits)
                            : AtomIndex.windowOk(a, off, limit, pos, runWindows, e << 2) ? hits.hit(owners[e], pos) : -1;
                    if (r >= 0) return r;
                }
                return -1;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /** (startup13) The slot index ({@code slot * SLOT}) holding key, or -1: the unfiltered scan's lookup, without word loads. */
    int find(int key) {
        int slot = mix(key) & mask;
        int[] s = slots;
        while (s[slot * SLOT + 2] != 0) {
            if (s[slot * SLOT] == key) return slot * SLOT;
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    void write(FlatIO.Writer out) {
        out.ints(slots);
        out.ints(owners);
    }

    static AtomTable read(FlatIO.Reader in, int entryCount, int len) {
        int[] slots = in.ints(), owners = in.ints();
        int cap = slots.length / SLOT;
        AtomIndex.check(slots.length % SLOT == 0 && cap >= 4 && Integer.bitCount(cap) == 1, "table size");
        int used = 0, bad = 0;
        for (int i = 1; i < slots.length; i += SLOT) {
            int start = slots[i], c = slots[i + 1];
            if (c == 0) continue;
            used++;
            int count = c & COUNT;
            int room = owners.length - count; // count > 0 and the run inside owners (no overflow once each part is >= 0)
            bad |= (count - 1) | start | room | (room - start);
        }
        AtomIndex.check(bad >= 0, "table run");
        AtomIndex.check(used < cap, "table full"); // a free slot ends every probe sequence
        AtomIndex.check(AtomIndex.inRange(owners, entryCount), "table owners");
        return new AtomTable(slots, owners, cap - 1, len);
    }
}
