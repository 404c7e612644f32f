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

    /**
     * The quality yara 4.2 gives a text string: its best 4-byte window (the first of equal ones), then the worst
     * of the atoms actually searched for — that window's wide form ({@code a0 00 a1 00}), its case variants and
     * its xor variants, whichever the modifiers ask for. A wide string is therefore never better than its ascii
     * atom, and {@code xor} makes it as bad as its worst key.
     */
    public static int ofText(byte[] t, boolean ascii, boolean wide, boolean nocase, boolean xor, int xorLo, int xorHi) {
        int len = Math.min(t.length, ATOM), start = 0, best = heuristic(t, 0, len, false, 0);
        for (int i = ATOM; i < t.length; i++) {
            int q = heuristic(t, i - ATOM + 1, ATOM, false, 0);
            if (q > best) {
                best = q;
                start = i - ATOM + 1;
            }
        }
        byte[] atom = java.util.Arrays.copyOfRange(t, start, start + len);
        byte[] wideAtom = new byte[Math.min(2 * len, ATOM)];
        for (int i = 0; 2 * i < wideAtom.length; i++) wideAtom[2 * i] = atom[i];
        int worst = best;
        for (int k = xor ? xorLo : 0; k <= (xor ? xorHi : 0); k++) {
            if (ascii || !wide) worst = Math.min(worst, heuristic(atom, 0, atom.length, nocase, k));
            if (wide) worst = Math.min(worst, heuristic(wideAtom, 0, wideAtom.length, nocase, k));
        }
        return worst;
    }

    /** yara's score of len known bytes at b[from..] xor key (nocase: letters match either case). */
    private static int heuristic(byte[] b, int from, int len, boolean nocase, int key) {
        List<long[]> p = positions(b, from, len, nocase, key);
        return window(p, 0, p.size());
    }

    /**
     * One byte set per byte of b[from, from + len) xor key: the byte itself, and with nocase its other case
     * for an ASCII letter.
     */
    public static List<long[]> positions(byte[] b, int from, int len, boolean nocase, int key) {
        List<long[]> out = new ArrayList<>(len);
        for (int i = from; i < from + len; i++) {
            long[] w = new long[4];
            int v = (b[i] ^ key) & 0xFF;
            w[v >> 6] |= 1L << (v & 63);
            if (nocase && Character.isLetter(v) && v < 128) {
                int o = v ^ 0x20;
                w[o >> 6] |= 1L << (o & 63);
            }
            out.add(w);
        }
        return out;
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

    /**
     * Quality of a regex/hex tree: best run of a concatenation, worst branch of an alternative. A hex string is
     * first cut where yara chains it (a jump reaching beyond {@link #CHAINING_THRESHOLD} bytes, or unbounded,
     * between two parts): each part needs an atom of its own, so the string is as slow as its worst part.
     */
    static int ofNode(Node n, boolean hex) {
        if (!hex || !(n instanceof Cat c)) return node(n);
        int worst = Integer.MAX_VALUE;
        List<Node> items = c.items();
        int from = 0;
        for (int i = 1; i < items.size() - 1; i++) {
            if (isChainingJump(items.get(i))) {
                worst = Math.min(worst, node(new Cat(items.subList(from, i))));
                from = i + 1;
            }
        }
        return Math.min(worst, node(from == 0 ? n : new Cat(items.subList(from, items.size()))));
    }

    static final int CHAINING_THRESHOLD = 200; // yara's YR_STRING_CHAINING_THRESHOLD

    private static boolean isChainingJump(Node n) {
        return n instanceof Rep r && !r.greedy() && r.node() instanceof Cls cl && count(cl.bits()) == 256
                && (r.min() > CHAINING_THRESHOLD || r.max() > CHAINING_THRESHOLD || r.max() < 0);
    }

    /**
     * Whether a regex has {@code .*}, {@code .+} or {@code .{x,}} at its top level or inside top-level
     * concatenations (not inside alternatives or repeats), where yara 4.2 warns that it will be slow.
     */
    static boolean hasUnboundedDot(Node n) {
        if (n instanceof Rep r) return r.max() < 0 && r.node() instanceof Cls c && isDot(c.bits());
        if (n instanceof Cat c) {
            for (Node x : c.items()) if (hasUnboundedDot(x)) return true;
        }
        return false;
    }

    /** {@code .} with or without the s flag. */
    private static boolean isDot(long[] w) {
        int c = count(w);
        return c == 256 || c == 255 && (w[0] & (1L << '\n')) == 0;
    }

    /** The items of nested concatenations in order (a wide regex wraps every byte in one). */
    private static List<Node> flat(Cat c, List<Node> out) {
        for (Node x : c.items()) {
            if (x instanceof Cat inner) flat(inner, out);
            else out.add(x);
        }
        return out;
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
                for (Node x : flat(c, new ArrayList<>())) {
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
