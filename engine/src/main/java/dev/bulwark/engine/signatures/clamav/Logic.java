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
            out.distinct = out.t && c > 0 ? 1L << s.index() : 0;
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
                if (!t) out.distinct = 0;
            }
        }
    }

    private static boolean compare(long c, char op, long x) {
        return switch (op) {
            case '=' -> c == x;
            case '>' -> c > x;
            case '<' -> c < x;
            default -> c > 0;
        };
    }

    /** Parses an expression; throws IllegalArgumentException with ClamAV-like messages. */
    static Logic parse(String s) {
        Parser p = new Parser(s);
        Logic l = p.expr(0);
        if (p.i != s.length()) throw new IllegalArgumentException("unexpected '" + s.charAt(p.i) + "' in logical expression");
        return l;
    }

    final class Parser {
        /** Nesting bound: expressions come from files, recursion must stay shallow. */
        private static final int MAX_DEPTH = 64;
        private final String s;
        private int i;

        Parser(String s) { this.s = s; }

        Logic expr(int depth) {
            if (depth > MAX_DEPTH) throw new IllegalArgumentException("logical expression nested too deeply");
            Logic left = term(depth);
            if (i < s.length() && (s.charAt(i) == '&' || s.charAt(i) == '|')) {
                boolean and = s.charAt(i++) == '&';
                if (i >= s.length()) throw new IllegalArgumentException("missing right argument in logical expression");
                Logic right = expr(depth + 1);
                return new Bin(and, left, right);
            }
            return left;
        }

        private Logic term(int depth) {
            if (i >= s.length()) throw new IllegalArgumentException("missing argument in logical expression");
            char c = s.charAt(i);
            if (c == '(') {
                i++;
                Logic inner = expr(depth + 1);
                if (i >= s.length() || s.charAt(i) != ')') throw new IllegalArgumentException("missing closing parenthesis in logical expression");
                i++;
                if (i < s.length() && "=<>".indexOf(s.charAt(i)) >= 0) {
                    // clamscan 1.4.6 counts only a parenthesised & or |: it refuses (0)>0, ((0))=1, ((0|1))>0 and
                    // ((0|1)>0)>0 with this message (exit 2), and loads ((0)|1)>0
                    if (!(inner instanceof Bin)) throw new IllegalArgumentException("Syntax error: Missing opening parenthesis");
                    char op = s.charAt(i++);
                    long x = number();
                    int y = 0; // unsigned: up to 2^32-1 distinct subsignatures (none can have more than 64)
                    if (i < s.length() && s.charAt(i) == ',') { i++; y = (int) number(); }
                    return new Block(inner, op, x, y);
                }
                return new Block(inner, (char) 0, 0, 0);
            }
            if (c < '0' || c > '9') throw new IllegalArgumentException("unexpected '" + c + "' in logical expression");
            long idx = number();
            if (idx > 63) throw new IllegalArgumentException("subsignature index " + idx + " out of range");
            if (i < s.length() && "=<>".indexOf(s.charAt(i)) >= 0) {
                char op = s.charAt(i++);
                long x = number();
                if (i < s.length() && s.charAt(i) == ',') { i++; number(); }
                return new Sub((int) idx, op, x);
            }
            return new Sub((int) idx, (char) 0, 0);
        }

        /**
         * Decimal digits as libclamav reads them (sscanf %u: strtoul, saturated at 2^64-1, then the low 32 bits):
         * clamscan 1.4.6 finds 0>4294967296 (0>0) and 0=1,99999999999, not 0>99999999999 (0>1215752191).
         */
        private long number() {
            int st = i;
            long v = 0;
            boolean sat = false;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                int d = s.charAt(i++) - '0';
                if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) sat = true;
                else v = v * 10 + d;
            }
            if (i == st) throw new IllegalArgumentException("number expected in logical expression");
            return (sat ? -1L : v) & 0xFFFFFFFFL;
        }
    }
}
