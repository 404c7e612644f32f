package dev.bulwark.engine.signatures.yara;

import static dev.bulwark.engine.signatures.yara.RuleSetCodec.*;

import dev.bulwark.engine.signatures.yara.Ast.*;
import dev.bulwark.engine.signatures.yara.re.Program;
import dev.bulwark.engine.signatures.yara.re.Regex;
import dev.bulwark.engine.signatures.yara.re.RegexException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded reader behind {@link RuleSetCodec#read}: every count is checked against the bytes left, every
 * string, rule and loop-slot index against what it indexes, and nesting against {@link RuleSetCodec#MAX_DEPTH};
 * anything else is an IOException.
 */
final class RuleSetInput {
    final ByteBuffer b;
    /** Loop-variable slots a scan allocates (the rule set's maxSlots + 1). */
    int slots;

    RuleSetInput(ByteBuffer b) {
        this.b = b;
    }

    /** A non-negative count whose elements take at least {@code minBytes} each (0: a plain non-negative int). */
    int count(int minBytes) throws IOException {
        int n = b.getInt();
        if (n < 0 || (minBytes > 0 && (long) n * minBytes > b.remaining())) throw new IOException("bad count " + n);
        return n;
    }

    boolean bool() throws IOException {
        byte x = b.get();
        if (x != 0 && x != 1) throw new IOException("bad boolean");
        return x == 1;
    }

    byte[] bytes() throws IOException {
        int n = b.getInt();
        if (n == -1) return null;
        if (n < 0 || n > b.remaining()) throw new IOException("bad length " + n);
        byte[] a = new byte[n];
        b.get(a);
        return a;
    }

    String str() throws IOException {
        int n = b.getInt();
        if (n == -1) return null;
        if (n < 0 || n > b.remaining()) throw new IOException("bad length " + n);
        int at = b.position();
        b.position(at + n);
        byte[] a = b.array();
        int from = b.arrayOffset() + at;
        if (n > MAX_SHARED) return new String(a, from, n, StandardCharsets.UTF_8); // decoded in place, no copy
        // short strings repeat (namespaces, meta keys and values, tags): one String per distinct ASCII text
        int h = n;
        for (int i = 0; i < n; i++) {
            if (a[from + i] < 0) return new String(a, from, n, StandardCharsets.UTF_8);
            h = 31 * h + a[from + i];
        }
        int slot = (h ^ h >>> 13) & (SHARED_SLOTS - 1);
        String s = shared[slot];
        if (s != null && sameAscii(s, a, from, n)) return s;
        s = new String(a, from, n, StandardCharsets.US_ASCII);
        shared[slot] = s;
        return s;
    }

    private static final int MAX_SHARED = 64; // longer strings are rarely repeated
    private static final int SHARED_SLOTS = 4096; // one String per slot, the latest one wins
    private final String[] shared = new String[SHARED_SLOTS];

    private static boolean sameAscii(String s, byte[] a, int from, int n) {
        if (s.length() != n) return false;
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) != a[from + i]) return false;
        }
        return true;
    }

    List<String> strs() throws IOException {
        int n = count(4);
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(str());
        return l;
    }

    long[] longs() throws IOException {
        int n = b.getInt();
        if (n == -1) return null;
        if (n < 0 || (long) n * 8 > b.remaining()) throw new IOException("bad length " + n);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = b.getLong();
        return a;
    }

    Variant variant(int strings) throws IOException {
        int string = count(0);
        if (string >= strings) throw new IOException("variant of no string");
        byte[] literal = bytes();
        boolean nocase = bool();
        Program program = bool() ? Program.read(b) : null;
        Variant v = new Variant(string, literal, nocase, program, b.getInt(), bool(), bool(), bool());
        if (literal == null && program == null) throw new IOException("variant without literal or program");
        Variant.Group g = group();
        v.atoms = g.atoms();
        v.atomOffset = g.minOffset();
        v.atomMaxOffset = g.maxOffset();
        v.atomWindow = g.window();
        int ne = count(16);
        for (int i = 0; i < ne; i++) {
            Variant.Group x = group();
            if (x.atoms() == null || x.window() == null || x.window().length != 4) throw new IOException("bad atom group");
            v.extra.add(x);
        }
        v.atomQuality = b.getInt();
        int np = b.getInt();
        if (np >= 0) {
            if (np > b.remaining()) throw new IOException("bad prefix check");
            v.prefixCheck = new long[np][];
            for (int i = 0; i < np; i++) v.prefixCheck[i] = byteSet();
        } else if (np != -1) {
            throw new IOException("bad prefix check");
        }
        v.yaraQuality = b.getInt();
        v.firstBytes = byteSet();
        if (v.atoms != null && (v.atomWindow == null || v.atomWindow.length != 4)) throw new IOException("bad atom window");
        return v;
    }

    /**
     * (yara9) The sets "all bytes" and "one byte value" as one shared array each: a variant only reads its byte sets
     * (first bytes, prefix checks), and Elastic's 3,021 rules read ~1.7 MB of them, part of what filled the young
     * generation and cost a collection on every run.
     */
    private final long[] all = {-1L, -1L, -1L, -1L};
    private final long[][] one = new long[256][];

    /** A byte set as {@code RuleSetCodec.byteSet} wrote it (null when absent); shared, never to be modified. */
    private long[] byteSet() throws IOException {
        return switch (b.get()) {
            case SET_NULL -> null;
            case SET_ONE -> {
                int v = b.get() & 0xFF;
                long[] w = one[v];
                if (w == null) {
                    one[v] = w = new long[4];
                    w[v >> 6] = 1L << (v & 63);
                }
                yield w;
            }
            case SET_ALL -> all;
            case SET_WORDS -> new long[] {b.getLong(), b.getLong(), b.getLong(), b.getLong()};
            default -> throw new IOException("bad byte set");
        };
    }

    Variant.Group group() throws IOException {
        int n = b.getInt();
        List<byte[]> atoms = null;
        if (n != -1) {
            if (n < 0 || (long) n * 4 > b.remaining()) throw new IOException("bad atom count");
            atoms = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] a = bytes();
                if (a == null || a.length < 1 || a.length > 4) throw new IOException("bad atom");
                atoms.add(a);
            }
            atoms = List.copyOf(atoms);
        }
        int min = b.getInt(), max = b.getInt();
        if (min < 0 || max < min) throw new IOException("bad atom offsets");
        return new Variant.Group(atoms, min, max, longs());
    }

    Token token() throws IOException {
        if (b.get() != -1) throw new IOException("bad token");
        return null;
    }

    /** An expression; string and rule indices are checked against the counts read. */
    Expr expr(int depth, int strings, int rules) throws IOException {
        if (depth > MAX_DEPTH) throw new IOException("expression nested too deeply");
        int d = depth + 1;
        int tag = b.get();
        return switch (tag) {
            case NULL -> null;
            case BOOL -> new BoolLit(bool());
            case INT -> new IntLit(b.getLong());
            case FLOAT -> new FloatLit(b.getDouble());
            case STR -> new StrLit(nonNull(bytes()));
            case REGEX -> regex(token(), nonNull(str()));
            case KEYWORD -> new Keyword(nonNull(str()));
            case STR_MATCH -> new StrMatch(token(), str(), stringIndex(strings), expr(d, strings, rules),
                    expr(d, strings, rules), expr(d, strings, rules));
            case STR_COUNT -> new StrCount(token(), str(), stringIndex(strings), expr(d, strings, rules), expr(d, strings, rules));
            case STR_OFFSET -> new StrOffset(token(), str(), stringIndex(strings), bool(), expr(d, strings, rules));
            case UNARY -> new Unary(token(), nonNull(str()), nonNull(expr(d, strings, rules)));
            case BINARY -> new Binary(token(), nonNull(str()), nonNull(expr(d, strings, rules)), nonNull(expr(d, strings, rules)));
            case INT_READ -> new IntRead(token(), nonNull(str()), nonNull(expr(d, strings, rules)));
            case IDENT -> new Ident(token(), nonNull(str()));
            case FIELD -> new Field(token(), nonNull(expr(d, strings, rules)), nonNull(str()));
            case INDEX -> new Index(token(), nonNull(expr(d, strings, rules)), nonNull(expr(d, strings, rules)));
            case CALL -> {
                Token at = token();
                Expr fn = nonNull(expr(d, strings, rules));
                int n = count(1);
                List<Expr> args = new ArrayList<>(n);
                for (int i = 0; i < n; i++) args.add(nonNull(expr(d, strings, rules)));
                yield new Call(at, fn, List.copyOf(args));
            }
            case OF -> new Of(token(), quant(d, strings, rules), set(strings, rules), expr(d, strings, rules),
                    expr(d, strings, rules), expr(d, strings, rules));
            case FOR_OF -> new ForOf(token(), quant(d, strings, rules), set(strings, rules), nonNull(expr(d, strings, rules)), slot());
            case FOR_IN -> {
                Token at = token();
                Quant q = quant(d, strings, rules);
                List<String> vars = List.copyOf(strs());
                Iter it = switch (b.get()) {
                    case 0 -> new Range(nonNull(expr(d, strings, rules)), nonNull(expr(d, strings, rules)));
                    case 1 -> {
                        int n = count(1);
                        List<Expr> items = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) items.add(nonNull(expr(d, strings, rules)));
                        yield new ListIter(List.copyOf(items));
                    }
                    case 2 -> new ExprIter(nonNull(expr(d, strings, rules)));
                    default -> throw new IOException("bad iterator");
                };
                Expr body = nonNull(expr(d, strings, rules));
                int slot = slot();
                if ((long) slot + vars.size() > slots) throw new IOException("loop slot out of bounds");
                yield new ForIn(at, q, vars, it, body, slot);
            }
            case RULE_REF -> {
                int r = count(0);
                if (r >= rules) throw new IOException("rule reference out of bounds");
                yield new RuleRef(r);
            }
            case LOOP_VAR -> new LoopVar(slot());
            case MODULE_ROOT -> new ModuleRoot(nonNull(str()));
            default -> throw new IOException("bad expression tag " + tag);
        };
    }

    /** A global string index, or -1-slot for a loop's "$". */
    private int stringIndex(int strings) throws IOException {
        int i = b.getInt();
        if (i >= strings || i < 0 && -1L - i >= slots) throw new IOException("string index out of bounds");
        return i;
    }

    private int slot() throws IOException {
        int s = b.getInt();
        if (s < 0 || s >= slots) throw new IOException("loop slot out of bounds");
        return s;
    }

    private static <T> T nonNull(T t) throws IOException {
        if (t == null) throw new IOException("missing value");
        return t;
    }

    /** A regex literal of a condition, compiled again from its source ("flags/body") as the resolver does. */
    private static Expr regex(Token at, String source) throws IOException {
        int slash = source.indexOf('/');
        if (slash < 0) throw new IOException("bad regex literal");
        String flags = source.substring(0, slash);
        try {
            Regex re = Regex.compile(source.substring(slash + 1), flags.contains("i"), flags.contains("s"), false);
            return new RegexLit(at, source, re);
        } catch (RegexException e) {
            throw new IOException("regex literal does not compile", e);
        }
    }

    private Quant quant(int d, int strings, int rules) throws IOException {
        int k = b.get();
        QKind[] kinds = QKind.values();
        if (k < 0 || k >= kinds.length) throw new IOException("bad quantifier");
        return new Quant(kinds[k], expr(d, strings, rules));
    }

    private SetSpec set(int strings, int rules) throws IOException {
        Token at = token();
        int n = b.getInt();
        List<String> names = null;
        if (n != -1) {
            b.position(b.position() - 4);
            names = List.copyOf(strs());
        }
        boolean isRules = bool();
        int[] resolved = null;
        int m = b.getInt();
        if (m != -1) {
            if (m < 0 || (long) m * 4 > b.remaining()) throw new IOException("bad set");
            resolved = new int[m];
            for (int i = 0; i < m; i++) {
                resolved[i] = b.getInt();
                if (resolved[i] < 0 || resolved[i] >= (isRules ? rules : strings)) throw new IOException("set member out of bounds");
            }
        }
        return new SetSpec(at, names, isRules, resolved);
    }
}
