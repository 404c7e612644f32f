package dev.bulwark.engine.match;

/**
 * The encoding of one {@link BodyPattern} as a snapshot stores it (and as {@link PatternSet.Builder} keeps
 * patterns before the build): parts as element sequences, gaps, anchors and their variants. Reading checks
 * every count and tag, so a corrupt snapshot raises IllegalArgumentException instead of building absurd
 * structures.
 */
final class PatternCodec {
    /** Bounds on what a snapshot may describe, so a corrupt file cannot ask for absurd structures. */
    static final int MAX_PARTS = 1 << 16, MAX_ELEMS = 1 << 20, MAX_ALT_DEPTH = 32;

    private PatternCodec() {}

    static void write(BodyPattern p, FlatIO.Writer out) {
        out.i32(p.parts.length);
        for (Elem[] part : p.parts) writeSeq(part, out);
        out.ints(p.gapMin);
        out.ints(p.gapMax);
        out.i32(p.leftAssert);
        out.i32(p.rightAssert);
        writeAnchors(p, out);
    }

    /**
     * The anchors' part of {@link #write}, its last fields: a planned pattern differs from the stored one only
     * there, so the set's builder copies the rest of the stored record ({@link #anchorsSize}).
     */
    static void writeAnchors(BodyPattern p, FlatIO.Writer out) {
        out.ints(p.anchorElem);
        out.ints(p.anchorLen);
        for (byte[][] vars : p.anchorVariants) {
            out.i32(vars.length);
            for (byte[] v : vars) out.bytes(v);
        }
    }

    /** Bytes {@link #writeAnchors} writes for the pattern. */
    static int anchorsSize(BodyPattern p) {
        int n = 8 + 8 * p.anchorElem.length; // two int arrays with their lengths
        for (byte[][] vars : p.anchorVariants) {
            n += 4;
            for (byte[] v : vars) n += 4 + v.length;
        }
        return n;
    }

    static BodyPattern read(FlatIO.Reader in) {
        return read(in, false);
    }

    /**
     * {@link #read(FlatIO.Reader)}; {@code unplanned}: without its lazy parts ({@link BodyPattern#UNPLANNED}), for
     * the set's builder, which plans the pattern at once and uses only the planned one.
     */
    static BodyPattern read(FlatIO.Reader in, boolean unplanned) {
        int np = in.i32();
        AtomIndex.check(np > 0 && np <= MAX_PARTS, "part count");
        Elem[][] parts = new Elem[np][];
        for (int i = 0; i < np; i++) {
            parts[i] = readSeq(in, 0);
            AtomIndex.check(parts[i].length > 0, "empty part");
        }
        int[] gmin = in.ints(), gmax = in.ints();
        int left = in.i32(), right = in.i32();
        int[] ae = in.ints(), al = in.ints();
        AtomIndex.check(gmin.length == np && gmax.length == np && ae.length == np && al.length == np, "part tables");
        byte[][][] av = new byte[np][][];
        for (int i = 0; i < np; i++) {
            AtomIndex.check(gmin[i] >= 0 && gmax[i] >= -1 && al[i] >= 2 && al[i] <= 4
                    && ae[i] >= 0 && ae[i] + al[i] <= parts[i].length, "anchor");
            for (int k = 0; k < al[i]; k++) AtomIndex.check(parts[i][ae[i] + k] instanceof Elem.Lit, "anchor element");
            int nv = in.i32();
            AtomIndex.check(nv > 0 && nv <= 16, "anchor variants");
            av[i] = new byte[nv][];
            for (int v = 0; v < nv; v++) {
                av[i][v] = in.bytes();
                AtomIndex.check(av[i][v].length == al[i], "anchor variant length");
            }
        }
        return new BodyPattern(parts, gmin, gmax, left, right, ae, al, av, unplanned ? BodyPattern.UNPLANNED : null);
    }

    private static final int T_LIT = 0, T_CLS = 1, T_ALT = 2, T_NEGALT = 3, T_GAP = 4;

    private static void writeSeq(Elem[] seq, FlatIO.Writer out) {
        out.i32(seq.length);
        for (Elem e : seq) {
            switch (e) {
                case Elem.Lit l -> out.i32(T_LIT << 16 | (l.value() & 0xFF) << 8 | (l.mask() & 0xFF));
                case Elem.Cls c -> { out.i32(T_CLS << 16); out.longs(c.bits()); }
                case Elem.Alt a -> {
                    out.i32(T_ALT << 16 | a.options().length);
                    for (Elem[] o : a.options()) writeSeq(o, out);
                }
                case Elem.NegAlt na -> {
                    out.i32(T_NEGALT << 16 | na.options().length);
                    out.i32(na.len());
                    for (Elem[] o : na.options()) writeSeq(o, out);
                }
                case Elem.Gap g -> { out.i32(T_GAP << 16); out.i32(g.min()); out.i32(g.max()); }
            }
        }
    }

    private static Elem[] readSeq(FlatIO.Reader in, int depth) {
        AtomIndex.check(depth <= MAX_ALT_DEPTH, "alternative depth");
        int n = in.i32();
        AtomIndex.check(n >= 0 && n <= MAX_ELEMS, "element count");
        Elem[] seq = new Elem[n];
        for (int i = 0; i < n; i++) {
            int tag = in.i32();
            int low = tag & 0xFFFF;
            switch (tag >>> 16) {
                case T_LIT -> {
                    seq[i] = Elem.lit((byte) (low >>> 8), (byte) low);
                }
                case T_CLS -> {
                    long[] bits = in.longs();
                    AtomIndex.check(bits.length == 4, "class");
                    seq[i] = new Elem.Cls(bits);
                }
                case T_ALT -> {
                    AtomIndex.check(low > 0, "alternatives");
                    Elem[][] o = new Elem[low][];
                    for (int k = 0; k < low; k++) o[k] = readSeq(in, depth + 1);
                    seq[i] = new Elem.Alt(o);
                }
                case T_NEGALT -> {
                    int len = in.i32();
                    AtomIndex.check(low > 0 && len > 0, "negated alternatives");
                    Elem[][] o = new Elem[low][];
                    for (int k = 0; k < low; k++) {
                        o[k] = readSeq(in, depth + 1);
                        AtomIndex.check(o[k].length == len, "negated alternative length");
                        for (Elem x : o[k]) AtomIndex.check(x instanceof Elem.Lit, "negated alternative element");
                    }
                    seq[i] = new Elem.NegAlt(o, len);
                }
                case T_GAP -> {
                    int min = in.i32(), max = in.i32();
                    AtomIndex.check(min >= 0 && max >= min && max <= 1 << 20, "gap");
                    seq[i] = new Elem.Gap(min, max);
                }
                default -> throw new IllegalArgumentException("inconsistent pattern: element tag " + (tag >>> 16));
            }
        }
        return seq;
    }
}
