package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.yara.Ast.*;
import dev.bulwark.engine.signatures.yara.re.Program;
import dev.bulwark.engine.signatures.yara.re.Regex;
import dev.bulwark.engine.signatures.yara.re.RegexException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A compiled {@link YaraRuleSet} as bytes and back: its rules with their resolved conditions, its strings with
 * their variants (atoms, windows, regex programs) and its warnings, so that {@code bulwark yara} can skip the
 * compilation of rules it compiled before (see the CLI's rule cache). Source positions are not kept (only
 * compile-time diagnostics use them). Reading checks a magic, the format and a
 * CRC-32 over everything, bounds every count by the bytes left and every index by what it indexes, and throws
 * {@link IOException} on anything else: a damaged entry is recompiled, never trusted. Not a stable interchange
 * format: {@link #FORMAT} changes with the compiled form.
 */
final class RuleSetCodec {
    private static final int MAGIC = 0x42575943; // "BWYC"
    /** Bump when anything written here, or the meaning of a compiled field, changes. */
    static final int FORMAT = 1;
    private static final int MAX_DEPTH = 1_000; // expression nesting read back (the parser allows 200)
    private static final int MAX_SLOTS = 1 << 16; // loop-variable slots (each scan allocates one array of them)

    private RuleSetCodec() {}

    // ---- writing ------------------------------------------------------------------------------------------

    static byte[] write(List<Compiler.RuleDef> rules, List<Compiler.StringDef> strings, int maxSlots,
            List<Diagnostic> warnings) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
            DataOutputStream o = new DataOutputStream(bytes);
            o.writeInt(MAGIC);
            o.writeInt(FORMAT);
            o.writeInt(maxSlots);
            o.writeInt(warnings.size());
            for (Diagnostic d : warnings) {
                o.writeBoolean(d.isError());
                str(o, d.source());
                o.writeInt(d.line());
                o.writeInt(d.column());
                str(o, d.message());
            }
            o.writeInt(strings.size());
            for (Compiler.StringDef s : strings) {
                str(o, s.id());
                o.writeInt(s.rule());
                o.writeBoolean(s.isPrivate());
                o.writeBoolean(s.hex());
                o.writeInt(s.variants().size());
                for (Variant v : s.variants()) variant(o, v);
            }
            o.writeInt(rules.size());
            for (Compiler.RuleDef r : rules) {
                str(o, r.name());
                str(o, r.namespace());
                o.writeBoolean(r.isPrivate());
                o.writeBoolean(r.isGlobal());
                strs(o, r.tags());
                o.writeInt(r.meta().size());
                for (Meta m : r.meta()) {
                    str(o, m.key());
                    switch (m.value()) {
                        case String s -> { o.writeByte(0); str(o, s); }
                        case Long l -> { o.writeByte(1); o.writeLong(l); }
                        case Boolean b -> { o.writeByte(2); o.writeBoolean(b); }
                        default -> throw new IllegalStateException("meta value " + m.value());
                    }
                }
                o.writeInt(r.firstString());
                o.writeInt(r.stringCount());
                expr(o, r.condition());
                str(o, r.source());
            }
            o.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            o.writeLong(crc.getValue());
            o.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        }
    }

    private static void variant(DataOutputStream o, Variant v) throws IOException {
        o.writeInt(v.string);
        bytes(o, v.literal);
        o.writeBoolean(v.nocase);
        if (v.program == null) {
            o.writeBoolean(false);
        } else {
            o.writeBoolean(true);
            v.program.write(o);
        }
        o.writeInt(v.window);
        o.writeBoolean(v.anchored);
        o.writeBoolean(v.wide);
        o.writeBoolean(v.fullword);
        group(o, v.atoms, v.atomOffset, v.atomMaxOffset, v.atomWindow);
        o.writeInt(v.extra.size());
        for (Variant.Group g : v.extra) group(o, g.atoms(), g.minOffset(), g.maxOffset(), g.window());
        o.writeInt(v.atomQuality);
        if (v.prefixCheck == null) {
            o.writeInt(-1);
        } else {
            o.writeInt(v.prefixCheck.length);
            for (long[] p : v.prefixCheck) longs(o, p);
        }
        o.writeInt(v.yaraQuality);
        longs(o, v.firstBytes);
    }

    private static void group(DataOutputStream o, List<byte[]> atoms, int min, int max, long[] window) throws IOException {
        if (atoms == null) {
            o.writeInt(-1);
        } else {
            o.writeInt(atoms.size());
            for (byte[] a : atoms) bytes(o, a);
        }
        o.writeInt(min);
        o.writeInt(max);
        longs(o, window);
    }

    /**
     * Source positions are only used by compile-time diagnostics (the evaluator never reads them), so a rule set
     * read back has none: every node's token is written as absent.
     */
    private static void token(DataOutputStream o, Token t) throws IOException {
        o.writeByte(-1);
    }

    /** Node tags, in the order of {@link Ast.Expr}'s permits clause. */
    private static final int BOOL = 0, INT = 1, FLOAT = 2, STR = 3, REGEX = 4, KEYWORD = 5, STR_MATCH = 6,
            STR_COUNT = 7, STR_OFFSET = 8, UNARY = 9, BINARY = 10, INT_READ = 11, IDENT = 12, FIELD = 13, INDEX = 14,
            CALL = 15, OF = 16, FOR_OF = 17, FOR_IN = 18, RULE_REF = 19, LOOP_VAR = 20, MODULE_ROOT = 21, NULL = 22;

    private static void expr(DataOutputStream o, Expr e) throws IOException {
        switch (e) {
            case null -> o.writeByte(NULL);
            case BoolLit b -> { o.writeByte(BOOL); o.writeBoolean(b.v()); }
            case IntLit i -> { o.writeByte(INT); o.writeLong(i.v()); }
            case FloatLit f -> { o.writeByte(FLOAT); o.writeDouble(f.v()); }
            case StrLit s -> { o.writeByte(STR); bytes(o, s.v()); }
            case RegexLit r -> { o.writeByte(REGEX); token(o, r.at()); str(o, r.source()); }
            case Keyword k -> { o.writeByte(KEYWORD); str(o, k.name()); }
            case StrMatch m -> {
                o.writeByte(STR_MATCH); token(o, m.at()); str(o, m.id()); o.writeInt(m.idx());
                expr(o, m.atExpr()); expr(o, m.lo()); expr(o, m.hi());
            }
            case StrCount c -> {
                o.writeByte(STR_COUNT); token(o, c.at()); str(o, c.id()); o.writeInt(c.idx()); expr(o, c.lo()); expr(o, c.hi());
            }
            case StrOffset s -> {
                o.writeByte(STR_OFFSET); token(o, s.at()); str(o, s.id()); o.writeInt(s.idx()); o.writeBoolean(s.length());
                expr(o, s.index());
            }
            case Unary u -> { o.writeByte(UNARY); token(o, u.at()); str(o, u.op()); expr(o, u.e()); }
            case Binary b -> { o.writeByte(BINARY); token(o, b.at()); str(o, b.op()); expr(o, b.l()); expr(o, b.r()); }
            case IntRead r -> { o.writeByte(INT_READ); token(o, r.at()); str(o, r.fn()); expr(o, r.offset()); }
            case Ident i -> { o.writeByte(IDENT); token(o, i.at()); str(o, i.name()); }
            case Field f -> { o.writeByte(FIELD); token(o, f.at()); expr(o, f.obj()); str(o, f.name()); }
            case Index i -> { o.writeByte(INDEX); token(o, i.at()); expr(o, i.obj()); expr(o, i.index()); }
            case Call c -> {
                o.writeByte(CALL); token(o, c.at()); expr(o, c.fn());
                o.writeInt(c.args().size());
                for (Expr a : c.args()) expr(o, a);
            }
            case Of f -> {
                o.writeByte(OF); token(o, f.at()); quant(o, f.q()); set(o, f.set()); expr(o, f.lo()); expr(o, f.hi());
                expr(o, f.atExpr());
            }
            case ForOf f -> { o.writeByte(FOR_OF); token(o, f.at()); quant(o, f.q()); set(o, f.set()); expr(o, f.body()); o.writeInt(f.slot()); }
            case ForIn f -> {
                o.writeByte(FOR_IN); token(o, f.at()); quant(o, f.q()); strs(o, f.vars());
                switch (f.iter()) {
                    case Range r -> { o.writeByte(0); expr(o, r.lo()); expr(o, r.hi()); }
                    case ListIter l -> {
                        o.writeByte(1);
                        o.writeInt(l.items().size());
                        for (Expr x : l.items()) expr(o, x);
                    }
                    case ExprIter x -> { o.writeByte(2); expr(o, x.e()); }
                }
                expr(o, f.body());
                o.writeInt(f.slot());
            }
            case RuleRef r -> { o.writeByte(RULE_REF); o.writeInt(r.index()); }
            case LoopVar v -> { o.writeByte(LOOP_VAR); o.writeInt(v.slot()); }
            case ModuleRoot m -> { o.writeByte(MODULE_ROOT); str(o, m.name()); }
        }
    }

    private static void quant(DataOutputStream o, Quant q) throws IOException {
        o.writeByte(q.kind().ordinal());
        expr(o, q.n());
    }

    private static void set(DataOutputStream o, SetSpec s) throws IOException {
        token(o, s.at());
        if (s.names() == null) o.writeInt(-1);
        else strs(o, s.names());
        o.writeBoolean(s.rules());
        if (s.resolved() == null) {
            o.writeInt(-1);
        } else {
            o.writeInt(s.resolved().length);
            for (int x : s.resolved()) o.writeInt(x);
        }
    }

    private static void str(DataOutputStream o, String s) throws IOException {
        bytes(o, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static void strs(DataOutputStream o, List<String> l) throws IOException {
        o.writeInt(l.size());
        for (String s : l) str(o, s);
    }

    private static void bytes(DataOutputStream o, byte[] b) throws IOException {
        if (b == null) {
            o.writeInt(-1);
            return;
        }
        o.writeInt(b.length);
        o.write(b);
    }

    private static void longs(DataOutputStream o, long[] l) throws IOException {
        if (l == null) {
            o.writeInt(-1);
            return;
        }
        o.writeInt(l.length);
        for (long x : l) o.writeLong(x);
    }

    // ---- reading ------------------------------------------------------------------------------------------

    /** The parts of a rule set read back; {@link YaraRuleSet} builds its matcher from them. */
    record Parts(List<Compiler.RuleDef> rules, List<Compiler.StringDef> strings, int maxSlots, List<Diagnostic> warnings) {}

    static Parts read(byte[] data) throws IOException {
        if (data.length < 20) throw new IOException("truncated");
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(data, data.length - 8, 8).getLong()) throw new IOException("checksum mismatch");
        In in = new In(ByteBuffer.wrap(data, 0, data.length - 8));
        try {
            if (in.b.getInt() != MAGIC || in.b.getInt() != FORMAT) throw new IOException("not a rule set of this format");
            int maxSlots = in.count(0);
            if (maxSlots > MAX_SLOTS) throw new IOException("too many loop slots");
            in.slots = maxSlots + 1;
            int nw = in.count(13);
            List<Diagnostic> warnings = new ArrayList<>(nw);
            for (int i = 0; i < nw; i++) {
                Diagnostic.Severity sev = in.bool() ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING;
                warnings.add(new Diagnostic(sev, in.str(), in.b.getInt(), in.b.getInt(), in.str()));
            }
            int ns = in.count(11);
            List<Compiler.StringDef> strings = new ArrayList<>(ns);
            for (int i = 0; i < ns; i++) {
                String id = in.str();
                int rule = in.count(0);
                boolean priv = in.bool(), hex = in.bool();
                int nv = in.count(1);
                List<Variant> vs = new ArrayList<>(nv);
                for (int k = 0; k < nv; k++) vs.add(in.variant(ns));
                strings.add(new Compiler.StringDef(id, rule, priv, hex, List.copyOf(vs)));
            }
            int nr = in.count(10);
            List<Compiler.RuleDef> rules = new ArrayList<>(nr);
            for (int i = 0; i < nr; i++) {
                String name = in.str(), namespace = in.str();
                boolean priv = in.bool(), global = in.bool();
                List<String> tags = in.strs();
                int nm = in.count(5);
                List<Meta> meta = new ArrayList<>(nm);
                for (int k = 0; k < nm; k++) {
                    String key = in.str();
                    Object v = switch (in.b.get()) {
                        case 0 -> in.str();
                        case 1 -> in.b.getLong();
                        case 2 -> in.bool();
                        default -> throw new IOException("bad meta value");
                    };
                    meta.add(new Meta(key, v));
                }
                int first = in.count(0), count = in.count(0);
                if ((long) first + count > ns) throw new IOException("string range out of bounds");
                Expr cond = in.expr(0, ns, nr);
                rules.add(new Compiler.RuleDef(name, namespace, priv, global, List.copyOf(tags), List.copyOf(meta), first,
                        count, cond, in.str()));
            }
            for (Compiler.StringDef s : strings) if (s.rule() >= nr) throw new IOException("string of no rule");
            if (in.b.hasRemaining()) throw new IOException("trailing bytes");
            return new Parts(rules, strings, maxSlots, warnings);
        } catch (RuntimeException e) { // underflow, a null where none may be, ...
            throw new IOException("malformed rule set: " + e, e);
        }
    }

    /** A bounded reader over the payload. */
    private static final class In {
        final ByteBuffer b;
        /** Loop-variable slots a scan allocates (the rule set's maxSlots + 1). */
        int slots;

        In(ByteBuffer b) {
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
            byte[] a = bytes();
            return a == null ? null : new String(a, StandardCharsets.UTF_8);
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
                if ((long) np * 4 > b.remaining()) throw new IOException("bad prefix check");
                v.prefixCheck = new long[np][];
                for (int i = 0; i < np; i++) v.prefixCheck[i] = sized(longs(), true);
            } else if (np != -1) {
                throw new IOException("bad prefix check");
            }
            v.yaraQuality = b.getInt();
            v.firstBytes = sized(longs(), true);
            if (v.atoms != null && (v.atomWindow == null || v.atomWindow.length != 4)) throw new IOException("bad atom window");
            return v;
        }

        /** A 256-bit byte set (or null where allowed). */
        private static long[] sized(long[] a, boolean nullable) throws IOException {
            if (a == null ? !nullable : a.length != 4) throw new IOException("bad byte set");
            return a;
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
}
