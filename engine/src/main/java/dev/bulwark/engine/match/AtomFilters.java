package dev.bulwark.engine.match;

/**
 * The filters an {@link AtomIndex} derives from its exact tables (at build and when a snapshot is read):
 * the word table that every position probes (per 2-byte prefix and low bits of the third byte, Bloom bits
 * of the third and fourth bytes of its atoms, looked up in {@link #THIRD} and {@link #FOURTH}), and the
 * blocked Bloom filters in front of the 3- and 4-byte exact tables. None of this is stored in a snapshot.
 */
final class AtomFilters {
    /** Bits of a word that the third byte of a key selects (two of the high 32), and the fourth (two of the low 32). */
    static final long THIRD_ALL = 0xFFFFFFFF00000000L, FOURTH_ALL = 0x00000000FFFFFFFFL;
    /**
     * Bits per byte value in its 32-bit half. Four rather than two: with about four atoms per word a
     * random position passes a word of 4-byte atoms half as often (about 1 in 1,100 instead of 1 in 400;
     * measured on gen_sigs at 200k patterns: 4.1 instead of 5.2 passes per KB, at 1M 22.6 instead of 26.1).
     */
    private static final int BITS_PER_BYTE = 4;
    static final long[] THIRD = byteMasks(0x51ED27A3L, 32), FOURTH = byteMasks(0x2545F491L, 0);
    /**
     * Second-level filter bits per exact-table key: a blocked Bloom filter (three bits in one word) in
     * front of each exact table, so a position that passes the word table (a few percent) rarely costs a
     * miss in the large exact table. 8 bits per key give about 2% false passes.
     */
    private static final int BITS_PER_KEY = 8;
    private static final int MIN_FILTER_LOG = 12, MAX_FILTER_LOG = 26; // 512 bytes .. 8 MiB
    private static final long MIX = 0x9E3779B97F4A7C15L;

    private AtomFilters() {}

    /** The blocked Bloom filter in front of an exact table ({@link #BITS_PER_KEY} bits per key). */
    static long[] filter(AtomTable t) {
        int log = MIN_FILTER_LOG;
        while (log < MAX_FILTER_LOG && (1L << log) < (long) t.size * BITS_PER_KEY) log++;
        long[] f = new long[1 << (log - 6)];
        int shift = shiftOf(f);
        for (int slot = 0; slot <= t.mask; slot++) {
            if (t.slots[slot * AtomTable.SLOT + 2] == 0) continue;
            long h = (t.slots[slot * AtomTable.SLOT] & 0xFFFFFFFFL) * MIX;
            f[(int) (h >>> shift)] |= bits(h, shift);
        }
        return f;
    }

    static int shiftOf(long[] filter) {
        return 64 - Integer.numberOfTrailingZeros(filter.length);
    }

    /** The three filter bits of a hashed key, taken from the bits just below the word index. */
    private static long bits(long h, int shift) {
        return (1L << (h >>> (shift - 6))) | (1L << (h >>> (shift - 12))) | (1L << (h >>> (shift - 18)));
    }

    static boolean maybe(long[] f, int shift, int key) {
        long h = (key & 0xFFFFFFFFL) * MIX;
        long m = bits(h, shift);
        return (f[(int) (h >>> shift)] & m) == m;
    }

    /** {@link #BITS_PER_BYTE} distinct bits in [base, base + 32) per byte value, from a fixed seed (deterministic). */
    private static long[] byteMasks(long seed, int base) {
        long[] m = new long[256];
        long x = seed;
        for (int b = 0; b < 256; b++) {
            long bits = 0;
            while (Long.bitCount(bits) < BITS_PER_BYTE) {
                x = x * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
                bits |= 1L << (base + (int) (x >>> 59));
            }
            m[b] = bits;
        }
        return m;
    }

    /**
     * The word table, from the exact tables and the entries' windows; fills {@code words34} (per 2-byte
     * prefix rank and span, the word without the 2-byte atoms) on the way.
     */
    static long[] words(int wordLog, AtomTable t4, AtomTable t3, long[] bits2, int[] rank2, int[] start2, int[] entries2,
                        long[] windows, long[] words34) {
        long[] w = new long[1 << wordLog];
        int mask = w.length - 1;
        for (int slot = 0; slot <= t4.mask; slot++) {
            if (t4.slots[slot * AtomTable.SLOT + 2] == 0) continue;
            int k = t4.slots[slot * AtomTable.SLOT];
            w[k & mask] |= THIRD[(k >>> 16) & 0xFF] | FOURTH[k >>> 24];
        }
        for (int slot = 0; slot <= t3.mask; slot++) {
            int s = slot * AtomTable.SLOT;
            if (t3.slots[s + 2] == 0) continue;
            int k = t3.slots[s];
            long fourth = 0;
            for (int e = t3.slots[s + 1], end = e + AtomTable.count(t3.slots[s + 2]); e < end; e++) fourth |= pinned(windows, t3.owners[e], 3, FOURTH, FOURTH_ALL);
            w[k & mask] |= THIRD[(k >>> 16) & 0xFF] | fourth;
        }
        int spans = 1 << (wordLog - 16); // words a 2-byte prefix spans
        for (int word = 0; word < 1024; word++) {
            for (long b = bits2[word]; b != 0; b &= b - 1) {
                int k = word << 6 | Long.numberOfTrailingZeros(b);
                int ri = AtomIndex.rank(bits2, rank2, k);
                for (int c = 0; c < spans; c++) words34[ri * spans + c] = w[k | c << 16];
                for (int e = start2[ri]; e < start2[ri + 1]; e++) {
                    int entry = entries2[e];
                    long fourth = pinned(windows, entry, 3, FOURTH, FOURTH_ALL);
                    int third = pinnedByte(windows, entry, 2);
                    if (third >= 0) {
                        w[(k | third << 16) & mask] |= THIRD[third] | fourth;
                    } else {
                        for (int c = 0; c < spans; c++) w[k | c << 16] |= THIRD_ALL | fourth;
                    }
                }
            }
        }
        return w;
    }

    /** Bits for byte {@code at} after an entry's atom start: its own if the window fixes it exactly, else all. */
    private static long pinned(long[] windows, int entry, int at, long[] masks, long all) {
        int b = pinnedByte(windows, entry, at);
        return b < 0 ? all : masks[b];
    }

    /** Byte {@code at} after an entry's atom start if its window fixes it exactly, else -1. */
    private static int pinnedByte(long[] windows, int entry, int at) {
        if (windows == null) return -1;
        long m = windows[(entry << 2) + 2], v = windows[(entry << 2) + 3];
        return ((m >>> (8 * at)) & 0xFF) == 0xFF ? (int) (v >>> (8 * at)) & 0xFF : -1;
    }
}
