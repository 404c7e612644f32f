package dev.bulwark.engine.match;

/**
 * The fast path of {@link HexPatternParser} for the commonest body patterns: hex pairs (with {@code ?}
 * nibbles), {@code {n}}, {@code {n-m}}, {@code {-m}}, {@code {n-}} and {@code *}, no modifiers. Such a
 * pattern is read in one pass into a flat array of (value, mask) cells per part, and the anchor is chosen on
 * that array, instead of building a list of token objects, splitting it into parts and classifying every element
 * through its type (the hex parsing was 0.7-0.9 CPU-s of the large generated database's 4.5-5 s text load).
 *
 * <p>It never reports an error: for anything it does not handle, or anything the token parser would reject
 * (empty parts, bad ranges, too short, no two static bytes in a row, any other character), it returns null and
 * the caller takes the token path, which raises the error it always raised. Where it returns a pattern, that
 * pattern is equal to the token path's (same parts, gaps, anchors and variants: the same encoding);
 * {@code FlatHexParserTest} compares the two on seeded random and real signature lines.
 */
final class FlatHexParser {
    /** As HexPatternParser: {n} below this is inlined as n any-byte elements, at or above it splits the pattern. */
    private static final int MAX_INLINE_WILDCARDS = 128;
    /** A cell's mask in bits 8-15 and value in bits 0-7; an exact byte has mask 0xFF. */
    private static final int EXACT = 0xFF << 8;
    /**
     * Spare cells beyond one per hex pair, and initial parts, of the per-call arrays; they grow by doubling (a few
     * spare cells: 64 made the cell arrays ~30 MB of the medium database's ~220 MB of garbage, for {n} alone).
     */
    private static final int INITIAL_CELLS = 4, INITIAL_PARTS = 4;

    private FlatHexParser() {}

    /**
     * The pattern, or null when the token path must parse it (another token kind, or an error).
     * {@code twoByteMinimum}: a plain pattern of two bytes is enough (VI signatures, logical subsignatures).
     */
    static BodyPattern parse(String s, boolean twoByteMinimum) {
        int n = s.length();
        if (n == 0) return null;
        int[] cells = new int[n / 2 + INITIAL_CELLS]; // one cell per hex pair; {n} grows it (at most 127 per 4 chars)
        int nc = 0;
        int[] partEnd = new int[INITIAL_PARTS], gmin = new int[INITIAL_PARTS], gmax = new int[INITIAL_PARTS];
        int np = 0;
        int pendMin = 0, pendMax = 0;
        boolean special = false;
        int p = 0;
        while (p < n) {
            char c = s.charAt(p);
            if (c == '*' || c == '{') {
                special = true;
                int min, max;
                if (c == '*') {
                    min = 0;
                    max = -1;
                    p++;
                } else {
                    int close = s.indexOf('}', p);
                    if (close < 0) return null;
                    int dash = s.indexOf('-', p, close); // bounded by the '}': a search to the line's end made long {n} runs quadratic
                    if (dash < 0 || dash > close) {
                        int v = HexPatternParser.num(s, p + 1, close);
                        if (v < 0) return null;
                        p = close + 1;
                        if (v > 0 && v < MAX_INLINE_WILDCARDS) {
                            // bounded before growing: a line of {127}{127}... would expand 32x (the token path raises "part too long")
                            if (nc + v - (np == 0 ? 0 : partEnd[np - 1]) > PatternCodec.MAX_ELEMS) return null;
                            if (nc + v > cells.length) cells = java.util.Arrays.copyOf(cells, 2 * (nc + v));
                            nc += v; // (value 0, mask 0) cells: the array is zeroed
                            continue;
                        }
                        min = v;
                        max = v == 0 ? -1 : v; // {0}: unbounded, as the token path
                    } else {
                        boolean noA = dash == p + 1, noB = dash + 1 == close; // {-}: {0-}, as the token path
                        min = noA ? 0 : HexPatternParser.num(s, p + 1, dash);
                        max = noB ? -1 : HexPatternParser.num(s, dash + 1, close);
                        if (min < 0 || (!noB && max < 0)) return null;
                        if (max == 0) max = -1; // a maximum of 0 is none; min > max is kept (never matches), as the token path
                        p = close + 1;
                    }
                }
                if (np + 1 >= partEnd.length) {
                    partEnd = java.util.Arrays.copyOf(partEnd, 2 * partEnd.length);
                    gmin = java.util.Arrays.copyOf(gmin, partEnd.length);
                    gmax = java.util.Arrays.copyOf(gmax, partEnd.length);
                }
                partEnd[np] = nc;
                gmin[np] = pendMin;
                gmax[np++] = pendMax;
                pendMin = min;
                pendMax = max;
                continue;
            }
            if (p + 1 >= n) return null;
            char lo = s.charAt(p + 1);
            int h = c == '?' ? 0 : HexPatternParser.hexVal(c), l = lo == '?' ? 0 : HexPatternParser.hexVal(lo);
            if (h < 0 || l < 0) return null;
            int mask = (c == '?' ? 0 : 0xF0) | (lo == '?' ? 0 : 0x0F);
            if (mask != 0xFF) special = true;
            if (nc == cells.length) cells = java.util.Arrays.copyOf(cells, 2 * nc);
            cells[nc++] = mask << 8 | h << 4 | l;
            p += 2;
        }
        if (np + 1 > partEnd.length) {
            partEnd = java.util.Arrays.copyOf(partEnd, np + 1);
            gmin = java.util.Arrays.copyOf(gmin, np + 1);
            gmax = java.util.Arrays.copyOf(gmax, np + 1);
        }
        partEnd[np] = nc;
        gmin[np] = pendMin;
        gmax[np++] = pendMax;
        if (!special && !twoByteMinimum && nc < 3) return null; // a plain pattern needs 3 bytes
        if (np > PatternCodec.MAX_PARTS) return null; // the token path reports it: the set could not read it back
        Elem[][] parts = new Elem[np][];
        int[] ae = new int[np], al = new int[np];
        byte[][][] av = new byte[np][][];
        // the parts as AnchorPlanner.cells, for the lazy parts (one part: none needed)
        int[][] planCells = np > 1 ? new int[np][] : null;
        for (int j = 0, from = 0; j < np; from = partEnd[j++]) {
            int to = partEnd[j];
            if (to - from > PatternCodec.MAX_ELEMS) return null; // likewise
            if (!anchor(cells, from, to, j, ae, al)) return null;
            Elem[] part = new Elem[to - from];
            for (int k = from; k < to; k++) part[k - from] = Elem.lit((byte) cells[k], (byte) (cells[k] >>> 8));
            parts[j] = part;
            if (planCells != null) {
                int[] pc = new int[to - from];
                for (int k = from; k < to; k++) {
                    int c = cells[k];
                    pc[k - from] = (c & 0xFF) | AnchorPlanner.C_BYTE | ((c & EXACT) == EXACT ? AnchorPlanner.C_EXACT : 0);
                }
                planCells[j] = pc;
            }
            byte[] v = new byte[al[j]];
            for (int k = 0; k < v.length; k++) v[k] = (byte) cells[from + ae[j] + k];
            av[j] = new byte[][] {v};
        }
        BodyPattern bp = new BodyPattern(parts, java.util.Arrays.copyOf(gmin, np), java.util.Arrays.copyOf(gmax, np),
                BodyPattern.A_NONE, BodyPattern.A_NONE, ae, al, av, planCells);
        bp.encoded = encode(cells, partEnd, np, bp);
        return bp;
    }

