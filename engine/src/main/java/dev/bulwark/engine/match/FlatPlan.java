package dev.bulwark.engine.match;

/**
 * {@link AnchorPlanner#plan} for a stored pattern whose parts are all plain literals (every .ndb and .ldb body
 * pattern of the generated databases, and most real ones), done on the stored encoding itself: the set's builder
 * reads the record's (value, mask) cells, plans each part's anchor on them, works out the lazy parts and the
 * filter windows, and writes the planned anchors, without decoding the record into elements and building two
 * patterns from them (that was ~150 ms of the medium database's ~500 ms main thread). A record with anything
 * else (a class, an alternative, a gap element, a case-folded letter) makes {@link #read} return false, and the
 * builder takes the general path. One instance per build, reused for every record (no per-record garbage but
 * the anchor variants the index keeps). {@code PatternSetDifferentialTest} and the snapshot comparison in
 * docs/benchmarks/load-and-memory.md ("textload3") check that both paths build the same set.
 */
final class FlatPlan {
    private static final int T_LIT_MAX = 0xFFFF; // a T_LIT tag (type 0) is (value << 8 | mask)
    private static final int FOLDED_MASK = 0xDF; // a case-folded letter: its variants are made by the general path

    private byte[] b;
    /** Parts read: count, and per part its cells' start in {@link #lit}/{@link #cells}, its length. */
    int parts;
    private int[] partAt = new int[8], partLen = new int[8];
    /** Per element: the stored (value << 8 | mask); and as {@link AnchorPlanner#cells}. */
    private int[] lit = new int[256];
    private int[][] cells = new int[8][];
    private int[] gapMin = new int[8], gapMax = new int[8];
    /** Per part: anchor start and length (planned by {@link #plan}), and the kind of part it is. */
    int[] anchorElem = new int[8], anchorLen = new int[8];
    byte[] lazy;
    /** The planned anchors' bytes, one variant per part (fresh arrays: the atom index keeps them). */
    byte[][] anchor = new byte[8][];
    /** Length of the record up to its anchors (the part the planned record keeps). */
    int body;

    /**
     * Reads record {@code b[0, len)} (a {@link PatternCodec#write} encoding); false when a part holds anything but
     * plain literals (nothing read is kept then). Counts are checked as {@link PatternCodec#read} checks them.
     */
    boolean read(byte[] b, int len) {
        this.b = b;
        int at = 0;
        int np = i32(at);
        at += 4;
        AtomIndex.check(np > 0 && np <= PatternCodec.MAX_PARTS, "part count");
        if (partAt.length < np) grow(np);
        int nl = 0;
        for (int j = 0; j < np; j++) {
            int n = i32(at);
            at += 4;
            AtomIndex.check(n > 0 && n <= PatternCodec.MAX_ELEMS && at + 4L * n <= len, "element count");
            if (lit.length < nl + n) lit = java.util.Arrays.copyOf(lit, Math.max(nl + n, 2 * lit.length));
            partAt[j] = nl;
            partLen[j] = n;
            for (int k = 0; k < n; k++, at += 4) {
                int tag = i32(at);
                if ((tag & ~T_LIT_MAX) != 0 || (tag & 0xFF) == FOLDED_MASK) return false;
                lit[nl++] = tag;
            }
        }
        AtomIndex.check(at + 8L * (np + 1) + 8 <= len, "part tables");
        AtomIndex.check(i32(at) == np, "part tables");
        for (int j = 0; j < np; j++) gapMin[j] = i32(at + 4 + 4 * j);
        at += 4 + 4 * np;
        AtomIndex.check(i32(at) == np, "part tables");
        for (int j = 0; j < np; j++) gapMax[j] = i32(at + 4 + 4 * j);
        at += 4 + 4 * np + 8; // and the assertions, which planning leaves as they are
        body = at;
        AtomIndex.check(at + 8L * (np + 1) <= len && i32(at) == np && i32(at + 4 + 4 * np) == np, "part tables");
        for (int j = 0; j < np; j++) {
            anchorElem[j] = i32(at + 4 + 4 * j);
            anchorLen[j] = i32(at + 8 + 4 * np + 4 * j);
            AtomIndex.check(gapMin[j] >= 0 && gapMax[j] >= -1 && anchorLen[j] >= 2 && anchorLen[j] <= 4
                    && anchorElem[j] >= 0 && anchorElem[j] + anchorLen[j] <= partLen[j], "anchor");
        }
        parts = np;
        return true;
    }

    private void grow(int np) {
        int n = Math.max(np, 2 * partAt.length);
        partAt = new int[n];
        partLen = new int[n];
        cells = new int[n][];
        gapMin = new int[n];
        gapMax = new int[n];
        anchorElem = new int[n];
        anchorLen = new int[n];
        anchor = new byte[n][];
    }

    private int i32(int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | b[at + 3] << 24;
    }

    /**
     * Plans the anchors against the word loads of the patterns before ({@code load}, updated), as
     * {@link AnchorPlanner#plan}: the same windows priced in the same order, the same lazy parts.
     */
    void plan(int[] load, int mask) {
        int np = parts;
        for (int j = 0; j < np; j++) {
            int n = partLen[j], from = partAt[j];
            int[] c = new int[n];
            for (int k = 0; k < n; k++) {
                int t = lit[from + k], value = t >>> 8 & 0xFF;
                c[k] = value | AnchorPlanner.C_BYTE | ((t & 0xFF) == 0xFF ? AnchorPlanner.C_EXACT : 0);
            }
            cells[j] = c;
            int len = anchorLen[j], best = AnchorPlanner.best(c, anchorElem[j], len, load, mask);
            anchorElem[j] = best;
            byte[] v = new byte[len];
            for (int k = 0; k < len; k++) v[k] = (byte) c[best + k];
            anchor[j] = v;
        }
        lazy = BodyPattern.lazyParts(null, java.util.Arrays.copyOf(cells, np), anchorElem, anchorLen, gapMin, gapMax);
        for (int j = 0; j < np; j++) if (lazy[j] == BodyPattern.INDEXED) AnchorPlanner.load(anchor[j], load, mask);
    }

    /** {@link PatternCodec#writeAnchors} of the planned pattern. */
    void writeAnchors(FlatBuffers.Out out) {
        int np = parts;
        out.i32(np);
        for (int j = 0; j < np; j++) out.i32(anchorElem[j]);
        out.i32(np);
        for (int j = 0; j < np; j++) out.i32(anchorLen[j]);
        for (int j = 0; j < np; j++) {
            out.i32(1);
            out.bytes(anchor[j]);
        }
    }

    /** The filter windows around part j's anchor, as PatternSet's window: 8 bytes before it, 8 from it. */
    void window(int j, long[] w, int at) {
        int from = partAt[j], n = partLen[j], a = anchorElem[j];
        long m = 0, v = 0;
        for (int i = a - 1, k = 7; i >= 0 && k >= 0; i--, k--) {
            int t = lit[from + i];
            m |= (t & 0xFFL) << (8 * k);
            v |= ((t >>> 8) & t & 0xFFL) << (8 * k);
        }
        w[at] = m; w[at + 1] = v;
        m = 0; v = 0;
        for (int i = a, k = 0; i < n && k < 8; i++, k++) {
            int t = lit[from + i];
            m |= (t & 0xFFL) << (8 * k);
            v |= ((t >>> 8) & t & 0xFFL) << (8 * k);
        }
        w[at + 2] = m; w[at + 3] = v;
    }
}
