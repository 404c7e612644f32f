package dev.bulwark.engine.match;

import java.util.ArrayList;
import java.util.List;

/**
 * Re-chooses each part's anchor with the whole pattern set in view. {@link AtomIndex} filters every
 * position through one word per 2-byte prefix; when many atoms share a prefix that word fills up and
 * passes most positions starting with it. So among a part's static windows of its anchor's length the
 * planner takes, greedily, the one whose prefix is least used, traded against byte rarity (frequent
 * bytes such as 00 or FF make poor atoms on real files). For 2- and 3-byte anchors it also prefers
 * windows whose following bytes are fixed, since the word filter can then test them.
 * Patterns are copied, never modified: a pattern may be shared with a set that is still scanning.
 */
final class AnchorPlanner {
    /** Weight of one atom already on a prefix, in units of byte rarity (0-4 per byte). */
    private static final double LOAD_WEIGHT = 1.5;
    /** Penalty per byte among the 4 after the anchor start that the word filter cannot test. */
    private static final double UNPINNED_PENALTY = 12;
    /** Penalty per case-folded byte (each doubles the variants). */
    private static final double FOLDED_PENALTY = 2;

    private AnchorPlanner() {}

    static List<BodyPattern> plan(List<BodyPattern> patterns) {
        int[] load = new int[1 << 16];
        List<BodyPattern> out = new ArrayList<>(patterns.size());
        for (BodyPattern p : patterns) {
            int n = p.parts.length;
            int[] ae = p.anchorElem.clone(), al = p.anchorLen.clone();
            byte[][][] av = p.anchorVariants.clone();
            boolean changed = false;
            for (int j = 0; j < n; j++) {
                Elem[] part = p.parts[j];
                int len = al[j], best = ae[j];
                double bestCost = cost(part, best, len, load);
                int runEnd = 0; // end of the static run holding i: each element is classified once per part
                for (int i = 0; i + len <= part.length; i++) {
                    if (i >= runEnd) {
                        runEnd = i;
                        while (runEnd < part.length && HexPatternParser.isStatic(part[runEnd])) runEnd++;
                    }
                    if (i == ae[j] || runEnd - i < len || !foldedOk(part, i, len)) continue;
                    double c = cost(part, i, len, load);
                    if (c < bestCost) { bestCost = c; best = i; }
                }
                if (best != ae[j]) {
                    ae[j] = best;
                    av[j] = HexPatternParser.variants(part, best, len);
                    changed = true;
                }
                for (byte[] v : av[j]) load[(v[0] & 0xFF) | (v[1] & 0xFF) << 8]++;
            }
            out.add(changed ? new BodyPattern(p.parts, p.gapMin, p.gapMax, p.leftAssert, p.rightAssert, ae, al, av) : p);
        }
        return out;
    }

    /** Whether the case-folded variants of static elements [i, i+len) stay within the parser's limit. */
    private static boolean foldedOk(Elem[] part, int i, int len) {
        int folded = 0;
        for (int k = 0; k < len; k++) if (((Elem.Lit) part[i + k]).folded()) folded++;
        return folded <= HexPatternParser.MAX_FOLDED_IN_ATOM;
    }

    private static double cost(Elem[] part, int i, int len, int[] load) {
        double c = 0;
        int folded = 0;
        for (int k = 0; k < len; k++) {
            Elem.Lit l = (Elem.Lit) part[i + k];
            c -= HexPatternParser.rarity(l.value() & 0xFF);
            if (l.folded()) folded++;
        }
        c += folded * FOLDED_PENALTY;
        for (int k = len; k < AtomIndex.KEY_BYTES; k++) {
            boolean pinned = i + k < part.length && part[i + k] instanceof Elem.Lit l && l.exact();
            if (!pinned) c += UNPINNED_PENALTY;
        }
        Elem.Lit a = (Elem.Lit) part[i], b = (Elem.Lit) part[i + 1];
        int prefix = (a.value() & 0xFF) | (b.value() & 0xFF) << 8;
        // folded variants land on other prefixes too; the base one stands for them
        return c + LOAD_WEIGHT * load[prefix];
    }
}
