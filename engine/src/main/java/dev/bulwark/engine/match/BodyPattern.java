package dev.bulwark.engine.match;

/**
 * A compiled body pattern: parts separated by gaps, each part a short element sequence with one
 * literal anchor that the automaton looks for. Immutable.
 */
public final class BodyPattern {
    /** Assertion flags for the byte before the first / after the last part. */
    public static final int A_NONE = 0, A_BOUNDARY = 1, A_LINE = 2, A_WORD = 4, A_NEGATE = 8;

    final Elem[][] parts;
    /** gapMin[i], gapMax[i]: distance from the end of part i-1 to the start of part i; gapMax -1 = unbounded. */
    final int[] gapMin, gapMax;
    final int leftAssert, rightAssert;
    /** Per part: element index where the anchor atom starts, its length, and its byte variants. */
    final int[] anchorElem, anchorLen;
    final byte[][][] anchorVariants;
    /**
     * How each part is found: {@link #INDEXED} through the atom index, or, for a part whose anchor is a
     * 2-byte atom followed by two unfixed bytes (the word filter can test nothing after it, so on random
     * data it passes every position with that prefix), or one without five exact bytes in a row (the stride
     * filter cannot enter it in one word; see {@link #level}), by searching a bounded window next to an occurrence
     * of an indexed neighbour: {@link #FROM_NEXT} before part j+1, {@link #FROM_PREV} after part j-1.
     * Where the gap to that neighbour is unbounded (or wider than {@link #MAX_LAZY_WINDOW}), the part is
     * searched by a per-pass scanner instead, which costs one lookup per position at most however many
     * such parts are due: {@link #OPEN_PREV} for a part after an indexed part j-1 (from the first
     * occurrence of part j-1 on to the end of the pass), {@link #OPEN_NEXT} for a first part before an
     * indexed part 1 (the positions before an occurrence of part 1, once for all such first parts).
     */
    final byte[] lazy;
    static final byte INDEXED = 0, FROM_NEXT = 1, FROM_PREV = 2, OPEN_PREV = 3, OPEN_NEXT = 4;
    /**
     * Widest range of anchor positions searched for a lazy part per neighbour occurrence: only parts
     * joined to their neighbour by a bounded gap qualify, so the search per occurrence stays small.
     */
    static final int MAX_LAZY_WINDOW = 256;
    /**
     * The pattern's {@link PatternCodec#write} encoding when its parser made it along the way ({@link FlatHexParser}),
     * else null: set once before the pattern is handed out, and read only by {@link PatternStore#add}.
     */
    byte[] encoded;

    BodyPattern(Elem[][] parts, int[] gapMin, int[] gapMax, int leftAssert, int rightAssert,
                int[] anchorElem, int[] anchorLen, byte[][][] anchorVariants) {
        this(parts, gapMin, gapMax, leftAssert, rightAssert, anchorElem, anchorLen, anchorVariants, null);
    }

    /**
     * With each part's {@link AnchorPlanner#cells} when the caller has them (the lazy parts are then worked out
     * on them instead of through the element types), or {@link #UNPLANNED}: no lazy parts at all, for a pattern
     * read back by the set's builder only to be planned ({@link AnchorPlanner#plan} makes the pattern it uses).
     */
    BodyPattern(Elem[][] parts, int[] gapMin, int[] gapMax, int leftAssert, int rightAssert,
                int[] anchorElem, int[] anchorLen, byte[][][] anchorVariants, int[][] cells) {
        this.parts = parts;
        this.gapMin = gapMin;
        this.gapMax = gapMax;
        this.leftAssert = leftAssert;
        this.rightAssert = rightAssert;
        this.anchorElem = anchorElem;
        this.anchorLen = anchorLen;
        this.anchorVariants = anchorVariants;
        if (cells == UNPLANNED) {
            this.lazy = null;
        } else if (parts.length < 2) {
            this.lazy = new byte[parts.length]; // one part: always indexed
        } else {
            if (cells == null) {
                cells = new int[parts.length][];
                for (int j = 0; j < parts.length; j++) cells[j] = AnchorPlanner.cells(parts[j]);
            }
            this.lazy = lazyParts(parts, cells, anchorElem, anchorLen, gapMin, gapMax);
        }
    }

    /** The cells argument for a pattern without lazy parts (see the constructor); never handed out. */
    static final int[][] UNPLANNED = new int[0][];

