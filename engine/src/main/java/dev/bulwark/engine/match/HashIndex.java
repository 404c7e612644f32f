package dev.bulwark.engine.match;

import java.util.Arrays;

/**
 * Hash signatures of one kind (MD5, SHA-1 or SHA-256), sorted by (size, digest) in flat arrays so
 * that a scan first asks "is there any signature of this size?" and computes a digest only then.
 * Entries with a wildcard size are kept sorted by digest alone.
 */
public final class HashIndex {
    private final int len;            // digest length in bytes
    private final long[] sizes;       // sorted
    private final byte[] digests;     // len bytes per entry, same order
    private final int[] values;
    private final byte[] anyDigests;  // wildcard-size entries sorted by digest
    private final int[] anyValues;

    private HashIndex(int len, long[] sizes, byte[] digests, int[] values, byte[] anyDigests, int[] anyValues) {
        this.len = len;
        this.sizes = sizes;
        this.digests = digests;
        this.values = values;
        this.anyDigests = anyDigests;
        this.anyValues = anyValues;
    }

    public int size() { return sizes.length + anyValues.length; }
    public boolean isEmpty() { return size() == 0; }

    /** True when some entry could match an object of this size (so its digest is worth computing). */
    public boolean wants(long size) {
        return anyValues.length > 0 || firstOfSize(size) >= 0;
    }

    /** Value of an entry with this digest and size, or -1. */
    public int find(byte[] digest, long size) {
        int i = firstOfSize(size);
        if (i >= 0) {
            for (; i < sizes.length && sizes[i] == size; i++) {
                if (Arrays.equals(digests, i * len, i * len + len, digest, 0, len)) return values[i];
            }
        }
        int lo = 0, hi = anyValues.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(anyDigests, mid * len, mid * len + len, digest, 0, len);
            if (c == 0) return anyValues[mid];
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    private int firstOfSize(long size) {
        int lo = 0, hi = sizes.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (sizes[mid] < size) lo = mid + 1;
            else { if (sizes[mid] == size) found = mid; hi = mid - 1; }
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

    /** Reads what {@link #write} wrote; values must index a table of {@code valueCount} entries. */
    public static HashIndex read(FlatIO.Reader in, int valueCount) {
        int len = in.i32();
        long[] sizes = in.longs();
        byte[] digests = in.bytes();
        int[] values = in.ints();
        byte[] anyDigests = in.bytes();
        int[] anyValues = in.ints();
        boolean ok = (len == 16 || len == 20 || len == 32) && digests.length == (long) sizes.length * len
                && values.length == sizes.length && anyDigests.length == (long) anyValues.length * len;
        for (int i = 1; ok && i < sizes.length; i++) ok = sizes[i - 1] <= sizes[i];
        for (int i = 0; ok && i < sizes.length; i++) ok = sizes[i] >= 0;
        for (int v : values) ok &= v >= 0 && v < valueCount;
        for (int v : anyValues) ok &= v >= 0 && v < valueCount;
        if (!ok) throw new IllegalArgumentException("inconsistent hash index");
        return new HashIndex(len, sizes, digests, values, anyDigests, anyValues);
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
            return new HashIndex(len, s, d, v, ad, av);
        }
    }
}