    /**
     * {@link PatternCodec#write} of the pattern, from its cells: a literal's tag is its cell with value and mask
     * swapped. The set's builder stores it as it is instead of encoding the elements again.
     */
    private static byte[] encode(int[] cells, int[] partEnd, int np, BodyPattern p) {
        int nc = partEnd[np - 1];
        byte[] b = new byte[4 + 4 * np + 4 * nc + 2 * (4 + 4 * np) + 8 + PatternCodec.anchorsSize(p)];
        int at = put(b, 0, np);
        for (int j = 0, from = 0; j < np; from = partEnd[j++]) {
            at = put(b, at, partEnd[j] - from);
            for (int k = from; k < partEnd[j]; k++) at = put(b, at, (cells[k] & 0xFF) << 8 | cells[k] >>> 8); // T_LIT is 0
        }
        at = put(b, at, np);
        for (int v : p.gapMin) at = put(b, at, v);
        at = put(b, at, np);
        for (int v : p.gapMax) at = put(b, at, v);
        at = put(b, at, p.leftAssert);
        at = put(b, at, p.rightAssert);
        at = put(b, at, np);
        for (int v : p.anchorElem) at = put(b, at, v);
        at = put(b, at, np);
        for (int v : p.anchorLen) at = put(b, at, v);
        for (byte[][] vars : p.anchorVariants) {
            at = put(b, at, vars.length);
            for (byte[] v : vars) {
                at = put(b, at, v.length);
                System.arraycopy(v, 0, b, at, v.length);
                at += v.length;
            }
        }
        return b;
    }

    /** Little-endian, as {@link FlatBuffers.Out#i32}; returns the next index. */
    private static int put(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
        return at + 4;
    }

    /**
     * HexPatternParser's anchor choice on cells [from, to) (no case-folded bytes here, so one variant): the
     * window of up to {@link HexPatternParser#MAX_ATOM} exact bytes with the best score, the first on ties, in
     * the same arithmetic. False when the part has no two exact bytes in a row (the token path's error).
     */
    private static boolean anchor(int[] cells, int from, int to, int j, int[] ae, int[] al) {
        int bestStart = -1, bestLen = 0;
        double bestScore = -1;
        int runEnd = from;
        for (int i = from; i < to; i++) {
            if (i >= runEnd) {
                if ((cells[i] & EXACT) != EXACT) continue;
                runEnd = i + 1;
                while (runEnd < to && (cells[runEnd] & EXACT) == EXACT) runEnd++;
            }
            int len = Math.min(runEnd - i, HexPatternParser.MAX_ATOM);
            if (len < 2) continue;
            double score = len * 10;
            for (int k = 0; k < len; k++) score += HexPatternParser.rarity(cells[i + k] & 0xFF);
            if (score > bestScore) { bestScore = score; bestStart = i; bestLen = len; }
        }
        if (bestStart < 0) return false;
        ae[j] = bestStart - from;
        al[j] = bestLen;
        return true;
    }
}
