package dev.bulwark.engine.signatures.yara.re;

import dev.bulwark.engine.signatures.yara.re.Node.*;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses YARA's regular-expression dialect (as in YARA 4.x): literals, {@code .}, classes with ranges and
 * {@code \w \W \s \S \d \D}, anchors {@code ^ $ \b \B}, groups, alternation, and the quantifiers
 * {@code * + ? {n} {n,} {,m} {n,m}} with lazy forms. Like YARA, an unknown escape means the literal character
 * and a {@code {} that does not start a valid repetition is a literal.
 */
final class RegexParser {
    static final int MAX_REPEAT = 32767; // YARA's RE_MAX_RANGE
    private static final int MAX_NESTING = 100; // group nesting; bounds recursion on hostile input

    private final byte[] src;
    private final boolean dotAll;
    private final boolean nocase;
    private int p;
    private int depth;
    private boolean sawGreedy;
    private boolean sawLazy;

    private RegexParser(byte[] src, boolean dotAll, boolean nocase) {
        this.src = src;
        this.dotAll = dotAll;
        this.nocase = nocase;
    }

    /** nocase folds ASCII letters of literals and classes (before a class is negated, as YARA does). */
    static Node parse(byte[] src, boolean dotAll, boolean nocase) throws RegexException {
        RegexParser rp = new RegexParser(src, dotAll, nocase);
        Node n = rp.alternation();
        if (rp.p < src.length) throw new RegexException("unbalanced parenthesis");
        if (rp.sawGreedy && rp.sawLazy) throw new RegexException("greedy and ungreedy quantifiers can't be mixed");
        return n;
    }

    private Node alternation() throws RegexException {
        List<Node> alts = new ArrayList<>();
        alts.add(concat());
        while (p < src.length && src[p] == '|') {
            p++;
            alts.add(concat());
        }
        if (alts.size() == 1) return alts.get(0);
        for (Node a : alts) {
            if (a instanceof Empty && alts.indexOf(a) != alts.size() - 1) throw new RegexException("empty alternative");
        }
        return new Alt(alts);
    }

    private Node concat() throws RegexException {
        List<Node> items = new ArrayList<>();
        while (p < src.length && src[p] != '|' && src[p] != ')') {
            Node atom = atom();
            items.add(quantifier(atom));
        }
        if (items.isEmpty()) return new Empty();
        return items.size() == 1 ? items.get(0) : new Cat(items);
    }

    private Node quantifier(Node atom) throws RegexException {
        while (p < src.length) {
            int c = src[p] & 0xFF;
            int min, max;
            int save = p;
            if (c == '*') {
                min = 0;
                max = -1;
                p++;
            } else if (c == '+') {
                min = 1;
                max = -1;
                p++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                p++;
            } else if (c == '{') {
                int[] r = repetition();
                if (r == null) {
                    p = save;
                    return atom;
                }
                min = r[0];
                max = r[1];
            } else {
                return atom;
            }
            if (atom instanceof Assert || atom instanceof Empty) throw new RegexException("nothing to repeat");
            if (atom instanceof Rep) throw new RegexException("nested quantifier");
            boolean greedy = true;
            if (p < src.length && src[p] == '?') {
                greedy = false;
                p++;
            }
            if (greedy) sawGreedy = true;
            else sawLazy = true;
            atom = new Rep(atom, min, max, greedy);
        }
        return atom;
    }

    /** Parses {n}, {n,}, {,m}, {n,m} at p; returns null (position unchanged by caller) if it is not one. */
    private int[] repetition() throws RegexException {
        int q = p + 1;
        long lo = -1, hi;
        int s = q;
        while (q < src.length && src[q] >= '0' && src[q] <= '9') q++;
        if (q > s) lo = parseBounded(s, q);
        if (q < src.length && src[q] == '}') {
            if (lo < 0) return null;
            hi = lo;
        } else if (q < src.length && src[q] == ',') {
            q++;
            int s2 = q;
            while (q < src.length && src[q] >= '0' && src[q] <= '9') q++;
            if (q >= src.length || src[q] != '}') return null;
            hi = q > s2 ? parseBounded(s2, q) : -1;
            if (lo < 0) {
                if (hi < 0) return null;
                lo = 0;
            }
        } else {
            return null;
        }
        p = q + 1;
        if (lo > MAX_REPEAT || hi > MAX_REPEAT) throw new RegexException("repeat interval too large");
        if (hi >= 0 && hi < lo) throw new RegexException("bad repeat interval");
        return new int[] {(int) lo, (int) hi};
    }

    private long parseBounded(int s, int e) {
        if (e - s > 9) return Long.MAX_VALUE / 2;
        return Long.parseLong(new String(src, s, e - s, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private Node atom() throws RegexException {
        int c = src[p] & 0xFF;
        switch (c) {
            case '(' -> {
                if (++depth > MAX_NESTING) throw new RegexException("too many nested groups");
                p++;
                Node inner = alternation();
                if (p >= src.length || src[p] != ')') throw new RegexException("missing closing parenthesis");
                p++;
                depth--;
                if (inner instanceof Empty) throw new RegexException("empty group");
                return new Cat(List.of(inner)); // a group: may be quantified even if it ends in a quantifier
            }
            case '[' -> {
                p++;
                return cls();
            }
            case '.' -> {
                p++;
                Cls any = Cls.any();
                if (!dotAll) any.bits()[0] &= ~(1L << '\n');
                return any;
            }
            case '^' -> {
                p++;
                return new Assert(AssertKind.BEGIN);
            }
            case '$' -> {
                p++;
                return new Assert(AssertKind.END);
            }
            case '\\' -> {
                p++;
                if (p >= src.length) throw new RegexException("trailing backslash");
                int e = src[p] & 0xFF;
                if (e == 'b' || e == 'B') {
                    p++;
                    return new Assert(e == 'b' ? AssertKind.WORD_BOUNDARY : AssertKind.NOT_WORD_BOUNDARY);
                }
                long[] bits = new long[4];
                escape(bits);
                return new Cls(fold(bits));
            }
            case '*', '+', '?' -> throw new RegexException("nothing to repeat");
            case ')' -> throw new RegexException("unbalanced parenthesis");
            default -> {
                p++;
                return new Cls(fold(Cls.of(c).bits()));
            }
        }
    }

    /** Reads an escape at p (after the backslash) and adds its bytes to bits. */
    private void escape(long[] bits) throws RegexException {
        int e = src[p++] & 0xFF;
        switch (e) {
            case 'w' -> addWord(bits, false);
            case 'W' -> addWord(bits, true);
            case 's' -> addSpace(bits, false);
            case 'S' -> addSpace(bits, true);
            case 'd' -> addRange(bits, '0', '9', false);
            case 'D' -> addRange(bits, '0', '9', true);
            case 'n' -> set(bits, '\n');
            case 't' -> set(bits, '\t');
            case 'r' -> set(bits, '\r');
            case 'f' -> set(bits, '\f');
            case 'a' -> set(bits, 7);
            case 'x' -> {
                if (p + 1 >= src.length) throw new RegexException("illegal escape sequence");
                int h1 = Character.digit(src[p] & 0xFF, 16), h2 = Character.digit(src[p + 1] & 0xFF, 16);
                if (h1 < 0 || h2 < 0) throw new RegexException("illegal escape sequence");
                p += 2;
                set(bits, h1 * 16 + h2);
            }
            default -> set(bits, e);
        }
    }

    private Node cls() throws RegexException {
        long[] bits = new long[4];
        boolean negate = false;
        if (p < src.length && src[p] == '^') {
            negate = true;
            p++;
        }
        boolean first = true;
        while (true) {
            if (p >= src.length) throw new RegexException("missing terminating ] for character class");
            int c = src[p] & 0xFF;
            if (c == ']' && !first) {
                p++;
                break;
            }
            first = false;
            int lo;
            if (c == '\\') {
                p++;
                if (p >= src.length) throw new RegexException("missing terminating ] for character class");
                int e = src[p] & 0xFF;
                if ("wWsSdD".indexOf(e) >= 0) {
                    escape(bits);
                    continue;
                }
                long[] one = new long[4];
                escape(one);
                lo = single(one);
            } else {
                lo = c;
                p++;
            }
            if (p + 1 < src.length && src[p] == '-' && src[p + 1] != ']') {
                p++;
                int hi;
                if (src[p] == '\\') {
                    p++;
                    if (p >= src.length) throw new RegexException("missing terminating ] for character class");
                    long[] one = new long[4];
                    escape(one);
                    hi = single(one);
                } else {
                    hi = src[p++] & 0xFF;
                }
                if (hi < lo) throw new RegexException("bad character range");
                addRange(bits, lo, hi, false);
            } else {
                set(bits, lo);
            }
        }
        fold(bits);
        if (negate) {
            for (int i = 0; i < 4; i++) bits[i] = ~bits[i];
        }
        return new Cls(bits);
    }

    private long[] fold(long[] bits) {
        if (!nocase) return bits;
        for (int b = 'A'; b <= 'Z'; b++) {
            boolean has = (bits[b >> 6] & (1L << (b & 63))) != 0 || (bits[(b + 32) >> 6] & (1L << ((b + 32) & 63))) != 0;
            if (has) {
                set(bits, b);
                set(bits, b + 32);
            }
        }
        return bits;
    }

    private static int single(long[] bits) throws RegexException {
        int found = -1;
        for (int b = 0; b < 256; b++) {
            if ((bits[b >> 6] & (1L << (b & 63))) != 0) {
                if (found >= 0) throw new RegexException("bad character range");
                found = b;
            }
        }
        return found;
    }

    private static void set(long[] bits, int b) {
        bits[b >> 6] |= 1L << (b & 63);
    }

    private static void addRange(long[] bits, int lo, int hi, boolean negate) {
        long[] t = new long[4];
        for (int b = lo; b <= hi; b++) set(t, b);
        for (int i = 0; i < 4; i++) bits[i] |= negate ? ~t[i] : t[i];
    }

    private static void addWord(long[] bits, boolean negate) {
        long[] t = new long[4];
        addRange(t, 'a', 'z', false);
        addRange(t, 'A', 'Z', false);
        addRange(t, '0', '9', false);
        set(t, '_');
        for (int i = 0; i < 4; i++) bits[i] |= negate ? ~t[i] : t[i];
    }

    private static void addSpace(long[] bits, boolean negate) {
        long[] t = new long[4];
        for (int b : new int[] {' ', '\t', '\n', 0x0B, '\f', '\r'}) set(t, b);
        for (int i = 0; i < 4; i++) bits[i] |= negate ? ~t[i] : t[i];
    }
}
