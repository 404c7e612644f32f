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
     * data it passes every position with that prefix), by searching a bounded window next to an occurrence
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

    BodyPattern(Elem[][] parts, int[] gapMin, int[] gapMax, int leftAssert, int rightAssert,
                int[] anchorElem, int[] anchorLen, byte[][][] anchorVariants) {
        this.parts = parts;
        this.gapMin = gapMin;
        this.gapMax = gapMax;
        this.leftAssert = leftAssert;
        this.rightAssert = rightAssert;
        this.anchorElem = anchorElem;
        this.anchorLen = anchorLen;
        this.anchorVariants = anchorVariants;
        this.lazy = lazyParts();
    }

    /** A part whose anchor the word filter cannot narrow: 2 bytes, and neither of the next two fixed. */
    private boolean weak(int j) {
        if (anchorLen[j] != 2) return false;
        Elem[] part = parts[j];
        int a = anchorElem[j];
        for (int k = a + 2; k < a + 4; k++) if (k < part.length && part[k] instanceof Elem.Lit l && l.exact()) return false;
        return true;
    }

    private byte[] lazyParts() {
        int n = parts.length;
        byte[] k = new byte[n];
        // a lazy part's neighbour is always indexed, so every pattern keeps an indexed part
        for (int j = 0; j + 1 < n; j++) {
            if (!weak(j) || weak(j + 1)) continue;
            if (lazyWindow(j, gapMin[j + 1], gapMax[j + 1], false) <= MAX_LAZY_WINDOW) k[j] = FROM_NEXT;
            else if (j == 0) k[j] = OPEN_NEXT; // a later part would need its own chain searched late
        }
        for (int j = 1; j < n; j++) {
            if (k[j] == INDEXED && weak(j) && k[j - 1] == INDEXED && (j + 1 == n || k[j + 1] == INDEXED)) {
                k[j] = lazyWindow(j, gapMin[j], gapMax[j], true) <= MAX_LAZY_WINDOW ? FROM_PREV : OPEN_PREV;
            }
        }
        return k;
    }

    /** Anchor positions of part j per neighbour occurrence, for a gap [gmin, gmax] to it; MAX_VALUE if unbounded. */
    private int lazyWindow(int j, int gmin, int gmax, boolean fromPrev) {
        if (gmax < 0) return Integer.MAX_VALUE;
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
