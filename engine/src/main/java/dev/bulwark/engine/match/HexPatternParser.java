package dev.bulwark.engine.match;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses ClamAV's body-signature hex syntax (clamav-notes §1.2) into {@link BodyPattern}s, enforcing
 * the same structural rules ClamAV enforces at load time so that a database valid here is valid there.
 */
public final class HexPatternParser {
    /** ClamAV rewrites {n} into n single wildcards below this, and splits the pattern at or above it. */
    private static final int MAX_INLINE_WILDCARDS = 128;
    /** Bound of a single-byte anchor range [x-y]. */
    private static final int MAX_ANCHOR_RANGE = 32;
    /** ClamAV allows this many nesting levels of generic alternatives. */
    private static final int MAX_ALT_DEPTH = 15;
    /** Atoms are at most this long: the automaton keys on 4-byte words. */
    static final int MAX_ATOM = 4;
    /** Case-insensitive atoms expand to at most this many byte variants. */
    private static final int MAX_ATOM_VARIANTS = 16;
    /** log2 of MAX_ATOM_VARIANTS: case-folded bytes an anchor may hold. */
    static final int MAX_FOLDED_IN_ATOM = 4;

    /** Matching modifiers of logical-signature subsignatures ({@code ::i w a f}). */
    public record Modifiers(boolean nocase, boolean wide, boolean ascii, boolean fullword) {
        public static final Modifiers NONE = new Modifiers(false, false, false, false);
    }

    private final String s;
    private int p;
    private boolean special;   // any token other than plain hex pairs (plain patterns need 3 bytes)
    private boolean negated; // a negated alternative: invalid together with ::modifiers, as in ClamAV
    /**
     * Elements of the current top-level part so far (hex pairs, inlined wildcards, alternatives): bounded while
     * tokenizing, so that a line of {127}{127}... fails with "part too long" before it becomes 32 times as many
     * tokens (a 1 MiB line was 816 MB RSS); part() still checks the exact count (wide doubles it).
     */
    private long partElems;

    private HexPatternParser(String s) {
        this.s = s;
    }

    /** Parses a pattern with no modifiers (.ndb, .db, .ftm). */
    public static BodyPattern parse(String hex) throws PatternException {
        return parse(hex, Modifiers.NONE).get(0);
    }

    /**
     * Parses a pattern matched by ClamAV's Aho-Corasick path only (VersionInfo {@code VI} signatures),
     * where a plain pattern of two bytes is enough.
     */
    public static BodyPattern parseTwoByteMinimum(String hex) throws PatternException {
        BodyPattern flat = FlatHexParser.parse(hex, true);
        if (flat != null) return flat;
        return build(new HexPatternParser(hex).tokens(), Modifiers.NONE, false, true);
    }

    /** Parses a pattern; the wide+ascii modifier yields two patterns (both variants). */
    public static List<BodyPattern> parse(String hex, Modifiers mods) throws PatternException {
        return parse(hex, mods, false);
    }

    /**
     * Parses a logical-signature subsignature: ClamAV matches those on its Aho-Corasick path only, where
     * a plain pattern of two bytes is enough (the 3-byte rule is the Boyer-Moore path's).
     */
    public static List<BodyPattern> parseSubsignature(String hex, Modifiers mods) throws PatternException {
        return parse(hex, mods, true);
    }

    private static List<BodyPattern> parse(String hex, Modifiers mods, boolean twoByteMinimum) throws PatternException {
        if (!mods.nocase() && !mods.wide() && !mods.ascii() && !mods.fullword()) {
            BodyPattern flat = FlatHexParser.parse(hex, twoByteMinimum);
            if (flat != null) {
                List<BodyPattern> out = new ArrayList<>(2);
                out.add(flat);
                return out;
            }
        }
        return parseTokens(hex, mods, twoByteMinimum);
    }

    /** The token path, for every pattern (the flat path's reference in FlatHexParserTest). */
    static List<BodyPattern> parseTokens(String hex, Modifiers mods, boolean twoByteMinimum) throws PatternException {
        HexPatternParser pp = new HexPatternParser(hex);
        List<Object> toks = pp.tokens();
        boolean anyMods = mods.nocase() || mods.wide() || mods.ascii() || mods.fullword();
        if (anyMods && pp.negated)
            throw new PatternException("can't apply negation operation to generic alternate strings");
        List<BodyPattern> out = new ArrayList<>(2);
        boolean wide = mods.wide();
        boolean ascii = !wide || mods.ascii();
        if (wide) out.add(build(toks, mods, true, pp.special || twoByteMinimum));
        if (ascii) out.add(build(toks, mods, false, pp.special || twoByteMinimum));
        return out;
    }

