package dev.bulwark.engine.match;

import java.nio.ByteBuffer;

/**
 * Confirms pattern parts around an anchor hit. Only runs at candidate positions, walking the element
 * sequence forwards from the anchor and backwards from it; alternatives and short gaps branch, and
 * each branch is bounded by {@link #MAX_STEPS} so a hostile pattern/data pair cannot blow up.
 */
final class Verifier {
    /** Work budget per part verification (branches of alternatives and gaps). */
    private static final int MAX_STEPS = 4096;

    private final ByteBuffer d;
    private final int limit;
    private int steps;
    private final IntList out;

    private Verifier(ByteBuffer d, IntList out) {
        this.d = d;
        this.limit = d.limit();
        this.out = out;
    }

    /** Continuation frame: the rest of an enclosing sequence to match after the current one. */
    private record Frame(Elem[] seq, int idx, Frame parent) {}

    /** Adds to {@code ends} every position at which elements {@code [from..]} of part can end when starting at pos. */
    static void forward(ByteBuffer d, Elem[] part, int from, int pos, IntList ends) {
        Verifier v = new Verifier(d, ends);
        v.fwd(part, from, pos, null);
    }

    /** Adds to {@code starts} every position p such that elements {@code [0..to)} of part match d[p..pos). */
    static void backward(ByteBuffer d, Elem[] part, int to, int pos, IntList starts) {
        Verifier v = new Verifier(d, starts);
        v.bwd(part, to, pos, null);
    }

    private void fwd(Elem[] seq, int i, int pos, Frame k) {
        while (true) {
            if (++steps > MAX_STEPS) return;
            if (i == seq.length) {
                if (k == null) { out.addUnique(pos); return; }
                seq = k.seq; i = k.idx; k = k.parent;
                continue;
            }
            Elem e = seq[i];
            if (e instanceof Elem.Lit l) {
                if (pos >= limit || !l.matches(d.get(pos) & 0xFF)) return;
                pos++; i++;
            } else if (e instanceof Elem.Cls c) {
                if (pos >= limit || !c.matches(d.get(pos) & 0xFF)) return;
                pos++; i++;
            } else if (e instanceof Elem.Gap g) {
                for (int n = g.min(); n <= g.max() && pos + n <= limit; n++) fwd(seq, i + 1, pos + n, k);
                return;
            } else if (e instanceof Elem.Alt a) {
                Frame next = new Frame(seq, i + 1, k);
                for (Elem[] opt : a.options()) fwd(opt, 0, pos, next);
                return;
            } else if (e instanceof Elem.NegAlt n) {
                if (pos + n.len() > limit || anyMatchesAt(n.options(), pos)) return;
                pos += n.len(); i++;
            }
        }
    }

    private void bwd(Elem[] seq, int i, int pos, Frame k) {
        while (true) {
            if (++steps > MAX_STEPS) return;
            if (i == 0) {
                if (k == null) { out.addUnique(pos); return; }
                seq = k.seq; i = k.idx; k = k.parent;
                continue;
            }
            Elem e = seq[i - 1];
            if (e instanceof Elem.Lit l) {
                if (pos <= 0 || !l.matches(d.get(pos - 1) & 0xFF)) return;
                pos--; i--;
            } else if (e instanceof Elem.Cls c) {
                if (pos <= 0 || !c.matches(d.get(pos - 1) & 0xFF)) return;
                pos--; i--;
            } else if (e instanceof Elem.Gap g) {
                for (int n = g.min(); n <= g.max() && pos - n >= 0; n++) bwd(seq, i - 1, pos - n, k);
                return;
            } else if (e instanceof Elem.Alt a) {
                Frame next = new Frame(seq, i - 1, k);
                for (Elem[] opt : a.options()) bwd(opt, opt.length, pos, next);
                return;
            } else if (e instanceof Elem.NegAlt n) {
                if (pos - n.len() < 0 || anyMatchesAt(n.options(), pos - n.len())) return;
                pos -= n.len(); i--;
            }
        }
    }

