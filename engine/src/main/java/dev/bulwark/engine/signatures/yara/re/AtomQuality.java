package dev.bulwark.engine.signatures.yara.re;

import dev.bulwark.engine.signatures.yara.re.Node.*;
import java.util.ArrayList;
import java.util.List;

/**
 * Estimates how selective the best atom of a pattern is, on the same scale as YARA's heuristic (known bytes score
 * 12 to 20, wildcards lose points, distinct bytes add a bonus; 38 is YARA's warning threshold). Used only to warn
 * about strings that will slow scanning down, the way yara does.
 */
public final class AtomQuality {
    public static final int WARNING_THRESHOLD = 38;
    private static final int ATOM = 4;
    private static final int NONE = -1000;

    private AtomQuality() {}

    /**
     * Quality of the best window of up to 4 positions; each position is a byte set (null: unknown). The search
     * stops at the first window of at least {@link #WARNING_THRESHOLD}: qualities only decide the slow-string
     * warning, and every way they are combined (best run, worst branch) keeps which side of it they are on.
     */
    public static int ofPositions(List<long[]> positions) {
        int best = NONE;
        if (positions.size() <= ATOM) return Math.max(best, window(positions, 0, positions.size()));
        for (int s = 0; s + ATOM <= positions.size() && best < WARNING_THRESHOLD; s++) {
            best = Math.max(best, window(positions, s, s + ATOM));
        }
        return best;
    }

    private static int count(long[] w) {
        return Long.bitCount(w[0]) + Long.bitCount(w[1]) + Long.bitCount(w[2]) + Long.bitCount(w[3]);
    }

    private static int first(long[] w) {
        for (int i = 0; i < 4; i++) if (w[i] != 0) return i * 64 + Long.numberOfTrailingZeros(w[i]);
        return 0;
    }

    /** Quality of the window win[from, to) (at most 4 positions). */
    private static int window(List<long[]> win, int from, int to) {
        int[] counts = new int[ATOM];
        for (int i = from; i < to; i++) counts[i - from] = win.get(i) == null ? 256 : count(win.get(i));
        int a = 0, b = to - from;
        while (a < b && counts[a] == 256) a++;
        while (b > a && counts[b - 1] == 256) b--;
        if (a == b) return NONE;
        int known = 0, unknown = 0;
        for (int i = a; i < b; i++) {
            if (counts[i] == 256) unknown++;
            else if (counts[i] <= 2) known++;
        }
        if (unknown >= known) b = a + 1;
        int q = 0;
        int[] seenList = new int[4];
        int unique = 0;
        for (int i = a; i < b; i++) {
            int c = counts[i];
            if (c == 256) {
                q -= 10;
            } else if (c == 16) {
                q += 4;
            } else if (c <= 2) {
                int v = first(win.get(from + i));
                q += v == 0 || v == 0x20 || v == 0xCC || v == 0xFF ? 12 : (Character.isLetter(v) && v < 128 ? 18 : 20);
                int lv = c == 2 && v >= 'A' && v <= 'Z' ? v + 32 : v;
                boolean dup = false;
                for (int j = 0; j < unique; j++) dup |= seenList[j] == lv;
                if (!dup) seenList[unique++] = lv;
            } else {
                return NONE; // a class is not an atom byte
            }
        }
        int only = seenList[0];
        if (unique == 1 && (only == 0 || only == 0x20 || only == 0x90 || only == 0xCC || only == 0xFF)) q -= 10 * (b - a);
        else q += 2 * unique;
        return q;
    }

    /** Quality of a regex/hex tree: best run of a concatenation, worst branch of an alternative. */
    static int ofNode(Node n) {
        if (hasUnboundedAny(n)) return NONE; // yara warns about .* and friends inside string patterns
        return node(n);
    }

    private static boolean hasUnboundedAny(Node n) {
        List<Node> items;
        switch (n) {
            case Rep r -> {
                return r.max() < 0 && r.node() instanceof Cls c && isDot(c.bits()) || hasUnboundedAny(r.node());
            }
            case Cat c -> items = c.items();
            case Alt a -> items = a.items();
            default -> {
                return false;
            }
        }
        for (Node x : items) if (hasUnboundedAny(x)) return true; // a loop: streams cost much more on a cold JVM
        return false;
    }

    /** {@code .} with or without the s flag. */
    private static boolean isDot(long[] w) {
        int c = count(w);
        return c == 256 || c == 255 && (w[0] & (1L << '\n')) == 0;
    }

    private static int node(Node n) {
        switch (n) {
            case Cls c -> {
                return ofPositions(List.of(c.bits()));
            }
            case Alt a -> {
                int worst = Integer.MAX_VALUE;
                for (Node x : a.items()) worst = Math.min(worst, node(x));
                return worst;
            }
            case Rep r -> {
                if (r.min() == 0) return NONE;
                List<long[]> run = new ArrayList<>();
                if (r.node() instanceof Cls c) {
                    for (int i = 0; i < Math.min(r.min(), ATOM); i++) run.add(c.bits());
                    return ofPositions(run);
                }
                return node(r.node());
            }
            case Cat c -> {
                int best = NONE;
                List<long[]> run = new ArrayList<>();
                for (Node x : c.items()) {
                    if (x instanceof Cls cl && (count(cl.bits()) <= 2 || count(cl.bits()) == 16 || count(cl.bits()) == 256)) {
                        run.add(cl.bits());
                        continue;
                    }
                    if (x instanceof Assert) continue;
                    if (!run.isEmpty()) best = Math.max(best, ofPositions(run));
                    run.clear();
                    best = Math.max(best, node(x));
                }
                if (!run.isEmpty()) best = Math.max(best, ofPositions(run));
                return best;
            }
            default -> {
                return NONE;
            }
        }
    }
}
