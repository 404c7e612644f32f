package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.*;
import dev.bulwark.engine.signatures.yara.modules.YaraFunction;
import dev.bulwark.engine.signatures.yara.re.Regex;
import java.util.List;
import java.util.Map;

/**
 * Evaluates resolved conditions. Values are Long, Double, Boolean, byte[] (strings), Regex, module values; null
 * is YARA's "undefined": {@code and}/{@code or} treat it as false, every other operator propagates it.
 */
final class Evaluator {
    private Evaluator() {}

    static boolean truthy(Object v) {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Long l) return l != 0;
        if (v instanceof Double d) return d != 0;
        if (v instanceof byte[] s) return s.length > 0;
        return true;
    }

    private static Boolean bool(Object v) {
        return v == null ? null : truthy(v);
    }

    static Object eval(Expr e, ScanContext c) {
        switch (e) {
            case BoolLit b: return b.v();
            case IntLit i: return i.v();
            case FloatLit f: return f.v();
            case StrLit s: return s.v();
            case RegexLit r: return r.regex();
            case Keyword k: return k.name().equals("filesize") ? (Object) (long) c.len : c.entrypoint();
            case StrMatch m: return strMatch(m, c);
            case StrCount sc: {
                int s = str(sc.idx(), c);
                if (sc.lo() == null) return (long) c.matches.count[s];
                Object lo = eval(sc.lo(), c), hi = eval(sc.hi(), c);
                if (lo == null || hi == null) return null;
                long n = 0;
                int[] offs = c.matches.offsets[s];
                for (int i = 0; i < c.matches.count[s]; i++) {
                    if (offs[i] >= (Long) lo && offs[i] <= (Long) hi) n++;
                }
                return n;
            }
            case StrOffset o: {
                int s = str(o.idx(), c);
                long i = 1;
                if (o.index() != null) {
                    Object v = eval(o.index(), c);
                    if (v == null) return null;
                    i = (Long) v;
                }
                if (i < 1 || i > c.matches.count[s]) return null;
                return (long) (o.length() ? c.matches.lengths[s][(int) i - 1] : c.matches.offsets[s][(int) i - 1]);
            }
            case Unary u: return unary(u, c);
            case Binary b: return binary(b, c);
            case IntRead r: return intRead(r, c);
            case RuleRef r: return c.ruleResult(r.index());
            case LoopVar v: return c.vars[v.slot()];
            case ModuleRoot m: return c.module(m.name());
            case Field f: {
                Object o = eval(f.obj(), c);
                return o instanceof Map<?, ?> map ? map.get(f.name()) : null;
            }
            case Index ix: {
                Object o = eval(ix.obj(), c);
                Object k = eval(ix.index(), c);
                if (o == null || k == null) return null;
                if (o instanceof List<?> l && k instanceof Long i) return i >= 0 && i < l.size() ? l.get((int) (long) i) : null;
                if (o instanceof Map<?, ?> map && k instanceof byte[] key) {
                    return map.get(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                return null;
            }
            case Call call: {
                Object f = eval(call.fn(), c);
                if (!(f instanceof YaraFunction fn)) return null;
                Object[] args = new Object[call.args().size()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = eval(call.args().get(i), c);
                    if (args[i] == null) return null;
                    if (args[i] instanceof Boolean bb) args[i] = bb ? 1L : 0L;
                }
                try {
                    return fn.call(c.input(), args);
                } catch (RuntimeException ex) {
                    return null; // a module function given arguments it cannot handle is undefined
                }
            }
            case Of o: return Loops.of(o, c);
            case ForOf f: return Loops.forOf(f, c);
            case ForIn f: return Loops.forIn(f, c);
            default: return null;
        }
    }

    static int str(int idx, ScanContext c) {
        return idx >= 0 ? idx : (int) (long) (Long) c.vars[-1 - idx];
    }

    private static Object strMatch(StrMatch m, ScanContext c) {
        int s = str(m.idx(), c);
        int n = c.matches.count[s];
        if (m.atExpr() != null) {
            Object at = eval(m.atExpr(), c);
            if (at == null) return null;
            long a = (Long) at;
            if (a < 0 || a > Integer.MAX_VALUE) return false;
            return java.util.Arrays.binarySearch(c.matches.offsets[s] == null ? new int[0] : c.matches.offsets[s], 0, n, (int) a) >= 0;
        }
        if (m.lo() != null) {
            Object lo = eval(m.lo(), c), hi = eval(m.hi(), c);
            if (lo == null || hi == null) return null;
            int[] offs = c.matches.offsets[s];
            for (int i = 0; i < n; i++) {
                if (offs[i] >= (Long) lo && offs[i] <= (Long) hi) return true;
            }
            return false;
        }
        return n > 0;
    }

    private static Object unary(Unary u, ScanContext c) {
        if (u.op().equals("defined")) return eval(u.e(), c) != null;
        Object v = eval(u.e(), c);
        if (v == null) return null;
        return switch (u.op()) {
            case "not" -> !truthy(v);
            case "-" -> v instanceof Double d ? (Object) (-d) : (Object) (-(Long) v);
            default -> v instanceof Long l ? (Object) (~l) : null;
        };
    }

    private static Object binary(Binary b, ScanContext c) {
        int op = b.code();
        if (op == 0) { // and
            if (!truthy(eval(b.l(), c))) return false;
            return truthy(eval(b.r(), c));
        }
        if (op == 1) { // or
            if (truthy(eval(b.l(), c))) return true;
            return truthy(eval(b.r(), c));
        }
        Object l = eval(b.l(), c);
        if (l == null) return null;
        Object r = eval(b.r(), c);
        if (r == null) return null;
        if (l instanceof Long x && r instanceof Long y) return ints(op, x, y);
        if (l instanceof Boolean lb && !(r instanceof Boolean)) l = lb ? 1L : 0L;
        if (r instanceof Boolean rb && !(l instanceof Boolean)) r = rb ? 1L : 0L;
        if (op == 18) return l instanceof byte[] s && r instanceof Regex re ? re.find(s, c.vm) : null;
        if (op >= 19) return l instanceof byte[] x && r instanceof byte[] y ? StrOps.apply(b.op(), x, y) : null;
        if (l instanceof byte[] x && r instanceof byte[] y) return compare(op, java.util.Arrays.compareUnsigned(x, y));
        if (l instanceof Boolean x && r instanceof Boolean y) {
            return op == 16 ? x.equals(y) : op == 17 ? !x.equals(y) : null;
        }
        if (!(l instanceof Number) || !(r instanceof Number)) return null;
        if (l instanceof Double || r instanceof Double) {
            double x = ((Number) l).doubleValue(), y = ((Number) r).doubleValue();
            return switch (op) {
                case 2 -> x + y;
                case 3 -> x - y;
                case 4 -> x * y;
                case 5 -> x / y;
                case 12, 13, 14, 15, 16, 17 -> compare(op, x < y ? -1 : x > y ? 1 : x == y ? 0 : 2);
                default -> null;
            };
        }
        return ints(op, (Long) l, (Long) r);
    }

    private static Object ints(int op, long x, long y) {
        return switch (op) {
            case 2 -> x + y;
            case 3 -> x - y;
            case 4 -> x * y;
            case 5 -> y == 0 ? null : (Object) (x == Long.MIN_VALUE && y == -1 ? x : x / y);
            case 6 -> y == 0 ? null : (Object) (x == Long.MIN_VALUE && y == -1 ? 0L : x % y);
            case 7 -> x & y;
            case 8 -> x | y;
            case 9 -> x ^ y;
            case 10 -> y < 0 ? null : (Object) (y >= 64 ? 0L : x << y);
            case 11 -> y < 0 ? null : (Object) (y >= 64 ? 0L : x >> y);
            case 12, 13, 14, 15, 16, 17 -> compare(op, Long.compare(x, y));
            default -> null;
        };
    }

    /** cmp: negative, zero, positive; 2 means unordered (NaN). */
    private static Object compare(int op, int cmp) {
        if (cmp == 2) return op == 17;
        return switch (op) {
            case 12 -> cmp < 0;
            case 13 -> cmp <= 0;
            case 14 -> cmp > 0;
            case 15 -> cmp >= 0;
            case 16 -> cmp == 0;
            case 17 -> cmp != 0;
            default -> null;
        };
    }

    private static Object intRead(IntRead r, ScanContext c) {
        Object o = eval(r.offset(), c);
        if (o == null) return null;
        long off = (Long) o;
        String fn = r.fn();
        boolean signed = !fn.startsWith("u");
        boolean be = fn.endsWith("be");
        int bits = Integer.parseInt(fn.substring(signed ? 3 : 4, be ? fn.length() - 2 : fn.length()));
        int n = bits / 8;
        if (off < 0 || off + n > c.len) return null;
        long v = 0;
        for (int i = 0; i < n; i++) {
            int b = c.data[c.off + (int) off + i] & 0xFF;
            v = be ? (v << 8) | b : v | ((long) b << (8 * i));
        }
        if (signed) v = (v << (64 - bits)) >> (64 - bits);
        return v;
    }
}
