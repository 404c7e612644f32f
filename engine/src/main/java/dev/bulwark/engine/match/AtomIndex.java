package dev.bulwark.engine.match;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The multi-literal automaton: finds every position where one of the atoms (2, 3 or 4 literal bytes)
 * starts. Per position it does one little-endian word load and one probe of a word table indexed by the
 * position's first two bytes and the low {@code wordLog - 16} bits of its third: the table grows with
 * the atom count (chosen at build, 512 KiB to 2 MiB, about {@link #TARGET_LOAD} atoms per word), so it
 * does not saturate at a million atoms. Each word is a small Bloom filter over the third and fourth bytes
 * of the atoms that land on it (four bits from each byte, looked up in two 256-entry tables). A 2- or
 * 3-byte atom sets all bits of the byte(s) it does not fix, unless its context window pins them; a 2-byte
 * atom with a free third byte is entered in each of the words its prefix spans. Because the index is
 * exact key bits (not a hash), a word filled by a short atom passes only positions that share its
 * prefix, as the atom itself would. So every position costs the same three loads and one rarely taken
 * branch. Only a passing position goes on: 2-byte atoms through a compact CSR index, 3- and 4-byte
 * atoms through small blocked Bloom filters in front of exact open-addressing tables; and before an entry
 * is reported the fixed bytes around its atom (its "window") are compared with two 8-byte loads, so
 * false candidates rarely reach the verifier. Everything is flat primitive arrays; the filters are
 * derived from the exact tables (also when a snapshot is read), so a snapshot stores only those and the
 * table size. A 2-byte atom whose next bytes are all free passes every position with its prefix; so
 * {@link PatternSet} leaves such parts (like {@code aa bb ?? ?? cc dd}) out of the index where a
 * neighbouring part is indexed ({@link BodyPattern#lazy}: searched next to it, or by a per-pass scanner
 * when the gap to it is unbounded). The derived filters are built in {@link AtomFilters}, the exact 3- and
 * 4-byte tables are {@link AtomTable}s. Where few atoms have short fixed runs (the planner's aim) a
 * {@link StrideFilter} in front of the word filter probes only every second position.
 */
public final class AtomIndex {
    /** (startup13) In a holder, created on first use: a tiny scan that takes the scalar paths creates no VarHandle (~0.5 ms of class initialisation and access-mode linking in the interpreter). */
    private static final class LE {
        static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
        static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    }
    /** Bytes of a position the filter looks at (2-byte prefix + two filtered bytes). */
    static final int KEY_BYTES = 4;
    /** Chunk copied out of a non-heap buffer at a time. */
    private static final int CHUNK = 1 << 20;
    /**
     * Atoms per word the table is sized for. {@link AtomFilters#BITS_PER_BYTE} bits per byte in each 32-bit half: a
     * word holding four 4-byte atoms passes about 1 in 1,100 random positions (two bits: 1 in 400), eight
     * about 1 in 30 (two bits: 1 in 40); the planner keeps most words near four.
     */
    static final int TARGET_LOAD = 4;
    /**
     * Word table bounds a snapshot may declare: the 2-byte prefix (512 KiB) .. prefix + 4 bits of the third byte
     * (8 MiB). Snapshots compiled before {@link #BUILD_MAX_WORD_LOG} have tables up to 20 and stay readable.
     */
    static final int MIN_WORD_LOG = 16, MAX_WORD_LOG = 20;
    /**
     * Largest table a build chooses (2 MiB; above about a million atoms, words hold more than {@link #TARGET_LOAD}).
     * At gen_sigs 1M patterns (1.28M atoms) the 4 MiB table it replaced was slower in every data kind: KernelAB in
     * one JVM, MB per CPU-s, 2 MiB vs 4 MiB: random 139 vs 102, shared libraries 236 vs 180, corpus 168 vs 139
     * (1 MiB: random 64). The random probe per position misses the caches either way; the smaller table misses
     * less often (docs/benchmarks/kernel.md, section kernel9).
     */
    static final int BUILD_MAX_WORD_LOG = 18;
    /** Serialization format of {@link #write}; bump when the layout changes. */
    public static final int FORMAT = 6;

    /** Called for each atom hit; returns -1 to go on, or the position at which to resume (MAX_VALUE stops). */
    @FunctionalInterface
    public interface Hits {
        int hit(int entry, int pos);
    }

    /*
     * (startup13) The derived filters (words, words34, filter4/3 and the windows copies windows2/3) are built on
     * the first scan that is not tiny (see UNFILTERED_MAX), not when the index is made or read: a one-file scan
     * of a small file against a snapshot then never builds them (0.7-0.9 ms of a ~37 ms process: the word table
     * alone is 512 KiB to 8 MiB, zeroed and filled in the interpreter). They are written by buildFilters under
     * the index's lock before the volatile filtered flag; a scan reads the flag once and then the plain fields.
     */
    /**
     * A scan of at most this many positions, while the filters are not built and fewer than
     * {@link #UNFILTERED_TOTAL} positions went without them, probes the exact tables at every position instead
     * (same hits in the same order: the filters only skip positions where the exact tables hold nothing).
     */
    static final int UNFILTERED_MAX = 256, UNFILTERED_TOTAL = 1024;
    /** Whether the derived filters below are built (written last, read first). */
    private volatile boolean filtered;
    /** Positions scanned without the filters (from several threads: an estimate is enough). */
    private int unfilteredScanned;
    /** Per 2-byte prefix + low bits of the third byte: Bloom bits of the third and fourth bytes of its atoms. */
    private long[] words;
    private final int wordLog, wordMask;
    /**
     * For the words a 2-byte atom's prefix spans (they usually have every bit set), the word without the
     * 2-byte atoms, indexed by CSR rank and the third byte's low bits: a position that only passed because
     * of a 2-byte atom skips the 3- and 4-byte tables.
     */
    private long[] words34;
    private final AtomTable t4, t3;
    private long[] filter4, filter3;
    private int shift4, shift3;        // 64 - log2(words)
    /** 2^16-bit presence map of 2-byte atoms, with per-word rank prefix sums for a compact CSR. */
    private final long[] bits2;
    private final int[] rank2, start2, entries2;
    /** Per entry four longs (pre mask, pre value, post mask, post value; little-endian), or null. */
    private final long[] windows;
    /** Windows of entries2 in CSR order, so the frequent 2-byte candidates stay in cache; or null. */
    private long[] windows2;
    /**
     * Windows of the 3-byte table's owner runs in run order, or null. A random position starts one of
     * the 3-byte atoms about once per 700 bytes at a million patterns (24k of them); their windows
     * fetched through {@link #windows} (32 bytes per entry, 44 MB there) cost a cache and TLB miss each,
     * which took half of the scan time; this copy is under 1 MB.
     */
    private long[] windows3;
    private final int entryCount;
    /**
     * The every-second-position first stage: null until scans of this index have covered
     * {@link StrideFilter#BUILD_AFTER} positions (a one-file scan of a small file never builds it),
     * {@link StrideFilter#NONE} if the set is too large or dense for it.
     */
    private volatile StrideFilter stride;
    /** Positions scanned while {@link #stride} was null. */
    private long scanned;

    private AtomIndex(AtomTable t4, AtomTable t3, long[] bits2, int[] rank2, int[] start2, int[] entries2,
                      long[] windows, int entryCount, int wordLog) {
        this.wordLog = wordLog;
        this.wordMask = (1 << wordLog) - 1;
        this.t4 = t4;
        this.t3 = t3;
        this.bits2 = bits2;
        this.rank2 = rank2;
        this.start2 = start2;
        this.entries2 = entries2;
        this.windows = windows;
        this.entryCount = entryCount;
    }

    /** Builds the derived filters once (see {@link #filtered}); two threads wait for one build. */
    private synchronized void buildFilters() {
        if (filtered) return;
        if (windows != null) {
            long[] w2 = new long[entries2.length * 4];
            for (int i = 0; i < entries2.length; i++) System.arraycopy(windows, entries2[i] << 2, w2, i << 2, 4);
            windows2 = w2;
        }
        windows3 = windows == null ? null : t3.runWindows(windows);
        long[] w34 = new long[(start2.length - 1) << (wordLog - 16)];
        words = AtomFilters.words(wordLog, t4, t3, bits2, rank2, start2, entries2, windows, w34);
        words34 = w34;
        filter4 = AtomFilters.filter(t4);
        filter3 = AtomFilters.filter(t3);
        shift4 = AtomFilters.shiftOf(filter4);
        shift3 = AtomFilters.shiftOf(filter3);
        filtered = true;
    }

    /** Whether a scan has built the derived filters (for tests). */
    boolean filtersBuilt() {
        return filtered;
    }

    public int entryCount() { return entryCount; }

    /** log2 of the word table's size (16 + the bits of the third byte it indexes). */
    public int wordLog() { return wordLog; }

    /** Table size (log2) for a number of atoms. */
    static int wordLog(long atoms) {
        int log = MIN_WORD_LOG;
        while (log < BUILD_MAX_WORD_LOG && (1L << log) * TARGET_LOAD < atoms) log++;
        return log;
    }

    /** Builds the index from atoms: {@code atoms[i]} (2..4 bytes) reports entry {@code owners[i]}. */
    public static AtomIndex build(byte[][] atoms, int[] owners, int entryCount) {
        return build(atoms, owners, entryCount, null);
    }

    /**
     * Like {@link #build(byte[][], int[], int)}, with per-entry context windows (4 longs per entry:
     * pre mask, pre value, post mask, post value; bytes in little-endian order, pre ending just before
     * the atom, post starting at it). An entry is reported only where its windows match.
     */
    public static AtomIndex build(byte[][] atoms, int[] owners, int entryCount, long[] windows) {
        if (windows != null && windows.length != 4L * entryCount) throw new IllegalArgumentException("windows length");
        int n4 = 0, n3 = 0, n2 = 0;
        for (byte[] a : atoms) {
            if (a.length == 4) n4++; else if (a.length == 3) n3++; else if (a.length == 2) n2++;
            else throw new IllegalArgumentException("atom length " + a.length);
        }
        int[] k4 = new int[n4], o4 = new int[n4], k3 = new int[n3], o3 = new int[n3], k2 = new int[n2], o2 = new int[n2];
        int i4 = 0, i3 = 0, i2 = 0;
        for (int i = 0; i < atoms.length; i++) {
            byte[] a = atoms[i];
            int k = 0;
            for (int j = a.length - 1; j >= 0; j--) k = (k << 8) | (a[j] & 0xFF);
            if (a.length == 4) { k4[i4] = k; o4[i4++] = owners[i]; }
            else if (a.length == 3) { k3[i3] = k; o3[i3++] = owners[i]; }
            else { k2[i2] = k; o2[i2++] = owners[i]; }
        }
        long[] bits2 = new long[1024];
        for (int k : k2) bits2[k >>> 6] |= 1L << k;
        int[] rank2 = new int[1024];
        for (int w = 1; w < 1024; w++) rank2[w] = rank2[w - 1] + Long.bitCount(bits2[w - 1]);
        int distinct = rank2[1023] + Long.bitCount(bits2[1023]);
        int[] start2 = new int[distinct + 1];
        for (int k : k2) start2[rank(bits2, rank2, k) + 1]++;
        for (int i = 0; i < distinct; i++) start2[i + 1] += start2[i];
        int[] entries2 = new int[n2], fill = Arrays.copyOf(start2, distinct);
        for (int i = 0; i < n2; i++) entries2[fill[rank(bits2, rank2, k2[i])]++] = o2[i];
        return new AtomIndex(AtomTable.build(k4, o4, 4, windows), AtomTable.build(k3, o3, 3, windows), bits2, rank2, start2, entries2, windows,
                entryCount, wordLog(atoms.length));
    }

    /**
     * This index plus {@code count} more entries, numbered from {@link #entryCount()} on: {@code atoms[i]}
     * reports entry {@code entryCount() + owners[i]}, with that entry's window at {@code windows[4 * owner]}
     * (null: no windows). How a second engine (YARA) joins the same pass over the data.
     */
    public AtomIndex plus(byte[][] atoms, int[] owners, int count, long[] windows) {
        if (windows != null && windows.length != 4L * count) throw new IllegalArgumentException("windows length");
        List<byte[]> all = new ArrayList<>();
        IntList own = new IntList();
        collect(entryCount, all, own);
        for (int i = 0; i < atoms.length; i++) {
            all.add(atoms[i]);
            own.add(entryCount + owners[i]);
        }
        long[] w = null;
        if (this.windows != null || windows != null) {
            w = new long[4 * (entryCount + count)];
            if (this.windows != null) System.arraycopy(this.windows, 0, w, 0, 4 * entryCount);
            if (windows != null) System.arraycopy(windows, 0, w, 4 * entryCount, 4 * count);
        }
        return build(all.toArray(new byte[0][]), own.toArray(), entryCount + count, w);
    }

    /** The index of entries {@code 0..n-1} only (undoes {@link #plus}; a snapshot stores this part). */
    public AtomIndex first(int n) {
        if (n < 0 || n > entryCount) throw new IllegalArgumentException("entry count " + n);
        if (n == entryCount) return this;
        List<byte[]> all = new ArrayList<>();
        IntList own = new IntList();
        collect(n, all, own);
        return build(all.toArray(new byte[0][]), own.toArray(), n, windows == null ? null : Arrays.copyOf(windows, 4 * n));
    }

    /** Every atom of an entry below {@code limit}, with its entry (order within a key kept). */
    private void collect(int limit, List<byte[]> atoms, IntList owners) {
        for (AtomTable t : new AtomTable[] {t4, t3}) {
            int len = t == t4 ? 4 : 3;
            for (int slot = 0; slot <= t.mask; slot++) {
                int s = slot * AtomTable.SLOT;
                if (t.slots[s + 2] == 0) continue;
                for (int e = t.slots[s + 1], end = e + AtomTable.count(t.slots[s + 2]); e < end; e++) {
                    if (t.owners[e] >= limit) continue;
                    byte[] a = new byte[len];
                    for (int j = 0; j < len; j++) a[j] = (byte) (t.slots[s] >>> (8 * j));
                    atoms.add(a);
                    owners.add(t.owners[e]);
                }
            }
        }
        for (int word = 0; word < 1024; word++) {
            for (long b = bits2[word]; b != 0; b &= b - 1) {
                int k = word << 6 | Long.numberOfTrailingZeros(b);
                int ri = rank(bits2, rank2, k);
                for (int e = start2[ri]; e < start2[ri + 1]; e++) {
                    if (entries2[e] >= limit) continue;
                    atoms.add(new byte[] {(byte) k, (byte) (k >>> 8)});
                    owners.add(entries2[e]);
                }
            }
        }
    }

    static int rank(long[] bits2, int[] rank2, int k) {
        return rank2[k >>> 6] + Long.bitCount(bits2[k >>> 6] & ((1L << k) - 1));
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
        if (!filtered) {
            int n = to - from;
            if (n <= UNFILTERED_MAX && unfilteredScanned <= UNFILTERED_TOTAL - n) {
                unfilteredScanned += Math.max(n, 0);
                scanUnfiltered(a, off, limit, from, to, hits);
                return;
            }
            buildFilters();
        }
        // main loop: a whole 4-byte word is readable at every position
        int fast = Math.max(from, Math.min(to, limit - 3)); // not below from: buffers of 0..2 bytes
        int pos = from;
        // the stride filter relies on both context windows, which are enforced from position 8 on and
        // while 8 bytes are left; so it covers [8, limit - 8) and the word filter the rest
        int sampleEnd = Math.min(fast, limit - 8);
        StrideFilter sf = stride;
        if (sf == null) {
            scanned += to - from; // from several threads: an estimate is enough
            if (scanned >= StrideFilter.BUILD_AFTER) sf = strideFilter();
        }
        if (sf != null && sf != StrideFilter.NONE && sampleEnd - Math.max(pos, 8) >= StrideFilter.MIN_SAMPLED) {
            pos = positions(a, off, limit, pos, Math.max(pos, 8), hits);
            if (pos == Integer.MAX_VALUE) return;
            pos = sampled(sf, a, off, limit, pos, sampleEnd, hits);
            if (pos == Integer.MAX_VALUE) return;
        }
        // the rest (all of it without a stride filter), in line as before the stride filter existed
        while ((pos = next(a, off, pos, fast)) < fast) {
            int k = (int) LE.INT.get(a, off + pos);
            int r = exact(a, off, limit, k, pos, hits);
            if (r >= 0) {
                if (r == Integer.MAX_VALUE) return;
                pos = Math.max(pos, r - 1);
            }
            pos++;
        }
        // tail: fewer than 4 bytes left, only 2- and 3-byte atoms can start here
        for (; pos < to && pos + 2 <= limit; pos++) {
            int k = (a[off + pos] & 0xFF) | (a[off + pos + 1] & 0xFF) << 8;
            int r = (bits2[k >>> 6] & (1L << k)) != 0 ? report2(a, off, limit, rank(bits2, rank2, k), pos, hits) : -1;
            if (r < 0 && pos + 3 <= limit) r = t3.report(this, a, off, limit, k | (a[off + pos + 2] & 0xFF) << 16, pos, hits, windows3);
            if (r >= 0) {
                if (r == Integer.MAX_VALUE) return;
                pos = Math.max(pos, r - 1);
            }
        }
    }

    /**
     * What {@link #scanArray} reports, without the derived filters: every position in [from, to) goes to the
     * exact tables in the same order as there (2-byte atoms, then 3-byte, then 4-byte; the tail's rule that an atom
     * must fit before the limit), and a resume position skips as there. The filters pass every position at which
     * an exact table holds an atom (whose windows are checked in both paths), so the hits are the same.
     */
    private void scanUnfiltered(byte[] a, int off, int limit, int from, int to, Hits hits) {
        for (int pos = from; pos < to && pos + 2 <= limit; pos++) {
            int k = (a[off + pos] & 0xFF) | (a[off + pos + 1] & 0xFF) << 8, r = -1;
            if ((bits2[k >>> 6] & (1L << k)) != 0) {
                int ri = rank(bits2, rank2, k);
                for (int e = start2[ri], end = start2[ri + 1]; e < end && r < 0; e++) r = reportScalar(a, off, limit, entries2[e], pos, hits);
            }
            if (r < 0 && pos + 3 <= limit) {
                k |= (a[off + pos + 2] & 0xFF) << 16;
                r = reportScalar(t3, a, off, limit, k, pos, hits);
                if (r < 0 && pos + 4 <= limit) r = reportScalar(t4, a, off, limit, k | (a[off + pos + 3] & 0xFF) << 24, pos, hits);
            }
            if (r >= 0) {
                if (r == Integer.MAX_VALUE) return;
                pos = Math.max(pos, r - 1);
            }
        }
    }

    /** {@link AtomTable#report} without its word-load pre-check (a subset of the window test below). */
    private int reportScalar(AtomTable t, byte[] a, int off, int limit, int key, int pos, Hits hits) {
        int s = t.find(key);
        if (s < 0) return -1;
        for (int e = t.slots[s + 1], end = e + AtomTable.count(t.slots[s + 2]); e < end; e++) {
            int r = reportScalar(a, off, limit, t.owners[e], pos, hits);
            if (r >= 0) return r;
        }
        return -1;
    }

    /** {@link #report} with the window test's words assembled from bytes (no VarHandle on the unfiltered path). */
    private int reportScalar(byte[] a, int off, int limit, int e, int pos, Hits hits) {
        if (windows != null) {
            int i = e << 2;
            if (pos + 8 <= limit && ((le64(a, off + pos) ^ windows[i + 3]) & windows[i + 2]) != 0) return -1;
            if (pos >= 8 && windows[i] != 0 && ((le64(a, off + pos - 8) ^ windows[i + 1]) & windows[i]) != 0) return -1;
        }
        return hits.hit(e, pos);
    }

    private static long le64(byte[] a, int i) {
        long x = 0;
        for (int b = 7; b >= 0; b--) x = x << 8 | (a[i + b] & 0xFF);
        return x;
    }

    /** Whether a scan has built the stride filter and uses it (for tests). */
    boolean strided() {
        StrideFilter sf = stride;
        return sf != null && sf != StrideFilter.NONE;
    }

    private StrideFilter strideFilter() {
        StrideFilter sf = stride;
        if (sf == null) {
            // two threads may both build it: the same filter, either one is kept
            stride = sf = StrideFilter.build(StrideFilter.wordLog(wordLog), t4, t3, bits2, start2, entries2, windows);
        }
        return sf;
    }

    /** The stride filter's table for this index, kept or not (diagnostics and tests). */
    StrideFilter measureStride() {
        return StrideFilter.measure(StrideFilter.wordLog(wordLog), t4, t3, bits2, start2, entries2, windows);
    }

    /**
     * Every position in [pos, end) through the word filter and the exact tables ({@code end} at most the last
     * position with a whole 4-byte word). Returns where to go on (end, or past it after a resume position),
     * or MAX_VALUE to stop.
     */
    private int positions(byte[] a, int off, int limit, int pos, int end, Hits hits) {
        while ((pos = next(a, off, pos, end)) < end) {
            int k = (int) LE.INT.get(a, off + pos);
            int r = exact(a, off, limit, k, pos, hits);
            if (r >= 0) {
                if (r == Integer.MAX_VALUE) return r;
                pos = Math.max(pos, r - 1);
            }
            pos++;
        }
        return pos;
    }

    /**
     * Positions [pos, end) through the stride filter: an atom at x passes one of the samples x - 1 .. x + 1
     * that lies on the grid (every second position from pos - 1), so a sample that fails clears its
     * neighbours and one that passes sends x = p - 1 .. p + 1 through {@link #positions}. Same return as that.
     */
    private int sampled(StrideFilter sf, byte[] a, int off, int limit, int pos, int end, Hits hits) {
        int p = pos - 1;
        while (pos < end) {
            p = sf.next(a, off, p, end + 1); // the sample at end still covers x = end - 1
            if (p > end) break;
            int lo = Math.max(pos, p - 1), hi = Math.min(end, p + 2);
            if (lo < hi) {
                pos = positions(a, off, limit, lo, hi, hits);
                if (pos == Integer.MAX_VALUE) return pos;
            }
            p = Math.max(p + 2, pos - 1);
        }
        return Math.max(pos, end);
    }

    /**
     * The first position in [pos, end) that passes the word filter, or end. Kept apart from the exact
     * lookups so the compiler keeps this loop tight (inlining the rare path into it halved throughput).
     */
    private int next(byte[] a, int off, int pos, int end) {
        final long[] w = words, third = AtomFilters.THIRD, fourth = AtomFilters.FOURTH;
        final int mask = wordMask;
        for (; pos < end; pos++) {
            int k = (int) LE.INT.get(a, off + pos);
            long m = third[(k >>> 16) & 0xFF] | fourth[k >>> 24];
            if ((w[k & mask] & m) == m) return pos;
        }
        return pos; // end, or beyond it when a resume position skipped past end
    }

    /** The exact tables for a position that passed the word filter: 2-byte atoms, then 3-byte, then 4-byte. */
    private int exact(byte[] a, int off, int limit, int k, int pos, Hits hits) {
        int k2 = k & 0xFFFF, r = -1;
        if ((bits2[k2 >>> 6] & (1L << k2)) != 0) {
            int ri = rank(bits2, rank2, k2);
            r = report2(a, off, limit, ri, pos, hits);
            long m = AtomFilters.THIRD[(k >>> 16) & 0xFF] | AtomFilters.FOURTH[k >>> 24];
            if (r >= 0 || (words34[(ri << (wordLog - 16)) + ((k & wordMask) >>> 16)] & m) != m) return r;
        }
        if (r < 0 && AtomFilters.maybe(filter3, shift3, k & 0xFFFFFF)) r = t3.report(this, a, off, limit, k & 0xFFFFFF, pos, hits, windows3);
        if (r < 0 && AtomFilters.maybe(filter4, shift4, k)) r = t4.report(this, a, off, limit, k, pos, hits, null);
        return r;
    }

    private int report2(byte[] a, int off, int limit, int ri, int pos, Hits hits) {
        int r = -1;
        long[] w = windows2;
        for (int e = start2[ri], end = start2[ri + 1]; e < end && r < 0; e++) {
            if (w != null && !windowOk(a, off, limit, pos, w, e << 2)) continue;
            r = hits.hit(entries2[e], pos);
        }
        return r;
    }

    /** Reports entry e at pos unless its context window rules it out. */
    int report(byte[] a, int off, int limit, int e, int pos, Hits hits) {
        if (windows != null && !windowOk(a, off, limit, pos, windows, e << 2)) return -1;
        return hits.hit(e, pos);
    }

    static boolean windowOk(byte[] a, int off, int limit, int pos, long[] w, int i) {
        if (pos + 8 <= limit && ((((long) LE.LONG.get(a, off + pos)) ^ w[i + 3]) & w[i + 2]) != 0) return false;
        return pos < 8 || w[i] == 0 || ((((long) LE.LONG.get(a, off + pos - 8)) ^ w[i + 1]) & w[i]) == 0;
    }

    // ---- serialization (database snapshots) -----------------------------------------------------

    /** Writes the table size and the exact tables; {@link #read} restores them and derives the filters. */
    public void write(FlatIO.Writer out) {
        out.i32(FORMAT);
        out.i32(entryCount);
        out.i32(wordLog);
        t4.write(out);
        t3.write(out);
        out.longs(bits2);
        out.ints(rank2);
        out.ints(start2);
        out.ints(entries2);
        out.bool(windows != null);
        if (windows != null) out.longs(windows);
    }

    /** Reads what {@link #write} wrote; structural inconsistencies raise IllegalArgumentException. */
    public static AtomIndex read(FlatIO.Reader in) {
        if (in.i32() != FORMAT) throw new IllegalArgumentException("atom index format mismatch");
        int entryCount = in.i32();
        int wordLog = in.i32();
        check(wordLog >= MIN_WORD_LOG && wordLog <= MAX_WORD_LOG, "word table size");
        AtomTable t4 = AtomTable.read(in, entryCount, 4), t3 = AtomTable.read(in, entryCount, 3);
        long[] bits2 = in.longs();
        int[] rank2 = in.ints(), start2 = in.ints(), entries2 = in.ints();
        long[] windows = in.bool() ? in.longs() : null;
        check(bits2.length == 1024 && rank2.length == 1024, "2-byte map size");
        int distinct = rank2[1023] + Long.bitCount(bits2[1023]);
        for (int w = 1; w < 1024; w++) check(rank2[w] == rank2[w - 1] + Long.bitCount(bits2[w - 1]), "2-byte ranks");
        check(rank2[0] == 0 && start2.length == distinct + 1 && start2[0] == 0 && start2[distinct] == entries2.length, "2-byte starts");
        check(ascending(start2, distinct), "2-byte starts");
        check(inRange(entries2, entryCount), "2-byte entries");
        check(windows == null || windows.length == 4L * entryCount, "windows");
        return new AtomIndex(t4, t3, bits2, rank2, start2, entries2, windows, entryCount, wordLog);
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new IllegalArgumentException("inconsistent atom index: " + what);
    }

    /*
     * The table checks of a snapshot's open gather their bounds into one value and test it once: a call
     * per element costs a one-file scan (interpreted) milliseconds.
     */

    /** Whether every value of {@code a} lies in [0, bound). */
    static boolean inRange(int[] a, int bound) {
        if (bound <= 0) return a.length == 0;
        int bad = 0;
        for (int v : a) bad |= v | (bound - 1 - v); // negative iff v < 0 or v >= bound
        return bad >= 0;
    }

    /** Whether {@code a[0..n]} is non-negative and never decreases. */
    static boolean ascending(int[] a, int n) {
        int bad = 0;
        // negative iff a value is negative or smaller than the one before (two non-negatives: no overflow)
        for (int i = 0; i < n; i++) bad |= a[i] | a[i + 1] | (a[i + 1] - a[i]);
        return bad >= 0;
    }
}