    private boolean anyMatchesAt(Elem[][] options, int pos) {
        for (Elem[] o : options) {
            boolean ok = true;
            for (int j = 0; j < o.length && ok; j++) ok = ((Elem.Lit) o[j]).matches(d.get(pos + j) & 0xFF);
            if (ok) return true;
        }
        return false;
    }

    /** Longest span of elements [from, to) of a sequence, saturating at {@code Integer.MAX_VALUE}. */
    static int maxLen(Elem[] seq, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            Elem e = seq[i];
            if (e instanceof Elem.Gap g) n += g.max();
            else if (e instanceof Elem.NegAlt na) n += na.len();
            else if (e instanceof Elem.Alt a) {
                long m = 0;
                for (Elem[] o : a.options()) m = Math.max(m, maxLen(o, 0, o.length));
                n += m;
            } else n++;
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    static int minLen(Elem[] seq) {
        return minLen(seq, 0, seq.length);
    }

    /** Shortest span of elements [from, to) of a sequence. */
    static int minLen(Elem[] seq, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            Elem e = seq[i];
            if (e instanceof Elem.Gap g) n += g.min();
            else if (e instanceof Elem.NegAlt na) n += na.len();
            else if (e instanceof Elem.Alt a) {
                int m = Integer.MAX_VALUE;
                for (Elem[] o : a.options()) m = Math.min(m, minLen(o));
                n += m;
            } else n++;
        }
        return n;
    }

    // ---- context assertions ((B), (L), (W) at the pattern's ends) --------------------------------

    private static final long[] LEFT_BOUNDARY = bits(" -./<@_");
    private static final long[] RIGHT_BOUNDARY = bits("\n\r \"'-/=>_");
    private static final long[] ALNUM = bits("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static long[] bits(String chars) {
        long[] b = new long[4];
        for (char c : chars.toCharArray()) b[c >>> 6] |= 1L << c;
        return b;
    }

    private static boolean in(long[] set, int b) {
        return (set[b >>> 6] & (1L << b)) != 0;
    }

    static long[] nonAlnum(boolean negate) {
        long[] b = new long[4];
        for (int i = 0; i < 4; i++) b[i] = negate ? ALNUM[i] : ~ALNUM[i];
        return b;
    }

    static long[] boundaryAny(boolean negate) {
        long[] b = new long[4];
        for (int i = 0; i < 4; i++) {
            long v = LEFT_BOUNDARY[i] | RIGHT_BOUNDARY[i];
            b[i] = negate ? ~v : v;
        }
        return b;
    }

    /** Checks the assertion about the byte before {@code start} (start of data counts as a boundary). */
    static boolean leftOk(ByteBuffer d, int flags, int start) {
        if (flags == BodyPattern.A_NONE) return true;
        boolean r;
        if (start == 0) r = true;
        else {
            int b = d.get(start - 1) & 0xFF;
            if ((flags & BodyPattern.A_LINE) != 0) r = b == '\n';
            else if ((flags & BodyPattern.A_WORD) != 0) r = !in(ALNUM, b);
            else r = in(LEFT_BOUNDARY, b);
        }
        return r != ((flags & BodyPattern.A_NEGATE) != 0);
    }

    /** Checks the assertion about the byte at {@code end} (end of data counts as a boundary). */
    static boolean rightOk(ByteBuffer d, int flags, int end) {
        if (flags == BodyPattern.A_NONE) return true;
        boolean r;
        if (end >= d.limit()) r = true;
        else {
            int b = d.get(end) & 0xFF;
            if ((flags & BodyPattern.A_LINE) != 0) r = b == '\n' || b == '\r';
            else if ((flags & BodyPattern.A_WORD) != 0) r = !in(ALNUM, b);
            else r = in(RIGHT_BOUNDARY, b);
        }
        return r != ((flags & BodyPattern.A_NEGATE) != 0);
    }
}