    /** Marker tokens produced by the tokenizer. */
    private record Split(int min, int max) {}
    private record Assert(int flags) {}
    private record Anchor(int min, int max) {}

    // ---- tokenizer -------------------------------------------------------------------------------

    /** The whole pattern as tokens; fails on an empty pattern or anything left unparsed. */
    private List<Object> tokens() throws PatternException {
        if (s.isEmpty()) throw new PatternException("empty pattern");
        List<Object> toks = sequence(0, false);
        if (p != s.length()) throw new PatternException("unexpected '" + s.charAt(p) + "' at column " + (p + 1));
        return toks;
    }

    private List<Object> sequence(int depth, boolean inAlt) throws PatternException {
        // presized for the usual case, one token per hex pair (the loader runs on C1, where growth copies cost)
        List<Object> out = new ArrayList<>(inAlt ? 4 : (s.length() - p) / 2 + 1);
        while (p < s.length()) {
            char c = s.charAt(p);
            if (c == '|' || c == ')') {
                if (!inAlt) throw new PatternException("unbalanced '" + c + "' at column " + (p + 1));
                break;
            }
            if (depth == 0) {
                checkPartElems();
                if (c != '{' && c != '*') partElems++; // one element (an edge assertion is none: the bound has slack)
            }
            if (c == '*') {
                if (inAlt) throw new PatternException("alternative strings cannot contain unbounded wildcards");
                special = true;
                p++;
                out.add(new Split(0, -1));
                partElems = 0;
            } else if (c == '{') {
                special = true;
                int close = s.indexOf('}', p);
                if (close < 0) throw new PatternException("missing '}' at column " + (p + 1));
                String body = s.substring(p + 1, close);
                p = close + 1;
                range(body, out, inAlt);
            } else if (c == '[') {
                if (inAlt) throw new PatternException("alternative strings cannot contain [x-y] anchors");
                special = true;
                int close = s.indexOf(']', p);
                if (close < 0) throw new PatternException("missing ']' at column " + (p + 1));
                String body = s.substring(p + 1, close);
                p = close + 1;
                int dash = body.indexOf('-');
                if (dash < 0) throw new PatternException("bad anchor range [" + body + "]");
                int x = num(body.substring(0, dash)), y = num(body.substring(dash + 1));
                if (x < 0 || y < x || y > MAX_ANCHOR_RANGE)
                    throw new PatternException("anchor range [" + body + "] must satisfy 0 <= x <= y <= 32");
                out.add(new Anchor(x, y));
            } else if (c == '(' || (c == '!' && p + 1 < s.length() && s.charAt(p + 1) == '(')) {
                special = true;
                boolean neg = c == '!';
                p += neg ? 2 : 1;
                if (p + 1 < s.length() && s.charAt(p + 1) == ')' && "BLW".indexOf(s.charAt(p)) >= 0) {
                    char k = s.charAt(p);
                    p += 2;
                    int f = k == 'B' ? BodyPattern.A_BOUNDARY : k == 'L' ? BodyPattern.A_LINE : BodyPattern.A_WORD;
                    out.add(new Assert(f | (neg ? BodyPattern.A_NEGATE : 0)));
                    continue;
                }
                if (depth >= MAX_ALT_DEPTH) throw new PatternException("alternatives nested too deeply");
                List<List<Object>> options = new ArrayList<>();
                while (true) {
                    options.add(sequence(depth + 1, true));
                    if (p >= s.length()) throw new PatternException("missing ')'");
                    char d = s.charAt(p++);
                    if (d == ')') break;
                }
                out.add(alternative(options, neg));
                if (neg) negated = true; // ClamAV rejects any negated alternative once ::modifiers are given
            } else {
                if (p + 1 >= s.length()) throw new PatternException("odd number of hex digits");
                out.add(byteToken(s.charAt(p), s.charAt(p + 1)));
                p += 2;
            }
        }
        return out;
    }

