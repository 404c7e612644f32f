package dev.bulwark.engine.match;

/**
 * Re-chooses each part's anchor with the whole pattern set in view. {@link AtomIndex} filters every
 * position through one word per 2-byte prefix and low bits of the third byte (the table size it will
 * choose for this many atoms); when many atoms land on one word it fills up and passes most positions
 * that map to it. So among a part's static windows of its anchor's length the planner takes, greedily,
 * the one whose word is least used, traded against byte rarity (frequent bytes such as 00 or FF make
 * poor atoms on real files). For 2- and 3-byte anchors it also prefers
 * windows whose following bytes are fixed, since the word filter can then test them; and every anchor
 * prefers a place with five exact bytes in a row from its start or from the byte before it, which is what
 * {@link StrideFilter} needs to enter it at two neighbouring offsets in one word each (an anchor without
 * them costs that filter 256 words or a whole Bloom half, and thousands of them fill its table).
 * Patterns are copied, never modified: a pattern may be shared with a set that is still scanning.
 */
final class AnchorPlanner {
    /** Weight of one atom already on a prefix, in units of byte rarity (0-4 per byte). */
    private static final double LOAD_WEIGHT = 1.5;
    /** Penalty per byte among the 4 after the anchor start that the word filter cannot test. */
    private static final double UNPINNED_PENALTY = 12;
    /** Penalty per case-folded byte (each doubles the variants). */
    private static final double FOLDED_PENALTY = 2;
    /**
     * Penalty for an anchor that starts like a run of a filler byte (00 00, FF FF, 20 20, CC CC, 90 90):
     * real files are full of such runs (zero runs alone are about a fifth of the positions in shared
     * libraries), and every position of a run probes the run's own word.
     */
    private static final double RUN_PENALTY = 60;
    /**
     * Penalty per doubling of the words (and Bloom halves) the stride filter needs for an anchor beyond one word
     * per offset ({@link StrideFilter#entryCost}): an anchor with five exact bytes in a row costs 0, a 4-byte run
     * at a part's end about 3 doublings (12), a 2-byte atom over 11 (44+). One doubling outweighs a byte's rarity.
     */
    static final double STRIDE_WEIGHT = 4;
    /** Exact bytes in a row the stride filter needs for one word per offset (its stride plus a 4-byte key). */
    static final int STRIDE_RUN = 5;

    /** The highest {@link HexPatternParser#rarity} of a byte: a window's cost is at least minus this per byte. */
    private static final double MAX_RARITY;

    static {
        double m = 0;
        for (int b = 0; b < 256; b++) m = Math.max(m, HexPatternParser.rarity(b));
        MAX_RARITY = m;
    }

    private AnchorPlanner() {}

    /** The word mask for a set of this many atoms (the index of {@link #plan(BodyPattern, int[], int)}'s load table). */
    static int mask(long atoms) {
        return (1 << AtomIndex.wordLog(atoms)) - 1;
    }

    /**
     * Plans one pattern, the next of the set in order, against the word loads of those before it
     * ({@code load}, of {@code mask + 1} words, updated): patterns are planned one at a time, in set
     * order, so a builder that keeps them encoded decodes only one at a time. {@code p} may come without its lazy
     * parts ({@link BodyPattern#UNPLANNED}); the pattern returned always has them.
     */
    static BodyPattern plan(BodyPattern p, int[] load, int mask) {
        int n = p.parts.length;
        int[] ae = p.anchorElem.clone(), al = p.anchorLen.clone();
        byte[][][] av = p.anchorVariants.clone();
        int[][] partCells = new int[n][];
        for (int j = 0; j < n; j++) {
            Elem[] part = p.parts[j];
            int[] cells = cells(part); // classified once: every window's cost reads them, then the lazy parts
            partCells[j] = cells;
            int len = al[j], best = best(cells, ae[j], len, load, mask);
            if (best != ae[j]) {
                ae[j] = best;
                av[j] = HexPatternParser.variants(part, best, len);
            }
        }
        // p comes without its lazy parts (BodyPattern.UNPLANNED): the planned pattern works them out on the cells
        BodyPattern q = new BodyPattern(p.parts, p.gapMin, p.gapMax, p.leftAssert, p.rightAssert, ae, al, av, partCells);
        // lazy parts (weak anchors next to an indexed part) stay out of the index and load no word
        for (int j = 0; j < n; j++) {
            if (q.lazy[j] == BodyPattern.INDEXED) for (byte[] v : av[j]) load(v, load, mask);
        }
        return q;
    }

