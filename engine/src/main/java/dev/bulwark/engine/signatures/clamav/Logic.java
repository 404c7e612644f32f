package dev.bulwark.engine.signatures.clamav;

/**
 * A logical expression over subsignature counts, parsed with ClamAV's grammar: no operator
 * precedence, split at the first top-level {@code &} or {@code |} and recurse on the right side
 * (so {@code 0&1|2} means {@code 0&(1|2)}), counts compared with {@code =X >X <X} and {@code ,Y}.
 */
public sealed interface Logic {

    /** Result of evaluating a node: truth, the count it contributes, the distinct subsignatures behind it. */
    final class Val {
        boolean t;
        long count;
        long distinct;
    }

    record Sub(int index, char op, long x) implements Logic {}

    record Bin(boolean and, Logic left, Logic right) implements Logic {}

    record Block(Logic inner, char op, long x, int y) implements Logic {}

    // instanceof chains, not pattern switches: a type switch is linked through invokedynamic, which
    // the JDK's AOT cache cannot keep, and linking it costs every one-file scan ~30 generated classes

    /** Highest subsignature index referenced. */
    static int maxIndex(Logic l) {
        if (l instanceof Sub s) return s.index();
        if (l instanceof Bin b) return Math.max(maxIndex(b.left()), maxIndex(b.right()));
        return maxIndex(((Block) l).inner());
    }

    /** Evaluates with per-subsignature counts. */
    static boolean eval(Logic l, int[] counts) {
        Val v = new Val();
        eval(l, counts, v);
        return v.t;
    }

    private static void eval(Logic l, int[] counts, Val out) {
        if (l instanceof Sub s) {
            int c = s.index() < counts.length ? counts[s.index()] : 0;
            out.t = s.op() == 0 ? c > 0 : compare(c, s.op(), s.x());
            out.count = out.t ? c : 0;
            // libclamav counts a compared subsignature as seen when the comparison holds, even at 0 ((0<1&1)>0,2)
            out.distinct = out.t ? 1L << s.index() : 0;
        } else if (l instanceof Bin b) {
            Val r = new Val();
            eval(b.left(), counts, out);
            eval(b.right(), counts, r);
            boolean t = b.and() ? out.t && r.t : out.t || r.t;
            long cnt = (out.t ? out.count : 0) + (r.t ? r.count : 0);
            long dis = (out.t ? out.distinct : 0) | (r.t ? r.distinct : 0);
            out.t = t;
            out.count = t ? cnt : 0;
            out.distinct = t ? dis : 0;
        } else if (l instanceof Block k) {
            eval(k.inner(), counts, out);
            if (k.op() != 0) {
                long cnt = out.t ? out.count : 0;
                boolean t = compare(cnt, k.op(), k.x()) && (k.y() == 0 || Long.bitCount(out.distinct) >= Integer.toUnsignedLong(k.y()));
                out.t = t;
                out.count = t ? cnt : 0;
                out.distinct = 0; // libclamav passes a counted group's count up, not its subsignatures
            }
        }
    }

    private static boolean compare(long c, char op, long x) {
        return switch (op) {
            case '=' -> c == x;
            case '>' -> c > x;
            case '<' -> c < x;
            default -> false; // ')' (see parse): libclamav's comparison falls to its default, false
        };
    }

    /**
     * Parses an expression as libclamav's cli_ac_chklsig reads it (it both checks an expression at load and
     * evaluates it at scan time, so what it accepts and how it groups is what a signature means); throws
     * IllegalArgumentException with its messages. The reading is character by character, not a grammar:
     * <ul>
     * <li>an expression is split at its first {@code &} or {@code |} outside parentheses, the right side being
     * all the rest ({@code 0&1|2} is {@code 0&(1|2)});</li>
     * <li>otherwise, when a {@code &} or {@code |} sits one parenthesis deep, at the <em>last</em> such one,
     * the first character (the opening parenthesis) and everything from the closing parenthesis on being dropped
     * ({@code (0|1&2)} is {@code (0|1)&2}); a count {@code >X}, {@code <X}, {@code =X} or {@code =X,Y} right
     * after that parenthesis applies to the group only when nothing follows the digits and commas after it
     * (else it is silently dropped or makes the right side malformed);</li>
     * <li>otherwise an expression starting with {@code (} loses its first and last characters;</li>
     * <li>otherwise it is a subsignature number read with sscanf's %u (leading blanks and a sign allowed,
     * trailing characters ignored: {@code  0}, {@code +0} and {@code 0x} are subsignature 0), compared, when
     * the expression holds a {@code >}, {@code <}, {@code =} or {@code )}, with the number that follows the last
     * of those ({@code 0> 1}, {@code 0>+1}, {@code 0>1x}, {@code 0>=3} (that is {@code =3}) all load; {@code ,Y}
     * is ignored there).</li>
     * </ul>
     */
    static Logic parse(String s) {
        return chk(s, 0, s.length(), 0);
    }

