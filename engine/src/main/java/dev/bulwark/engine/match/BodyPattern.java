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