    /**
     * The start of the part's best anchor window of {@code len} static elements (its {@link #cells}) against the
     * word loads; {@code current}, the anchor chosen so far, on ties with a later window.
     */
    static int best(int[] cells, int current, int len, int[] load, int mask) {
        int best = current;
        double bestCost = cost(cells, best, len, load, mask, Double.MAX_VALUE);
        // no window costs less than its bytes' rarity (every other term is a penalty): once the best reaches
        // that floor no later window can beat it (ties keep the earlier one), so the rest are not priced
        double floor = -MAX_RARITY * len;
        int runEnd = 0; // end of the static run holding i: each element is classified once per part
        for (int i = 0; i + len <= cells.length && bestCost > floor; i++) {
            if (i >= runEnd) {
                runEnd = i;
                while (runEnd < cells.length && (cells[runEnd] & C_STATIC) != 0) runEnd++;
            }
            if (i == current || runEnd - i < len || !foldedOk(cells, i, len)) continue;
            double c = cost(cells, i, len, load, mask, bestCost);
            if (c < bestCost) { bestCost = c; best = i; }
        }
        return best;
    }

    /** Adds an indexed anchor variant to the word loads ({@link #plan}'s update). */
    static void load(byte[] v, int[] load, int mask) {
        load[key(v[0], v[1], v.length > 2 ? v[2] : 0) & mask]++;
    }

    /** Whether the case-folded variants of static elements [i, i+len) stay within the parser's limit. */
    private static boolean foldedOk(int[] cells, int i, int len) {
        int folded = 0;
        for (int k = 0; k < len; k++) if ((cells[i + k] & C_FOLDED) != 0) folded++;
        return folded <= HexPatternParser.MAX_FOLDED_IN_ATOM;
    }

    /** Whether elements [from, from + {@link #STRIDE_RUN}) of the part are all exact literals. */
    static boolean exactRun(Elem[] part, int from) {
        if (from < 0 || from + STRIDE_RUN > part.length) return false;
        for (int k = from; k < from + STRIDE_RUN; k++) if (!(part[k] instanceof Elem.Lit l && l.exact())) return false;
        return true;
    }

    /**
     * log2 of the stride filter's cost for an anchor at element i over its minimum (2: one word at each of two
     * offsets), from the exact bytes at offsets -8..7 that the anchor's windows would pin.
     */
    static int strideDoublings(Elem[] part, int i) {
        int pinned = 0;
        for (int o = -8; o < 8; o++) {
            int x = i + o;
            if (x < 0 || x >= part.length) continue;
            if (part[x] instanceof Elem.Lit l && l.exact()) pinned |= 1 << (o + 8);
        }
        // a window stops at the first element that is not one byte (an alternative, a gap)
        for (int x = i - 1; x >= Math.max(0, i - 8); x--) {
            if (!(part[x] instanceof Elem.Lit) && !(part[x] instanceof Elem.Cls)) { pinned &= -(1 << (x - i + 9)); break; }
        }
        for (int x = i; x < Math.min(part.length, i + 8); x++) {
            if (!(part[x] instanceof Elem.Lit) && !(part[x] instanceof Elem.Cls)) { pinned &= (1 << (x - i + 8)) - 1; break; }
        }
        return 31 - Integer.numberOfLeadingZeros(StrideFilter.entryCost(pinned, 1) / 2);
    }

