package dev.bulwark.engine.match;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hash signatures of one kind (MD5, SHA-1 or SHA-256), sorted by (size, digest) in flat arrays so
 * that a scan first asks "is there any signature of this size?" and computes a digest only then.
 * Entries with a wildcard size are kept sorted by digest alone. The arrays are buffers: heap arrays
 * when built from sources, slices of the mapping when read from a snapshot (nothing is copied, and
 * only the pages a lookup touches become resident). A snapshot's index is not re-checked entry by
 * entry at load (its block checksums were, or are when a lookup first reads a block: {@link Blocks}): lookups stay in bounds whatever the content, and values are
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
    /**
     * (mend13) libclamav's sorted order of one size's entries ({@link #clamavSort}), keyed by the size's first
     * entry, made the first time a scan hits a duplicated digest of that size and reused after: it was
     * re-sorted on every such hit, and a database repeating digests in one large size made each scan of a file
     * of that size pay a whole quicksort (quadratic on sorted input). libclamav sorts each size once, at load.
     * The arrays are never changed once published, so concurrent scans share them; at most one int per sized
     * entry, only for sizes that do have a duplicate hit.
     */
    private final ConcurrentHashMap<Integer, int[]> sortedBySize = new ConcurrentHashMap<>();
    /** Times {@link #clamavSort} ran for {@link #findSized} (tests). */
    private final AtomicInteger sorts = new AtomicInteger();
    /**
     * (large12, snapshot format 13) Entries per fence step: {@code fence[k]} is {@code sizes[k * FENCE]}, stored
     * after the arrays and checked with the snapshot's eager blocks, so that finding a size reads one step of
     * the size array (a 4 KiB block) instead of the ~20 pages a binary search over all of it reads.
     */
    static final int FENCE = Blocks.SIZE / 8;
    /** The fence (read from a snapshot), or null (built from text: searched as before). */
    private long[] fence;
    /** Per-block checksums the arrays are checked against on first use, or null (checked already). */
    private Blocks blocks;
    /** File offsets of the three sized arrays (with {@link #blocks}). */
    private long sizesAt, digestsAt, valuesAt;

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

    /** True when the sized entries are heap arrays, false when they are a mapping (spilled runs, a snapshot). */
    public boolean onHeap() { return digests.hasArray(); }
    public boolean isEmpty() { return size() == 0; }

    /** True when some entry could match an object of this size (so its digest is worth computing). */
    public boolean wants(long size) {
        return anyN > 0 || firstOfSize(size) >= 0;
    }

    /** Value of an entry with this digest and size, or else of a wildcard-size entry with it, or -1. */
    public int find(byte[] digest, long size) {
        int v = findSized(digest, size);
        return v >= 0 ? v : findAny(digest);
    }

    /**
     * Value of an entry with this digest and exactly this size, or -1. When several entries have the same
     * size and digest, the one ClamAV reports: libclamav keeps one array per size in load order, sorts it
     * with its own quicksort (first element as pivot, not stable) and binary-searches it, so which
     * duplicate it finds depends on the whole array; {@link #clamavPick} replays that on this size's
     * entries, which are kept in load order (see {@link Builder#sortBySize}). Only a hit on a duplicated
     * digest needs it, and each size is sorted once ({@link #sortedBySize}).
     */
    public int findSized(byte[] digest, long size) {
        int i = firstOfSize(size);
        if (i < 0) return -1;
        int end = i, hit = -1, hits = 0;
        for (; end < n && sizeAt(end) == size; end++) {
            if (blocks != null && !blocks.need(digestsAt + (long) end * len, len)) return -1;
            if (compare(digests, end, digest) == 0) {
                if (hit < 0) hit = end;
                hits++;
            }
        }
        if (hit < 0) return -1;
        int at = hit;
        if (hits > 1) {
            int from = i, count = end - i;
            int[] sorted = sortedBySize.computeIfAbsent(from, k -> {
                sorts.incrementAndGet();
                return clamavSort(digests, from, count, len);
            });
            at = from + clamavSearch(digests, from, sorted, digest);
        }
        if (blocks != null && !blocks.need(valuesAt + 4L * at, 4)) return -1;
        return value(values.get(at));
    }

    /**
     * Entry {@code i}'s size; with lazily checked blocks, a block that fails its checksum reads as -1 (no
     * object has that size: the lookup finds nothing, and the damage fails the scan, see {@link Blocks}).
     */
    private long sizeAt(int i) {
        if (blocks != null && !blocks.need(sizesAt + 8L * i, 8)) return -1;
        return sizes.get(i);
    }

    /** Times a size's entries were sorted for {@link #findSized} (tests: once per size, not per scan). */
    int sortsForDuplicates() { return sorts.get(); }

    /**
     * Value of a wildcard-size entry with this digest, or -1. Entries are sorted by digest, and among equal
     * digests the one ClamAV reports comes first ({@link Builder#build} puts it there).
     */
    public int findAny(byte[] digest) {
        int lo = 0, hi = anyN - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(anyDigests, mid, digest);
            if (c == 0) found = mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return found < 0 ? -1 : value(anyValues.get(found));
    }

    /**
     * Which of {@code count} entries of {@code d} from {@code from} (in load order) libclamav's hash matcher
     * returns for {@code digest}, as an offset from {@code from}: its sort of one size's array (quicksort on
     * the first element, entries greater than the pivot swapped to the end) then its binary search. The
     * comparison is libclamav's on a little-endian machine: the first four bytes as an unsigned
     * little-endian number, in descending order (its hm_cmp returns {@code (i < r) * 2 - 1}), then the rest
     * byte by byte, ascending. Returns -1 when no entry has the digest.
     */
    static int clamavPick(ByteBuffer d, int from, int count, byte[] digest) {
        return clamavSearch(d, from, clamavSort(d, from, count, digest.length), digest);
    }

    /** libclamav's sort of {@code count} entries of {@code d} from {@code from} (see {@link #clamavPick}): entry indexes in sorted order. */
    static int[] clamavSort(ByteBuffer d, int from, int count, int len) {
        int[] a = new int[count];
        for (int k = 0; k < count; k++) a[k] = from + k;
        // explicit stack: a pivot on the first element recurses as deep as the array on sorted input
        int[] stack = new int[64];
        int sp = 0;
        stack[sp++] = 0;
        stack[sp++] = count;
        while (sp > 0) {
            int r = stack[--sp], l = stack[--sp];
            if (l + 1 >= r) continue;
            int l1 = l + 1, r1 = r, piv = a[l];
            while (l1 < r1) {
                if (clamavCompare(d, a[l1], d, piv, len) > 0) {
                    r1--;
                    if (l1 == r1) break;
                    int t = a[l1]; a[l1] = a[r1]; a[r1] = t;
                } else l1++;
            }
            l1--;
            if (l1 != l) { int t = a[l1]; a[l1] = a[l]; a[l] = t; }
            if (sp + 4 > stack.length) stack = Arrays.copyOf(stack, stack.length * 2);
            stack[sp++] = l; stack[sp++] = l1;
            stack[sp++] = r1; stack[sp++] = r;
        }
        return a;
    }

    /** libclamav's binary search of {@code digest} in {@code a} (from {@link #clamavSort}): an offset from {@code from}, or -1. */
    static int clamavSearch(ByteBuffer d, int from, int[] a, byte[] digest) {
        int len = digest.length, count = a.length;
        ByteBuffer key = ByteBuffer.wrap(digest);
        int l = 0, r = count - 1;
        while (l <= r) {
            int c = (l + r) >>> 1;
            int res = clamavCompare(key, 0, d, a[c], len);
            if (res < 0) { if (c == 0) break; r = c - 1; }
            else if (res > 0) l = c + 1;
            else return a[c] - from;
        }
        return -1;
    }

    /** libclamav's hm_cmp on a little-endian machine, for entry {@code i} of {@code x} and {@code j} of {@code y}. */
    private static int clamavCompare(ByteBuffer x, int i, ByteBuffer y, int j, int len) {
        int bx = i * len, by = j * len;
        long wx = (x.get(bx) & 0xFFL) | (x.get(bx + 1) & 0xFFL) << 8 | (x.get(bx + 2) & 0xFFL) << 16 | (x.get(bx + 3) & 0xFFL) << 24;
        long wy = (y.get(by) & 0xFFL) | (y.get(by + 1) & 0xFFL) << 8 | (y.get(by + 2) & 0xFFL) << 16 | (y.get(by + 3) & 0xFFL) << 24;
        if (wx != wy) return wx < wy ? 1 : -1; // sic: libclamav returns (i < r) * 2 - 1
        for (int k = 4; k < len; k++) {
            int c = (x.get(bx + k) & 0xFF) - (y.get(by + k) & 0xFF);
            if (c != 0) return c;
        }
        return 0;
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
        if (fence != null) {
            // k fence entries are below size: the first entry of this size, if any, is in step k - 1 after its
            // first entry (which is below it), or is the first entry of step k (whose size the fence holds)
            int a = 0, b = fence.length - 1;
            while (a <= b) {
                int mid = (a + b) >>> 1;
                if (fence[mid] < size) a = mid + 1; else b = mid - 1;
            }
            int k = a;
            lo = Math.max(0, (k - 1) * FENCE);
            hi = Math.min(n - 1, k * FENCE - 1);
            if (k * FENCE < n && fence[k] == size) found = k * FENCE;
        }
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = sizeAt(mid);
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
        if (blocks != null && !(blocks.need(sizesAt, 8L * n) && blocks.need(digestsAt, (long) n * len) && blocks.need(valuesAt, 4L * n))) {
            throw new IllegalArgumentException("invalid snapshot: a hash index block failed its checksum");
        }
        long[] f = new long[(n + FENCE - 1) / FENCE];
        for (int k = 0; k < f.length; k++) f[k] = sizes.get(k * FENCE);
        out.longs(f);
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
        long[] fence = in.longs();
        boolean ok = (len == 16 || len == 20 || len == 32) && digests.limit() == (long) sizes.limit() * len
                && values.limit() == sizes.limit() && anyDigests.limit() == (long) anyValues.limit() * len
                && fence.length == (sizes.limit() + FENCE - 1) / FENCE;
        if (!ok) throw new IllegalArgumentException("inconsistent hash index");
        HashIndex h = new HashIndex(len, sizes, digests, values, anyDigests, anyValues, valueCount);
        h.fence = fence;
        if (in instanceof FlatBuffers.In f && f.blocks() != null) {
            // the three sized arrays end where the next array's length starts; the wildcard arrays and the fence
            // are checked at load with the rest
            long end = f.fileOffset() - 4 - 8L * fence.length - 4 - 4L * anyValues.limit() - 4 - anyDigests.limit();
            long n = sizes.limit();
            h.valuesAt = end - 4 * n;
            h.digestsAt = h.valuesAt - 4 - n * len;
            h.sizesAt = h.digestsAt - 4 - 8 * n;
            h.blocks = f.blocks();
            h.blocks.lazy(h.sizesAt, 8 * n);
            h.blocks.lazy(h.digestsAt, n * len);
            h.blocks.lazy(h.valuesAt, 4 * n);
        }
        return h;
    }

    /** An index over arrays already sorted as {@link Builder#build} sorts them (for {@link HashSpill}). */
    static HashIndex of(int len, LongBuffer sizes, ByteBuffer digests, IntBuffer values, ByteBuffer anyDigests,
                        IntBuffer anyValues) {
        return new HashIndex(len, sizes, digests, values, anyDigests, anyValues, Integer.MAX_VALUE);
    }

    public static Builder builder(int digestLength) { return new Builder(digestLength, Builder.SPILL_AT); }

    /** A builder that sorts every {@code spillAt} sized entries into a run on disk (tests; 0 = never). */
    static Builder builder(int digestLength, int spillAt) { return new Builder(digestLength, spillAt); }

    public static final class Builder {
        /** Entries per digest kind: the sort packs the index into 24 bits. */
        static final int MAX_ENTRIES = 1 << 24;
        /** Sizes from this on are refused: the sort key is size << 24 | index. */
        static final long MAX_SIZE = 1L << 39;
        /**
         * Sized entries held on the heap before they go to a sorted run in a temporary file (see
         * {@link HashSpill}): 7-11 MB of arrays (28-44 bytes an entry), and 11 runs for the 2.8 million
         * MD5 signatures of the large generated database. Smaller databases never spill.
         */
        static final int SPILL_AT = 1 << 18;
        /** Size bits per pass of {@link #sortBySize}: 2,048 counters and places to append to. */
        private static final int RADIX_BITS = 11;
        /** Columns {@link #sortBySize} moves the entries into (then swapped with the builder's). */
        private long[] spareSizes = new long[0];
        private byte[] spareDigests = new byte[0];
        private int[] spareValues = new int[0];
        /** Spare capacity (1/16) the size array may keep rather than being copied to its exact length. */
        private static final int SLACK_SHIFT = 4;
        private final int len;
        /** Sized entries before a run is written, or 0 when this builder never spills. */
        private int spillAt;
        /**
         * (textload4) Entries {@link #reserve} was told this builder will hold in all, or 0 when it was not. A
         * builder expecting at most {@code 2 * spillAt} keeps them all on the heap instead of spilling: the
         * medium generated database's 350,000 MD5s went to a run of 262,144 and one of 88,000, merged into a
         * mapped file (~50 ms of CPU for the temporary files, the run writes and the merge, and the classes
         * that do it), where one heap sort of 350,000 costs what two sorted runs did. The heap then holds up to
         * twice a run's arrays (plus the sort's spare set): 15-22 MB for MD5 at most, against 7-11 MB and the
         * mapped index file. A wrong estimate only costs memory: past {@code 2 * spillAt} it spills as before.
         */
        private long expected;
        private long[] sizes = new long[16];
        private byte[] digests;
        private int[] values = new int[16];
        private int n;
        /** Wildcard-size entries (rare: they need FLEVEL 73), in insertion order; never spilled. */
        private byte[] anyDigests = new byte[0];
        private int[] anyValues = new int[0];
        private int any;
        /** Runs of sorted entries on disk, or null while everything fits on the heap. */
        private HashSpill spill;
        private int spilled;

        Builder(int len, int spillAt) {
            this.len = len;
            this.spillAt = spillAt;
            this.digests = new byte[16 * len];
        }

        /** Entries added so far. */
        public int size() { return spilled + n + any; }

        /**
         * Makes room for {@code more} further entries at once: a loader that can estimate a file's entry
         * count saves the doubling copies (garbage as large as the index). Capped at {@link #MAX_ENTRIES},
         * and at a run's size for a builder that spills; a wrong estimate only costs memory (trimmed at
         * build) or a later growth.
         */
        public void reserve(int more) {
            long want = Math.min((long) n + Math.max(0, more), MAX_ENTRIES);
            expected = Math.max(expected, spilled + want);
            if (spillAt > 0) want = Math.min(want, heapHolds() ? 2L * spillAt : spillAt);
            if (want > sizes.length) resize((int) want);
        }

        /** True while every entry this builder expects fits on the heap (see {@link #expected}). */
        private boolean heapHolds() {
            return spill == null && expected > 0 && expected <= 2L * spillAt;
        }

        /** True once this builder has written a sorted run to disk (tests). */
        boolean spilled() {
            return spill != null;
        }

        private void resize(int cap) {
            sizes = Arrays.copyOf(sizes, cap);
            values = Arrays.copyOf(values, cap);
            digests = Arrays.copyOf(digests, cap * len);
        }

        /** Adds an entry; size -1 means any size. */
        public void add(byte[] digest, long size, int value) {
            if (size() >= MAX_ENTRIES) throw new IllegalArgumentException("more than " + MAX_ENTRIES + " hash signatures of one kind");
            if (size >= MAX_SIZE) throw new IllegalArgumentException("hash signature size too large");
            if (size < 0) {
                addAny(digest, value);
                return;
            }
            if (n == sizes.length) {
                if (spillAt > 0 && n >= spillAt && (n >= 2L * spillAt || !heapHolds())) spill();
                else if (spillAt > 0 && n >= spillAt) resize((int) Math.min(Math.max(n + (n >>> 1), expected), 2L * spillAt));
                else resize((int) Math.min(Math.max((long) n * 2, 16), MAX_ENTRIES));
            }
            sizes[n] = size;
            System.arraycopy(digest, 0, digests, n * len, len);
            values[n++] = value;
        }

        private void addAny(byte[] digest, int value) {
            if (any == anyValues.length) {
                int cap = Math.max(16, any * 2);
                anyValues = Arrays.copyOf(anyValues, cap);
                anyDigests = Arrays.copyOf(anyDigests, cap * len);
            }
            System.arraycopy(digest, 0, anyDigests, any * len, len);
            anyValues[any++] = value;
        }

        /**
         * Sorts the first {@code n} sized entries by size, equal sizes in insertion order: a stable radix sort
         * (least significant digit first) that moves the entries themselves, {@link #RADIX_BITS} bits of the
         * size per pass (two passes below 4 MiB, at most four), between the builder's columns and a spare set
         * (swapped after each pass) of {@code spareCap} entries: the builder's capacity when it goes on adding,
         * {@code n} when it is building (then each pass may leave the entries in exact arrays). Each pass reads the columns in
         * order and appends to 2,048 places at once, which the caches follow. It replaced a sort of keys
         * {@code size << 24 | index} followed by a gather of the digests in key order, where nearly every read
         * was a cache miss (the large generated database's 4M hashes: sort ~0.3 and gather ~0.7 CPU-s).
         */
        private void sortBySize(int spareCap) {
            long or = 0;
            for (int i = 0; i < n; i++) or |= sizes[i];
            int bits = 64 - Long.numberOfLeadingZeros(or);
            if (bits == 0 || n < 2) return; // every size 0: already in insertion order
            int passes = (bits + RADIX_BITS - 1) / RADIX_BITS, digit = (bits + passes - 1) / passes, mask = (1 << digit) - 1;
            // a spilling builder keeps its spare set for the next run: 11 MB arrays made per run and dropped filled
            // the old generation (the large database's peak went from 189 to 279 MB); building, one exact set
            if (spareSizes.length != spareCap) {
                spareSizes = new long[spareCap];
                spareDigests = new byte[spareCap * len];
                spareValues = new int[spareCap];
            }
            int[] start = new int[1 << digit];
            for (int p = 0, shift = 0; p < passes; p++, shift += digit) {
                Arrays.fill(start, 0);
                for (int i = 0; i < n; i++) start[(int) (sizes[i] >>> shift) & mask]++;
                for (int b = 0, sum = 0; b < start.length; b++) {
                    int c = start[b];
                    start[b] = sum;
                    sum += c;
                }
                long[] ts = spareSizes;
                byte[] td = spareDigests;
                int[] tv = spareValues;
                for (int i = 0; i < n; i++) {
                    long size = sizes[i];
                    int k = start[(int) (size >>> shift) & mask]++;
                    ts[k] = size;
                    System.arraycopy(digests, i * len, td, k * len, len);
                    tv[k] = values[i];
                }
                spareSizes = sizes;
                spareDigests = digests;
                spareValues = values;
                sizes = ts;
                digests = td;
                values = tv;
            }
        }

        /**
         * Writes the held entries as a sorted run and starts over in the same arrays. When no temporary file
         * can be made, the builder stops spilling and grows on the heap instead (as it did before).
         */
        private void spill() {
            try {
                if (spill == null) spill = HashSpill.open(len);
            } catch (java.io.IOException e) {
                spillAt = 0;
                resize((int) Math.min((long) n * 2, MAX_ENTRIES));
                return;
            }
            sortBySize(sizes.length);
            try {
                spill.writeRun(sizes, n, digests, values);
            } catch (java.io.IOException e) {
                throw HashSpill.unchecked("cannot write a temporary hash index", e);
            }
            spilled += n;
            n = 0;
        }

        /**
         * Builds the index; the builder is left empty. The sort keys are made in the builder's size array,
         * which becomes the index's (no separate key array, no copy of the sizes). A builder that spilled
         * merges its runs into a mapped temporary file instead (an {@link java.io.UncheckedIOException} when
         * that fails, e.g. a full disk).
         */
        public HashIndex build() {
            byte[] ad = new byte[any * len];
            int[] av = new int[any];
            if (any > 0) sortWildcards(ad, av);
            if (spill != null) {
                if (n > 0) spill();
                HashSpill s = spill;
                clear();
                try {
                    return s.merge(ByteBuffer.wrap(ad), IntBuffer.wrap(av));
                } catch (java.io.IOException e) {
                    throw HashSpill.unchecked("cannot write a temporary hash index", e);
                }
            }
            int m = n;
            sortBySize(m);
            // the builder is done: its columns (or exact copies) now belong to the index
            byte[] d = digests.length == m * len ? digests : Arrays.copyOf(digests, m * len);
            int[] v = values.length == m ? values : Arrays.copyOf(values, m);
            long[] s = sizes.length - m > sizes.length >>> SLACK_SHIFT ? Arrays.copyOf(sizes, m) : sizes;
            clear();
            return new HashIndex(len, LongBuffer.wrap(s, 0, m).slice(), ByteBuffer.wrap(d), IntBuffer.wrap(v),
                    ByteBuffer.wrap(ad), IntBuffer.wrap(av), Integer.MAX_VALUE);
        }

        private void clear() {
            sizes = new long[0];
            digests = new byte[0];
            values = new int[0];
            anyDigests = new byte[0];
            anyValues = new int[0];
            spareSizes = new long[0];
            spareDigests = new byte[0];
            spareValues = new int[0];
            spill = null;
            n = any = spilled = 0;
            expected = 0;
        }

        /** Copies the wildcard-size entries into {@code ad}/{@code av} sorted by digest (stable). */
        private void sortWildcards(byte[] ad, int[] av) {
            Integer[] order = new Integer[any];
            for (int a = 0; a < any; a++) order[a] = a;
            byte[] src = anyDigests;
            Arrays.sort(order, (x, y) -> Arrays.compareUnsigned(src, x * len, x * len + len, src, y * len, y * len + len));
            for (int a = 0; a < any; a++) {
                System.arraycopy(src, order[a] * len, ad, a * len, len);
                av[a] = anyValues[order[a]];
            }
            // among equal digests, the one libclamav's matcher finds first (see clamavPick), for findAny
            // (review13) libclamav sorts the wildcard array once: so is it replayed, once, not per duplicated digest
            ByteBuffer loadOrder = ByteBuffer.wrap(src);
            int[] sorted = null;
            for (int a = 0; a < any; ) {
                int b = a + 1;
                while (b < any && Arrays.equals(ad, a * len, a * len + len, ad, b * len, b * len + len)) b++;
                if (b - a > 1) {
                    if (sorted == null) sorted = clamavSort(loadOrder, 0, any, len);
                    int pick = clamavSearch(loadOrder, 0, sorted, Arrays.copyOfRange(ad, a * len, a * len + len));
                    int at = a;
                    while (order[at] != pick) at++;
                    int v = av[at];
                    System.arraycopy(av, a, av, a + 1, at - a);
                    av[a] = v;
                }
                a = b;
            }
        }
    }
}