    /**
     * A {@code {...}} wildcard as libclamav 1.4.6 reads it (clamscan runs, EmptyRangeWildcardTest and
     * GapCountDifferentialTest): {@code {n}} whose strtol value (white space and '+' allowed before the digits,
     * nothing after them) is 1 to 127 is n single wildcards; any other {@code {n}} must be digits only (or empty)
     * and is a gap of atoi(n) bytes (saturated to 64 bits, then the low 32: 4294967301 is 5, 2147483648 is
     * negative and refused); a gap of 0 ({@code {0}}, {@code {}}, {@code {4294967296}}) is unbounded, as '*'.
     * A range is split at its runs of '-': {@code {-m}} (one count after a leading '-', none is {@code {-}}),
     * {@code {n-}} or {@code {n-m}}, counts of digits only, read as above; a maximum of 0 is unbounded
     * ({@code {5-0}} is {@code {5-}}), and a minimum above the maximum ({@code {2-1}}) loads and never matches.
     */
    private void range(String body, List<Object> out, boolean inAlt) throws PatternException {
        int dash = body.indexOf('-');
        if (dash < 0) {
            long sv = strtolWhole(body);
            if (sv >= 1 && sv < MAX_INLINE_WILDCARDS) {
                if (!inAlt) {
                    partElems += sv;
                    checkPartElems();
                }
                for (int i = 0; i < sv; i++) out.add(Elem.lit((byte) 0, (byte) 0));
                return;
            }
            int n = digitsOnly(body, 0, body.length()) ? atoi(body, 0, body.length()) : -1;
            if (n < 0) throw new PatternException("bad wildcard {" + body + "}");
            if (inAlt) throw new PatternException("alternative strings cannot contain large wildcards");
            out.add(n == 0 ? new Split(0, -1) : new Split(n, n));
            partElems = 0;
            return;
        }
        if (inAlt) throw new PatternException("unsupported ranged wildcard inside alternative strings");
        boolean lead = dash == 0;
        int[] cnt = new int[3];
        int k = 0;
        for (int i = 0; i < body.length(); ) {
            if (body.charAt(i) == '-') { i++; continue; }
            int j = i;
            while (j < body.length() && body.charAt(j) != '-') j++;
            if (k == 2 || (lead && k == 1) || !digitsOnly(body, i, j)) throw new PatternException("bad wildcard range {" + body + "}");
            int v = atoi(body, i, j);
            if (v < 0) throw new PatternException("bad wildcard range {" + body + "}");
            cnt[k++] = v;
            i = j;
        }
        int min = lead ? 0 : cnt[0];
        int max = lead ? (k == 0 ? 0 : cnt[0]) : (k == 2 ? cnt[1] : 0);
        // a maximum of 0 is no maximum; min > max loads and never matches (as in clamscan)
        out.add(new Split(min, max == 0 ? -1 : max));
        partElems = 0;
    }

    /** The early bound of a part's length (part() checks the exact one); 2 of slack for edge assertions. */
    private void checkPartElems() throws PatternException {
        if (partElems > PatternCodec.MAX_ELEMS + 2)
            throw new PatternException("part too long: more than " + PatternCodec.MAX_ELEMS + " elements (at most "
                    + PatternCodec.MAX_ELEMS + ")");
    }

    /** s[from, to) is decimal digits only (possibly none): libclamav's cli_isnumber. */
    static boolean digitsOnly(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    /**
     * C's atoi of the digits s[from, to) on a 64-bit libc: strtol, saturated at 2^63-1, cast to a 32-bit int
     * (so 4294967301 is 5 and 2147483648 is negative; callers refuse negative counts).
     */
    static int atoi(String s, int from, int to) {
        return (int) strtol(s, from, to);
    }

    /** The decimal digits s[from, to) as strtol reads them: saturated at 2^63-1. */
    private static long strtol(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (v > (Long.MAX_VALUE - d) / 10) return Long.MAX_VALUE;
            v = v * 10 + d;
        }
        return v;
    }

    /** strtol(s) when white space, an optional '+', then digits make all of s; else -1 (saturated at 2^63-1). */
    private static long strtolWhole(String s) {
        int i = 0;
        while (i < s.length() && " \t\n\u000B\f\r".indexOf(s.charAt(i)) >= 0) i++;
        if (i < s.length() && s.charAt(i) == '+') i++;
        if (i == s.length() || !digitsOnly(s, i, s.length())) return -1;
        return strtol(s, i, s.length());
    }