    /** Recursion bound: an expression comes from a file (libclamav has none; no real signature comes near). */
    int MAX_DEPTH = 512;

    private static Logic chk(String s, int from, int to, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("logical expression nested too deeply");
        int len = to - from, pth = 0, opoff = 0, op1off = 0, blkend = 0, modoff = 0;
        char op = 0, op1 = 0, mod = 0, blkmod = 0;
        long modval1 = 0, modval2 = 0;
        int lstart = from, rend = to;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(from + i);
            switch (c) {
                case '(' -> pth++;
                case ')' -> {
                    if (pth == 0) throw new IllegalArgumentException("Syntax error: Missing opening parenthesis");
                    pth--;
                    mod = c; // libclamav falls through into the comparison case here
                    modoff = i;
                }
                case '>', '<', '=' -> { mod = c; modoff = i; }
                case '&', '|' -> {
                    if (pth == 0) { op = c; opoff = i; }
                    else if (pth == 1) { op1 = c; op1off = i; }
                }
                default -> { }
            }
            if (op != 0) break;
            if (op1 != 0 && pth == 0) {
                blkend = i;
                char next = at(s, from + i + 1);
                if (next == '>' || next == '<' || next == '=') {
                    blkmod = next;
                    long[] a = scanU(s, from + i + 2);
                    long[] b = a != null && at(s, (int) a[1]) == ',' ? scanU(s, (int) a[1] + 1) : null;
                    if (a == null) throw new IllegalArgumentException("Syntax error: Missing number after '" + next + "'");
                    modval1 = a[0];
                    if (b != null) modval2 = b[0];
                    for (i += 2; i + 1 < len && (isDigit(s.charAt(from + i + 1)) || s.charAt(from + i + 1) == ','); i++) { }
                }
                if (from + i + 1 == rend) break;
                blkmod = 0;
            }
        }
        if (pth != 0) throw new IllegalArgumentException("Syntax error: Missing closing parenthesis");
        if (op == 0 && op1 == 0) {
            if (len > 0 && s.charAt(from) == '(') {
                if (len < 2) throw new IllegalArgumentException("Syntax error: Missing closing parenthesis");
                return chk(s, from + 1, to - 1, depth + 1);
            }
            long[] id = scanU(s, from);
            if (id == null) throw new IllegalArgumentException("Can't parse " + s.substring(from));
            if (id[0] > 63) throw new IllegalArgumentException("subsignature index " + id[0] + " out of range");
            if (mod != 0) {
                long[] x = scanU(s, from + modoff + 1);
                if (x == null) throw new IllegalArgumentException("Syntax error: Missing number after '" + mod + "'");
                return new Sub((int) id[0], mod, x[0]);
            }
            return new Sub((int) id[0], (char) 0, 0);
        }
        if (op == 0) {
            op = op1;
            opoff = op1off;
            lstart++;
            rend = from + blkend;
        }
        if (opoff == 0) throw new IllegalArgumentException("Syntax error: Missing left argument");
        if (opoff + 1 == len) throw new IllegalArgumentException("Syntax error: Missing right argument");
        Logic left = chk(s, lstart, from + opoff, depth + 1);
        Logic right = chk(s, from + opoff + 1, rend, depth + 1);
        Bin bin = new Bin(op == '&', left, right);
        // the count's second number is unsigned: up to 2^32-1 distinct subsignatures (none can have more than 64)
        return blkmod == 0 ? bin : new Block(bin, blkmod, modval1, (int) modval2);
    }

    private static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * sscanf's %u at {@code i}: blanks, an optional sign, at least one digit (strtoul: saturated at 2^64-1, negated
     * for '-', then the low 32 bits: clamscan 1.4.6 finds 0>4294967296 (0>0), not 0>99999999999 (0>1215752191)).
     * Returns {value, index after the digits}, or null when there is no number.
     */
    static long[] scanU(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || (s.charAt(i) >= 9 && s.charAt(i) <= 13))) i++;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) neg = s.charAt(i++) == '-';
        int st = i;
        long v = 0;
        boolean sat = false;
        while (i < s.length() && isDigit(s.charAt(i))) {
            int d = s.charAt(i++) - '0';
            if (sat || Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) sat = true;
            else v = v * 10 + d;
        }
        if (i == st) return null;
        long r = sat ? -1L : neg ? -v : v;
        return new long[] {r & 0xFFFFFFFFL, i};
    }
}
