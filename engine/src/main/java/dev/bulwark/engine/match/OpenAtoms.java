package dev.bulwark.engine.match;

import java.util.Arrays;

/**
 * The 2-byte anchors of the {@link BodyPattern#OPEN_NEXT} parts of a set (weak first parts before an
 * unbounded gap), which the atom index leaves out: a presence bit per 2-byte value and the entries per
 * value in CSR order. {@link PatternRun} scans with it, once per pass and only as far as an occurrence
 * of a following part needs, so those parts cost nothing on data where their next part never occurs.
 */
final class OpenAtoms {
    /** 2^16-bit presence map, with per-word rank prefix sums. */
    private final long[] bits;
    private final int[] rank, start, entries;

    private OpenAtoms(long[] bits, int[] rank, int[] start, int[] entries) {
        this.bits = bits;
        this.rank = rank;
        this.start = start;
        this.entries = entries;
    }

    /** {@code keys[i]} (byte 0 | byte 1 << 8) reports entry {@code owners[i]}; order within a key kept. */
    static OpenAtoms build(int[] keys, int[] owners) {
        long[] bits = new long[1024];
        for (int k : keys) bits[k >>> 6] |= 1L << k;
        int[] rank = new int[1024];
        for (int w = 1; w < 1024; w++) rank[w] = rank[w - 1] + Long.bitCount(bits[w - 1]);
        int distinct = rank[1023] + Long.bitCount(bits[1023]);
        int[] start = new int[distinct + 1];
        for (int k : keys) start[rank(bits, rank, k) + 1]++;
        for (int i = 0; i < distinct; i++) start[i + 1] += start[i];
        int[] entries = new int[keys.length], fill = Arrays.copyOf(start, distinct);
        for (int i = 0; i < keys.length; i++) entries[fill[rank(bits, rank, keys[i])]++] = owners[i];
        return new OpenAtoms(bits, rank, start, entries);
    }

    private static int rank(long[] bits, int[] rank, int k) {
        return rank[k >>> 6] + Long.bitCount(bits[k >>> 6] & ((1L << k) - 1));
    }

    /** Whether some entry has the 2-byte key k. */
    boolean has(int k) { return (bits[k >>> 6] & (1L << k)) != 0; }

    /** First CSR index of key k's entries (k must be present). */
    int first(int k) { return start[rank(bits, rank, k)]; }

    /** End (exclusive) of key k's entries (k must be present). */
    int end(int k) { return start[rank(bits, rank, k) + 1]; }

    int entry(int i) { return entries[i]; }

    void write(FlatIO.Writer out) {
        out.longs(bits);
        out.ints(start);
        out.ints(entries);
    }

    /** Reads what {@link #write} wrote, for a set of entryCount entries; inconsistencies raise IllegalArgumentException. */
    static OpenAtoms read(FlatIO.Reader in, int entryCount) {
        long[] bits = in.longs();
        int[] start = in.ints(), entries = in.ints();
        AtomIndex.check(bits.length == 1024, "open atom map size");
        int[] rank = new int[1024];
        for (int w = 1; w < 1024; w++) rank[w] = rank[w - 1] + Long.bitCount(bits[w - 1]);
        int distinct = rank[1023] + Long.bitCount(bits[1023]);
        AtomIndex.check(start.length == distinct + 1 && start[0] == 0 && start[distinct] == entries.length, "open atom starts");
        AtomIndex.check(AtomIndex.ascending(start, distinct), "open atom starts");
        AtomIndex.check(AtomIndex.inRange(entries, entryCount), "open atom entries");
        return new OpenAtoms(bits, rank, start, entries);
    }
}