    private static int num(String t) {
        return num(t, 0, t.length());
    }

    /** s[from, to) as 1 to 9 decimal digits, else -1 (FlatHexParser reads counts in place with it). */
    static int num(String s, int from, int to) {
        if (to <= from || to - from > 9) return -1;
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    static int hexVal(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private Elem.Lit byteToken(char hi, char lo) throws PatternException {
        int h = hi == '?' ? 0 : hexVal(hi), l = lo == '?' ? 0 : hexVal(lo);
        if (h < 0 || l < 0) throw new PatternException("invalid hex character at column " + (p + 1));
        if (hi == '?' || lo == '?') special = true;
        int mask = (hi == '?' ? 0 : 0xF0) | (lo == '?' ? 0 : 0x0F);
        return Elem.lit((byte) ((h << 4) | l), (byte) mask);
    }

    private static Elem alternative(List<List<Object>> options, boolean neg) throws PatternException {
        boolean allSingle = true, fixed = true, plain = true;
        int len = -1;
        Elem[][] seqs = new Elem[options.size()][];
        for (int i = 0; i < options.size(); i++) {
            List<Object> o = options.get(i);
            Elem[] seq = new Elem[o.size()];
            for (int j = 0; j < o.size(); j++) {
                if (!(o.get(j) instanceof Elem e)) throw new PatternException("assertions are not allowed inside alternatives");
                seq[j] = e;
                if (!(e instanceof Elem.Lit l && l.exact())) plain = false;
            }
            seqs[i] = seq;
            if (seq.length != 1) allSingle = false;
            if (len >= 0 && len != seq.length) fixed = false;
            len = seq.length;
        }
        if (len == 0) throw new PatternException("empty alternative");
        if (allSingle && plain) {
            int[] bytes = new int[seqs.length];
            for (int i = 0; i < seqs.length; i++) bytes[i] = ((Elem.Lit) seqs[i][0]).value() & 0xFF;
            return Elem.classOf(neg, bytes);
        }
        if (neg) {
            if (!fixed || !plain) throw new PatternException("can't apply negation operation to generic alternate strings");
            return new Elem.NegAlt(seqs, len);
        }
        return new Elem.Alt(seqs);
    }

    // ---- assembly --------------------------------------------------------------------------------

    private static BodyPattern build(List<Object> toks, Modifiers mods, boolean wide, boolean special) throws PatternException {
        List<Object> t = toks; // read only: the edge assertions are left out by index, not removed from a copy
        int n0 = t.size();
        // ClamAV rejects a [x-y] anchor whose single byte touches a (B)/(L)/(W) assertion
        if ((n0 >= 3 && t.get(0) instanceof Assert && t.get(1) instanceof Elem && t.get(2) instanceof Anchor)
                || (n0 >= 3 && t.get(n0 - 1) instanceof Assert && t.get(n0 - 2) instanceof Elem && t.get(n0 - 3) instanceof Anchor)) {
            throw new PatternException("a [x-y] anchored byte cannot be next to a boundary assertion");
        }
        int left = BodyPattern.A_NONE, right = BodyPattern.A_NONE;
        int from = 0, to = n0;
        if (from < to && t.get(from) instanceof Assert a) { left = a.flags(); from++; }
        if (from < to && t.get(to - 1) instanceof Assert a) { right = a.flags(); to--; }
        if (mods.fullword()) {
            if (left == BodyPattern.A_NONE) left = BodyPattern.A_WORD;
            if (right == BodyPattern.A_NONE) right = BodyPattern.A_WORD;
        }
        List<Elem[]> parts = new ArrayList<>();
        List<int[]> gaps = new ArrayList<>();
        List<Object> cur = new ArrayList<>(to - from);
        int[] pendingGap = {0, 0};
        for (int k = from; k < to; k++) {
            Object o = t.get(k);
            if (o instanceof Split sp) {
                parts.add(part(cur, mods, wide));
                gaps.add(pendingGap);
                pendingGap = new int[] {sp.min(), sp.max()};
                cur = new ArrayList<>();
            } else {
                cur.add(o);
            }
        }
        parts.add(part(cur, mods, wide));
        gaps.add(pendingGap);
        if (!special) {
            int n = parts.get(0).length;
            if (n < 3 * (wide ? 2 : 1)) throw new PatternException("pattern too short: plain patterns need at least 3 bytes");
        }
        int np = parts.size();
        if (np > PatternCodec.MAX_PARTS)
            throw new PatternException("too many parts: " + np + " (a pattern holds at most " + PatternCodec.MAX_PARTS + ")");
        int[] gmin = new int[np], gmax = new int[np], ae = new int[np], al = new int[np];
        byte[][][] av = new byte[np][][];
        Elem[][] pa = parts.toArray(new Elem[parts.size()][]); // presized: see part()
        for (int i = 0; i < np; i++) {
            gmin[i] = gaps.get(i)[0];
            gmax[i] = gaps.get(i)[1];
            chooseAnchor(pa[i], i, ae, al, av);
        }
        return new BodyPattern(pa, gmin, gmax, left, right, ae, al, av);
    }

    /** Turns the tokens of one part into elements: middle assertions consume a byte, anchors become gaps. */
    private static Elem[] part(List<Object> toks, Modifiers mods, boolean wide) throws PatternException {
        int anchors = 0;
        for (int i = 0; i < toks.size(); i++) {
            if (toks.get(i) instanceof Anchor) {
                anchors++;
                int l = 0, r = 0;
                for (int j = i - 1; j >= 0 && toks.get(j) instanceof Elem; j--) l++;
                for (int j = i + 1; j < toks.size() && toks.get(j) instanceof Elem; j++) r++;
                if (!((l == 1 && r >= 2) || (r == 1 && l >= 2)))
                    throw new PatternException("[x-y] anchors need exactly one byte on one side and at least two on the other");
            }
        }
        if (anchors > 2) throw new PatternException("too many [x-y] anchors");
        List<Elem> out = new ArrayList<>(wide ? 2 * toks.size() : toks.size());
        for (Object o : toks) {
            if (o instanceof Anchor a) {
                out.add(new Elem.Gap(a.min() * (wide ? 2 : 1), a.max() * (wide ? 2 : 1)));
            } else if (o instanceof Assert a) {
                out.add(consumingAssert(a.flags()));
            } else {
                Elem e = (Elem) o;
                if (mods.nocase()) e = fold(e);
                out.add(e);
                if (wide) widenInto(e, out);
            }
        }
        // presized: toArray(new Elem[0]) allocates reflectively (Array.newArray), which only C2 makes cheap, and
        // the loader runs on C1 (3-5% of the medium database's warm C1 load was in that path)
        if (out.size() > PatternCodec.MAX_ELEMS)
            throw new PatternException("part too long: " + out.size() + " elements (at most " + PatternCodec.MAX_ELEMS + ")");
        Elem[] arr = out.toArray(new Elem[out.size()]);
        if (longestStaticRun(arr) < 2) throw new PatternException("can't find a static subpattern of length 2");
        return arr;
    }

    private static void widenInto(Elem e, List<Elem> out) {
        if (e instanceof Elem.Lit l && l.mask() != 0) out.add(Elem.lit((byte) 0, (byte) 0xFF));
        else if (e instanceof Elem.Alt a) {
            Elem[][] w = new Elem[a.options().length][];
            for (int i = 0; i < w.length; i++) {
                List<Elem> seq = new ArrayList<>();
                for (Elem x : a.options()[i]) { seq.add(x); widenInto(x, seq); }
                w[i] = seq.toArray(new Elem[seq.size()]);
            }
            out.set(out.size() - 1, new Elem.Alt(w));
        }
    }

    private static Elem fold(Elem e) {
        if (e instanceof Elem.Cls c) {
            long[] b = c.bits().clone();
            for (int v = 'A'; v <= 'Z'; v++) {
                if (c.matches(v) || c.matches(v | 0x20)) {
                    b[v >>> 6] |= 1L << v;
                    b[(v | 0x20) >>> 6] |= 1L << (v | 0x20);
                }
            }
            return new Elem.Cls(b);
        }
        if (e instanceof Elem.Lit l && l.exact()) {
            int v = l.value() & 0xFF;
            if ((v >= 'a' && v <= 'z') || (v >= 'A' && v <= 'Z')) return Elem.lit((byte) (v & 0xDF), (byte) 0xDF);
        }
        if (e instanceof Elem.Alt a) {
            Elem[][] f = new Elem[a.options().length][];
            for (int i = 0; i < f.length; i++) {
                f[i] = new Elem[a.options()[i].length];
                for (int j = 0; j < f[i].length; j++) f[i][j] = fold(a.options()[i][j]);
            }
            return new Elem.Alt(f);
        }
        return e;
    }

    private static Elem consumingAssert(int flags) {
        boolean neg = (flags & BodyPattern.A_NEGATE) != 0;
        if ((flags & BodyPattern.A_LINE) != 0) {
            if (neg) return Elem.classOf(true, '\n', '\r');
            return new Elem.Alt(new Elem[][] {
                {Elem.lit((byte) '\n', (byte) 0xFF)},
                {Elem.lit((byte) '\r', (byte) 0xFF), Elem.lit((byte) '\n', (byte) 0xFF)}});
        }
        if ((flags & BodyPattern.A_WORD) != 0) return new Elem.Cls(Verifier.nonAlnum(neg));
        return new Elem.Cls(Verifier.boundaryAny(neg));
    }

    static boolean isStatic(Elem e) {
        return e instanceof Elem.Lit l && (l.exact() || l.folded());
    }

    private static int longestStaticRun(Elem[] a) {
        int best = 0, run = 0;
        for (Elem e : a) {
            run = isStatic(e) ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }

    /** Picks the rarest window of up to 4 static bytes in the part as its anchor. */
    private static void chooseAnchor(Elem[] part, int pi, int[] ae, int[] al, byte[][][] av) {
        int bestStart = -1, bestLen = 0;
        double bestScore = -1;
        int runEnd = 0; // end of the static run holding i: each element is classified once, not MAX_ATOM times
        for (int i = 0; i < part.length; i++) {
            if (i >= runEnd) {
                if (!isStatic(part[i])) continue;
                runEnd = i + 1;
                while (runEnd < part.length && isStatic(part[runEnd])) runEnd++;
            }
            int len = Math.min(runEnd - i, MAX_ATOM);
            int folded = 0;
            for (int k = 0; k < len; k++) if (((Elem.Lit) part[i + k]).folded()) folded++;
            while (len > 2 && (1 << folded) > MAX_ATOM_VARIANTS) {
                if (((Elem.Lit) part[i + len - 1]).folded()) folded--;
                len--;
            }
            if (len < 2) continue;
            double score = len * 10;
            for (int k = 0; k < len; k++) score += rarity(((Elem.Lit) part[i + k]).value() & 0xFF);
            score -= folded * 2;
            if (score > bestScore) { bestScore = score; bestStart = i; bestLen = len; }
        }
        ae[pi] = bestStart;
        al[pi] = bestLen;
        av[pi] = variants(part, bestStart, bestLen);
    }

    /** Byte strings an anchor of static elements can be: one per combination of case-folded letters. */
    static byte[][] variants(Elem[] part, int start, int len) {
        List<byte[]> vars = new ArrayList<>();
        vars.add(new byte[len]);
        for (int k = 0; k < len; k++) {
            Elem.Lit l = (Elem.Lit) part[start + k];
            int v = l.value() & 0xFF;
            int n = vars.size();
            for (int j = 0; j < n; j++) {
                vars.get(j)[k] = (byte) v;
                if (l.folded()) {
                    byte[] c = vars.get(j).clone();
                    c[k] = (byte) (v | 0x20);
                    vars.add(c);
                }
            }
        }
        return vars.toArray(new byte[vars.size()][]);
    }

    /** Rough rarity of a byte in real files: zero, 0xFF, spaces and common x86 fillers are frequent. */
    static double rarity(int b) {
        return RARITY[b];
    }

    /**
     * {@link #rarity} of every byte, as a table: it is asked for every static byte of every anchor window
     * the parser and the planner try (a switch of 13 cases per byte was 3% of the medium database's load).
     */
    private static final double[] RARITY = new double[256];

    static {
        for (int b = 0; b < 256; b++) {
            RARITY[b] = switch (b) {
                case 0x00 -> 0;
                case 0xFF, 0x20, 0xCC, 0x90 -> 1;
                case 0x01, 0x02, 0x0A, 0x0D, 0x8B, 0x48, 0x89, 0xE8 -> 2;
                default -> (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ? 3 : 4;
            };
        }
    }
}
