package dev.bulwark.engine.match;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * Hash signatures of one kind (MD5, SHA-1 or SHA-256), sorted by (size, digest) in flat arrays so
 * that a scan first asks "is there any signature of this size?" and computes a digest only then.
 * Entries with a wildcard size are kept sorted by digest alone. The arrays are buffers: heap arrays
 * when built from sources, slices of the mapping when read from a snapshot (nothing is copied, and
 * only the pages a lookup touches become resident). A snapshot's index is not re-checked entry by
 * entry at load (its checksum was): lookups stay in bounds whatever the content, and values are
 * range-checked when used.
 */
public final class HashIndex {
    private final int len;              // digest length in bytes
    private final LongBuffer sizes;     // sorted
    private final ByteBuffer digests;   // len bytes per entry, same order
    private final IntBuffer values;
    private final ByteBuffer anyDigests; // wildcard-size entries sorted by digest
    private final IntBuffer anyValues;
    private final int n, anyN, valueCount;

    private HashIndex(int len, LongBuffer sizes, ByteBuffer digests, IntBuffer values, ByteBuffer anyDigests,
                      IntBuffer anyValues, int valueCount) {
        this.len = len;
        this.sizes = sizes;
        this.digests = digests;
        this.values = values;
        this.anyDigests = anyDigests;
        this.anyValues = anyValues;
        this.n = sizes.limit();
        this.anyN = anyValues.limit();
        this.valueCount = valueCount;
    }

    public int size() { return n + anyN; }
    public boolean isEmpty() { return size() == 0; }

    /** True when some entry could match an object of this size (so its digest is worth computing). */
    public boolean wants(long size) {
        return anyN > 0 || firstOfSize(size) >= 0;
    }

    /** Value of an entry with this digest and size, or -1. */
    public int find(byte[] digest, long size) {
        int i = firstOfSize(size);
        if (i >= 0) {
            for (; i < n && sizes.get(i) == size; i++) {
                if (compare(digests, i, digest) == 0) return value(values.get(i));
            }
        }
        int lo = 0, hi = anyN - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(anyDigests, mid, digest);
            if (c == 0) return value(anyValues.get(mid));
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    /** A value outside the name table (only a crafted snapshot has one) finds nothing. */
    private int value(int v) {
        return v >= 0 && v < valueCount ? v : -1;
    }

    /** Unsigned comparison of entry {@code i} of {@code d} with a digest. */
    private int compare(ByteBuffer d, int i, byte[] digest) {
        int base = i * len;
        for (int k = 0; k < len; k++) {
            int c = Integer.compare(d.get(base + k) & 0xFF, digest[k] & 0xFF);
            if (c != 0) return c;
        }
        return 0;
    }

    private int firstOfSize(long size) {
        int lo = 0, hi = n - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = sizes.get(mid);
            if (s < size) lo = mid + 1;
            else { if (s == size) found = mid; hi = mid - 1; }
        }
        return found;
    }

    /** Writes the sorted arrays as they are (database snapshots). */
    public void write(FlatIO.Writer out) {
        out.i32(len);
        out.longs(sizes);
        out.bytes(digests);
        out.ints(values);
        out.bytes(anyDigests);
        out.ints(anyValues);
    }

    /**
     * Reads what {@link #write} wrote, as views of the reader's buffer; values index a table of
     * {@code valueCount} entries. Only the shape is checked here (see the class comment).
     */
    public static HashIndex read(FlatIO.Reader in, int valueCount) {
        int len = in.i32();
        LongBuffer sizes = in.longsView();
        ByteBuffer digests = in.bytesView();
        IntBuffer values = in.intsView();
        ByteBuffer anyDigests = in.bytesView();
        IntBuffer anyValues = in.intsView();
        boolean ok = (len == 16 || len == 20 || len == 32) && digests.limit() == (long) sizes.limit() * len
                && values.limit() == sizes.limit() && anyDigests.limit() == (long) anyValues.limit() * len;
        if (!ok) throw new IllegalArgumentException("inconsistent hash index");
        return new HashIndex(len, sizes, digests, values, anyDigests, anyValues, valueCount);
    }

    public static Builder builder(int digestLength) { return new Builder(digestLength); }

    public static final class Builder {
        /** Entries per digest kind: the sort packs the index into 24 bits. */
        static final int MAX_ENTRIES = 1 << 24;
        private final int len;
        private long[] sizes = new long[16];
        private byte[] digests = new byte[16 * 32];
        private int[] values = new int[16];
        private int n;

        Builder(int len) { this.len = len; }

        /** Adds an entry; size -1 means any size. */
        public void add(byte[] digest, long size, int value) {
            if (n >= MAX_ENTRIES) throw new IllegalArgumentException("more than " + MAX_ENTRIES + " hash signatures of one kind");
            if (size >= 1L << 39) throw new IllegalArgumentException("hash signature size too large");
            if (n == sizes.length) {
                sizes = Arrays.copyOf(sizes, n * 2);
                values = Arrays.copyOf(values, n * 2);
                digests = Arrays.copyOf(digests, n * 2 * len);
            }
            if (digests.length < (n + 1) * len) digests = Arrays.copyOf(digests, sizes.length * len);
            sizes[n] = size;
            System.arraycopy(digest, 0, digests, n * len, len);
            values[n++] = value;
        }

        /** Builds the index; the builder is left empty (its arrays are released). */
        public HashIndex build() {
            // primitive sort on (size, insertion index): boxing comparators are too slow for millions of entries
            int any = 0;
            for (int i = 0; i < n; i++) if (sizes[i] < 0) any++;
            long[] keys = new long[n - any];
            Integer[] anyOrder = new Integer[any];
            int k0 = 0, a0 = 0;
            for (int i = 0; i < n; i++) {
                if (sizes[i] < 0) anyOrder[a0++] = i;
                else keys[k0++] = sizes[i] << 24 | i;
            }
            Arrays.sort(keys);
            Arrays.sort(anyOrder, (x, y) -> Arrays.compareUnsigned(digests, x * len, x * len + len, digests, y * len, y * len + len));
            long[] s = new long[n - any];
            byte[] d = new byte[(n - any) * len], ad = new byte[any * len];
            int[] v = new int[n - any], av = new int[any];
            for (int k = 0; k < keys.length; k++) {
                int i = (int) (keys[k] & 0xFFFFFF);
                s[k] = sizes[i];
                System.arraycopy(digests, i * len, d, k * len, len);
                v[k] = values[i];
            }
            for (int a = 0; a < any; a++) {
                int i = anyOrder[a];
                System.arraycopy(digests, i * len, ad, a * len, len);
                av[a] = values[i];
            }
            // the builder is done: let its growth arrays go before the next index is built
            sizes = new long[0];
            digests = new byte[0];
            values = new int[0];
            n = 0;
            return new HashIndex(len, LongBuffer.wrap(s), ByteBuffer.wrap(d), IntBuffer.wrap(v), ByteBuffer.wrap(ad),
                    IntBuffer.wrap(av), Integer.MAX_VALUE);
        }
    }
}
