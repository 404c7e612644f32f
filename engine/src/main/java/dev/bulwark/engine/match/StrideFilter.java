package dev.bulwark.engine.match;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A first stage that probes every second position: a word table of the same shape as the index's (2-byte
 * prefix and low bits of the third byte select a word; Bloom bits of the third and fourth bytes, from
 * {@link AtomFilters#THIRD} and {@link AtomFilters#FOURTH}), filled so that each atom occurrence at x passes
 * the sample at x - 1 or x, or at x or x + 1, whichever of the two the grid holds. A passing sample p sends only
 * the positions p - 1 .. p + 1 through the per-position word filter and the exact tables, so the reports
 * are exactly the per-position scan's. Each entry is entered at two neighbouring offsets d and d + 1 (d is
 * -1 or 0, whichever needs fewer words); the bytes an offset sees are the atom's and the ones its context
 * windows pin (so a pass relies on windows: the samples run only where both windows are enforced). A byte
 * not pinned costs 256 words in the index or all Bloom bits of its half, which is cheap only while such
 * entries are few: the filter is kept only if a random sample passes rarely ({@link #MAX_PASS}). A handful of
 * short atoms (the built-in {@code MZ}, a 4-byte atom at a part's end) is absorbed that way; thousands (a set
 * whose anchors sit in runs of 2-4 fixed bytes) fill the table, so {@link AnchorPlanner} prefers anchors inside
 * runs of at least five, and {@link BodyPattern#lazy} keeps parts without such runs out of the index where a
 * neighbour has them. Entries that still cost 256 words or more ("wide": runs of 2-3 bytes, {@code MZ}) are
 * counted first, and a set with so many that they would fill the table gets no filter (a side path that tested
 * their 2-byte keys at both positions of each sample ran slower than the per-position scan on the corpus).
 */
final class StrideFilter {
    /** (startup13) In a holder, created on first use: loading a text database initialises this class without scanning. */
    private static final class LE {
        static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    }
    /** No stride filter: the index scans every position. */
    static final StrideFilter NONE = new StrideFilter(null, 0, 1, 0);
    /**
     * Largest estimated share of random samples that pass: each pass costs about nine probes (three
     * positions through the word filter, a mispredicted branch), a sample saves one probe.
     */
    private static final double MAX_PASS = 1.0 / 64;
    /**
     * Positions an index scans before it builds the filter: building costs a cold JVM about 2 ms (measured on
     * a one-file scan with the small database), which sampling saves back over a few MB; so a one-file scan of a
     * small file never pays for it, and a scan of many files builds it early on.
     */
    static final int BUILD_AFTER = 4 << 20;
    /** Fewest positions of a scan worth sampling once the filter exists (below, the setup outweighs the saving). */
    static final int MIN_SAMPLED = 64;

    final long[] words;
    final int mask;
    /** Estimated share of random samples that pass (diagnostics). */
    final double pass;
    /** Entries that needed more than one word at one of their offsets (fewer than five fixed bytes in a row). */
    final int loose;

    /** Cost ({@link #cost}, words weighted by Bloom halves) from which an entry is wide. */
    static final int WIDE_COST = 256;

    private StrideFilter(long[] words, int mask, double pass, int loose) {
        this.words = words;
        this.mask = mask;
        this.pass = pass;
        this.loose = loose;
    }

    /**
     * Table size (log2 of its words) for an index of {@code indexLog}: the same. Twice or four times the words
     * lower the estimated pass rate at 200k gen_sigs patterns from 4.5% to 0.95% and 0.33%, but the 2 and 4 MiB
     * tables miss the L2 cache: KernelAB measured no gain (2 MiB) and half the throughput (4 MiB).
     */
    static int wordLog(int indexLog) {
        return indexLog;
    }

    /** The table's words and the estimated pass rate, whether or not it is kept (diagnostics, tests). */
    static StrideFilter measure(int wordLog, AtomTable t4, AtomTable t3, long[] bits2, int[] start2, int[] entries2,
                                long[] windows) {
        long[] w = new long[1 << wordLog];
        int[] fixed = new int[16], value = new int[16]; // offsets -8 .. 7 at [0, 16)
        int loose = 0;
        for (AtomTable t : new AtomTable[] {t4, t3}) {
            for (int slot = 0; slot <= t.mask; slot++) {
                int s = slot * AtomTable.SLOT;
                if (t.slots[s + 2] == 0) continue;
                for (int e = t.slots[s + 1], end = e + AtomTable.count(t.slots[s + 2]); e < end; e++) {
                    loose += enter(w, wordLog, t.slots[s], t.len, t.owners[e], windows, fixed, value);
                }
            }
        }
        for (int word = 0, ri = 0; word < 1024; word++) {
            for (long b = bits2[word]; b != 0; b &= b - 1, ri++) {
                int k = word << 6 | Long.numberOfTrailingZeros(b);
                for (int e = start2[ri]; e < start2[ri + 1]; e++) loose += enter(w, wordLog, k, 2, entries2[e], windows, fixed, value);
            }
        }
        return new StrideFilter(w, w.length - 1, passRate(w, wordLog), loose);
    }

    /**
     * The filter for these tables, or {@link #NONE}: kept if a random sample passes rarely enough. A census of
     * the wide entries first rules out sets they would fill (gen_sigs 200k: 668 wide entries of 256+ words each in
     * a 65,536-word table) without building a table. {@code windows}: 4 longs per entry as in
     * {@link AtomIndex#build(byte[][], int[], int, long[])}, or null.
     */
    static StrideFilter build(int wordLog, AtomTable t4, AtomTable t3, long[] bits2, int[] start2, int[] entries2,
                              long[] windows) {
        if ((long) census(wordLog, t4, t3, bits2, start2, entries2, windows) * WIDE_COST > 1L << wordLog) return NONE;
        StrideFilter f = measure(wordLog, t4, t3, bits2, start2, entries2, windows);
        return f.pass <= MAX_PASS ? f : NONE;
    }

    /** Counts the entries that cost {@link #WIDE_COST} or more. */
    private static int census(int wordLog, AtomTable t4, AtomTable t3, long[] bits2, int[] start2, int[] entries2,
                              long[] windows) {
        int[] fixed = new int[16], value = new int[16];
        int spans = 1 << (wordLog - 16), wides = 0;
        for (AtomTable t : new AtomTable[] {t4, t3}) {
            for (int slot = 0; slot <= t.mask; slot++) {
                int s = slot * AtomTable.SLOT;
                if (t.slots[s + 2] == 0) continue;
                for (int e = t.slots[s + 1], end = e + AtomTable.count(t.slots[s + 2]); e < end; e++) {
                    if (pin(t.slots[s], t.len, t.owners[e], windows, fixed, value, spans) >= WIDE_COST) wides++;
                }
            }
        }
        for (int word = 0, ri = 0; word < 1024; word++) {
            for (long b = bits2[word]; b != 0; b &= b - 1, ri++) {
                int k = word << 6 | Long.numberOfTrailingZeros(b);
                for (int e = start2[ri]; e < start2[ri + 1]; e++) {
                    if (pin(k, 2, entries2[e], windows, fixed, value, spans) >= WIDE_COST) wides++;
                }
            }
        }
        return wides;
    }

    /**
     * Fills {@code fixed}/{@code value} (offsets -8..7) with an entry's atom and pinned window bytes; returns its
     * cost at the cheaper pair of offsets.
     */
    private static int pin(int key, int len, int entry, long[] windows, int[] fixed, int[] value, int spans) {
        Arrays.fill(fixed, 0);
        if (windows != null) {
            long pm = windows[entry << 2], pv = windows[(entry << 2) + 1];
            long qm = windows[(entry << 2) + 2], qv = windows[(entry << 2) + 3];
            for (int j = 0; j < 8; j++) {
                // pre window byte j lies at offset j - 8, post window byte j at offset j
                if (((pm >>> (8 * j)) & 0xFF) == 0xFF) { fixed[j] = 1; value[j] = (int) (pv >>> (8 * j)) & 0xFF; }
                if (((qm >>> (8 * j)) & 0xFF) == 0xFF) { fixed[8 + j] = 1; value[8 + j] = (int) (qv >>> (8 * j)) & 0xFF; }
            }
        }
        for (int j = 0; j < len; j++) { fixed[8 + j] = 1; value[8 + j] = (key >>> (8 * j)) & 0xFF; }
        return Math.min(cost(fixed, -1, spans) + cost(fixed, 0, spans), cost(fixed, 0, spans) + cost(fixed, 1, spans));
    }

    /**
     * Enters atom {@code key} ({@code len} bytes, little-endian) of {@code entry} at its cheaper pair of offsets;
     * returns 1 if it needed more than one word at either (fewer than five fixed bytes in a row), else 0.
     */
    private static int enter(long[] w, int wordLog, int key, int len, int entry, long[] windows, int[] fixed, int[] value) {
        int spans = 1 << (wordLog - 16);
        int c = pin(key, len, entry, windows, fixed, value, spans);
        int d = cost(fixed, -1, spans) + cost(fixed, 0, spans) < cost(fixed, 0, spans) + cost(fixed, 1, spans) ? -1 : 0;
        insert(w, wordLog, fixed, value, d);
        insert(w, wordLog, fixed, value, d + 1);
        return c > 2 ? 1 : 0;
    }

    /**
     * Words (weighted by the Bloom halves they fill) an entry costs at its cheaper pair of offsets, for the
     * exact bytes at offsets -8..7 from its atom's start given as bits 0..15 of {@code pinned}, in a table whose
     * third byte selects {@code spans} words. 2 is the least (one word at each offset). For the planner.
     */
    static int entryCost(int pinned, int spans) {
        return Math.min(cost(pinned, -1, spans) + cost(pinned, 0, spans), cost(pinned, 0, spans) + cost(pinned, 1, spans));
    }

    /** {@link #cost(int[], int, int)} for fixed bytes given as bits (offset -8 at bit 0). */
    private static int cost(int pinned, int o, int spans) {
        int f = pinned >>> (8 + o);
        int words = ((f & 1) != 0 ? 1 : 256) * ((f & 2) != 0 ? 1 : 256) * ((f & 4) != 0 ? 1 : spans);
        return words * ((f & 4) != 0 ? 1 : 16) * ((f & 8) != 0 ? 1 : 16);
    }

    /** Words an entry at offset {@code o} touches, weighted by the Bloom halves it fills. */
    private static int cost(int[] fixed, int o, int spans) {
        int words = (fixed[8 + o] == 1 ? 1 : 256) * (fixed[9 + o] == 1 ? 1 : 256) * (fixed[10 + o] == 1 ? 1 : spans);
        return words * (fixed[10 + o] == 1 ? 1 : 16) * (fixed[11 + o] == 1 ? 1 : 16);
    }

    /** Sets the bits a sample at offset {@code o} from the atom's start needs. */
    private static void insert(long[] w, int wordLog, int[] fixed, int[] value, int o) {
        int spans = 1 << (wordLog - 16);
        long bits = (fixed[10 + o] == 1 ? AtomFilters.THIRD[value[10 + o]] : AtomFilters.THIRD_ALL)
                | (fixed[11 + o] == 1 ? AtomFilters.FOURTH[value[11 + o]] : AtomFilters.FOURTH_ALL);
        int b0 = fixed[8 + o] == 1 ? value[8 + o] : 0, n0 = fixed[8 + o] == 1 ? 1 : 256;
        int b1 = fixed[9 + o] == 1 ? value[9 + o] : 0, n1 = fixed[9 + o] == 1 ? 1 : 256;
        int c0 = fixed[10 + o] == 1 ? value[10 + o] & (spans - 1) : 0, nc = fixed[10 + o] == 1 ? 1 : spans;
        for (int i = 0; i < n0; i++) {
            for (int j = 0; j < n1; j++) {
                for (int c = 0; c < nc; c++) w[(b0 + i) | (b1 + j) << 8 | (c0 + c) << 16] |= bits;
            }
        }
    }

    /**
     * Estimated share of random samples that pass: per word, the chance that the four bits of a random third
     * byte ({@code AtomFilters.BITS_PER_BYTE}) are all set in its high half, times the same for the fourth byte
     * in its low half.
     */
    private static double passRate(long[] w, int wordLog) {
        double sum = 0;
        for (long x : w) {
            if (x == 0) continue;
            double hi = Long.bitCount(x >>> 32) / 32.0, lo = Long.bitCount(x & 0xFFFFFFFFL) / 32.0;
            sum += hi * hi * hi * hi * lo * lo * lo * lo;
        }
        return sum / w.length;
    }

    /** The first sample p, p + 2, ... below {@code end} that passes, or a position at or past end. */
    int next(byte[] a, int off, int p, int end) {
        final long[] w = words, third = AtomFilters.THIRD, fourth = AtomFilters.FOURTH;
        final int m = mask;
        for (; p < end; p += 2) {
            int k = (int) LE.INT.get(a, off + p);
            long bits = third[(k >>> 16) & 0xFF] | fourth[k >>> 24];
            if ((w[k & m] & bits) == bits) return p;
        }
        return p;
    }
}