    /**
     * {@link #strideDoublings(Elem[], int)} on the part's {@link #cells} (the planner asks it for every window
     * it prices; AnchorPlannerCellsTest checks the two agree).
     */
    static int strideDoublings(int[] cells, int i) {
        int pinned = 0;
        int from = Math.max(0, i - 8), to = Math.min(cells.length, i + 8);
        for (int x = from; x < to; x++) if ((cells[x] & C_EXACT) != 0) pinned |= 1 << (x - i + 8);
        // a window stops at the first element that is not one byte (an alternative, a gap)
        for (int x = i - 1; x >= from; x--) {
            if ((cells[x] & C_BYTE) == 0) { pinned &= -(1 << (x - i + 9)); break; }
        }
        for (int x = i; x < to; x++) {
            if ((cells[x] & C_BYTE) == 0) { pinned &= (1 << (x - i + 8)) - 1; break; }
        }
        return 31 - Integer.numberOfLeadingZeros(StrideFilter.entryCost(pinned, 1) / 2);
    }

    /** Flags of a {@link #cells} entry (bits 0-7: a literal's value). */
    static final int C_EXACT = 1 << 8, C_FOLDED = 1 << 9, C_BYTE = 1 << 10, C_STATIC = C_EXACT | C_FOLDED;

    /**
     * The part's elements as flat cells: a literal's value, whether it is exact, a case-folded letter (both
     * static: anchors are made of them), and whether the element is one byte (a literal or a class).
     */
    static int[] cells(Elem[] part) {
        int[] c = new int[part.length];
        for (int x = 0; x < part.length; x++) {
            Elem e = part[x];
            if (e instanceof Elem.Lit l) c[x] = (l.value() & 0xFF) | C_BYTE | (l.exact() ? C_EXACT : 0) | (l.folded() ? C_FOLDED : 0);
            else if (e instanceof Elem.Cls) c[x] = C_BYTE;
        }
        return c;
    }

    /** A word key: a 2-byte anchor counts under third byte 0 (it spans all words of its prefix). */
    private static int key(byte b0, byte b1, byte b2) {
        return (b0 & 0xFF) | (b1 & 0xFF) << 8 | (b2 & 0xFF) << 16;
    }

    /**
     * The window's cost; once the terms before the load's or before the stride filter's (both never negative)
     * reach {@code bound}, that partial sum (the window cannot win; planning a large set asks this for every window).
     */
    private static double cost(int[] cells, int i, int len, int[] load, int mask, double bound) {
        double c = 0;
        int folded = 0;
        for (int k = 0; k < len; k++) {
            int l = cells[i + k];
            c -= HexPatternParser.rarity(l & 0xFF);
            if ((l & C_FOLDED) != 0) folded++;
        }
        c += folded * FOLDED_PENALTY;
        int b0 = cells[i] & 0xFF;
        if (b0 == (cells[i + 1] & 0xFF) && HexPatternParser.rarity(b0) <= 1) c += RUN_PENALTY;
        for (int k = len; k < AtomIndex.KEY_BYTES; k++) {
            boolean pinned = i + k < cells.length && (cells[i + k] & C_EXACT) != 0;
            if (!pinned) c += UNPINNED_PENALTY;
        }
        // the load and stride terms are never negative: a window already at the bound cannot win, and its word's
        // load (a read from a table of up to millions of words, mostly a cache miss) is not looked up
        if (c >= bound) return c;
        byte third = len > 2 ? (byte) cells[i + 2] : 0;
        int word = key((byte) cells[i], (byte) cells[i + 1], third) & mask;
        // folded variants land on other words too; the base one stands for them
        c += LOAD_WEIGHT * load[word];
        return c >= bound ? c : c + STRIDE_WEIGHT * strideDoublings(cells, i);
    }
}