    /** A part whose anchor the word filter cannot narrow: 2 bytes, and neither of the next two fixed. */
    private static boolean weak(int[] cells, int a, int len) {
        if (len != 2) return false;
        for (int k = a + 2; k < a + 4; k++) if (k < cells.length && (cells[k] & AnchorPlanner.C_EXACT) != 0) return false;
        return true;
    }

    /** {@link #level} of a weak part; and the least doublings of the stride filter's cost that make a part wide. */
    private static final int WEAK = 3, WIDE_DOUBLINGS = 7;

    /**
     * How poorly part j's anchor filters: {@link #WEAK} for {@link #weak}; for the others, what it costs the
     * stride filter ({@link AnchorPlanner#strideDoublings}): 0 for five exact bytes in a row from the anchor's
     * start or the byte before (one word per offset), 1 for a few words or a Bloom half (a 4-byte run at a
     * part's end), 2 for 256 words or more (runs of 2 or 3 bytes). A part is searched next to an indexed
     * neighbour when the neighbour's level is lower, or equal and short ({@link #lazier}); every pattern keeps
     * an indexed part.
     */
    private static int level(int[] cells, int a, int len) {
        if (weak(cells, a, len)) return WEAK;
        int d = AnchorPlanner.strideDoublings(cells, a);
        return d == 0 ? 0 : d < WIDE_DOUBLINGS ? 1 : 2;
    }

    /**
     * Each part's {@link #lazy} kind, from the parts' {@link AnchorPlanner#cells}, anchors and gaps; {@code parts}
     * null when every element of every part is one byte (a literal or a class: no spread within a part).
     */
    static byte[] lazyParts(Elem[][] parts, int[][] cells, int[] anchorElem, int[] anchorLen, int[] gapMin, int[] gapMax) {
        int n = cells.length;
        byte[] k = new byte[n];
        int[] level = new int[n];
        for (int j = 0; j < n; j++) level[j] = level(cells[j], anchorElem[j], anchorLen[j]);
        // a lazy part's neighbour is always indexed, so every pattern keeps an indexed part: a part that a lazy
        // part before it relies on stays indexed (a weak part never is relied on: its level is the highest)
        for (int j = 0; j + 1 < n; j++) {
            if (!lazier(level[j], level[j + 1]) || (j > 0 && k[j - 1] != INDEXED)) continue;
            if (lazyWindow(parts, anchorElem, j, gapMin[j + 1], gapMax[j + 1], false) <= MAX_LAZY_WINDOW) k[j] = FROM_NEXT;
            else if (j == 0 && level[j] == WEAK) k[j] = OPEN_NEXT; // a later part would need its own chain searched late
        }
        for (int j = 1; j < n; j++) {
            if (k[j] == INDEXED && (level[j] == WEAK || lazier(level[j], level[j - 1])) && k[j - 1] == INDEXED && (j + 1 == n || k[j + 1] == INDEXED)) {
                if (lazyWindow(parts, anchorElem, j, gapMin[j], gapMax[j], true) <= MAX_LAZY_WINDOW) k[j] = FROM_PREV;
                else if (level[j] == WEAK) k[j] = OPEN_PREV;
            }
        }
        return k;
    }

    /**
     * Whether a part of level {@code a} is searched next to an indexed neighbour of level {@code b}: when the
     * neighbour filters better, or when both are short (level 1; the neighbour alone stays in the index).
     */
    private static boolean lazier(int a, int b) {
        return a > b || (a == b && a > 0 && a < WEAK);
    }

    /** Anchor positions of part j per neighbour occurrence, for a gap [gmin, gmax] to it; MAX_VALUE if unbounded. */
    private static int lazyWindow(Elem[][] parts, int[] anchorElem, int j, int gmin, int gmax, boolean fromPrev) {
        if (gmax < 0) return Integer.MAX_VALUE;
        if (parts == null) return (int) Math.min(Integer.MAX_VALUE, (long) gmax - gmin + 1); // one-byte elements
        Elem[] part = parts[j];
        int a = anchorElem[j];
        long spread = fromPrev ? Verifier.maxLen(part, 0, a) - Verifier.minLen(part, 0, a)
                : Verifier.maxLen(part, a, part.length) - Verifier.minLen(part, a, part.length);
        return (int) Math.min(Integer.MAX_VALUE, (long) gmax - gmin + spread + 1);
    }

    public int partCount() { return parts.length; }

    /** Shortest number of bytes a match can span (used for EOF checks and tiny layers). */
    public int minLength() {
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            n += Verifier.minLen(parts[i]);
            if (i > 0) n += gapMin[i];
        }
        return n;
    }
}
