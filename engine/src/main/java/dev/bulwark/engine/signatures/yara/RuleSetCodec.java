package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.match.AtomIndex;
import dev.bulwark.engine.match.FlatBuffers;
import dev.bulwark.engine.signatures.yara.Ast.*;
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
    static final int FORMAT = 4; // 3 (yara9): the kernel index follows the rules; 4 (yara10): variants and conditions
    // length-prefixed (decoded on first use), the matcher's tables and each rule's needs-a-string flag stored
    static final int MAX_DEPTH = 1_000; // expression nesting read back (the parser allows 200)
    static final int MAX_SLOTS = 1 << 16; // loop-variable slots (each scan allocates one array of them)

    private RuleSetCodec() {}

    // ---- writing ------------------------------------------------------------------------------------------

    /**
     * Format 4 (yara10): the variants and the conditions are length-prefixed so that a reader can leave them encoded
     * until they are used, and the matcher's reference tables and each rule's "needs one of its strings" flag are
     * stored so that building the matcher needs no variant.
     */
    static byte[] write(List<Compiler.RuleDef> rules, List<Compiler.StringDef> strings, int maxSlots,
            List<Diagnostic> warnings, byte[] index, StringMatcher m, boolean[] needsMatch) {
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
            int nv = 0;
            for (Compiler.StringDef s : strings) {
                str(o, s.id());
                o.writeInt(s.rule());
                o.writeBoolean(s.isPrivate());
                o.writeBoolean(s.hex());
                o.writeInt(s.variants().size());
                nv += s.variants().size();
            }
            o.writeInt(nv);
            ByteArrayOutputStream part = new ByteArrayOutputStream(256);
            DataOutputStream po = new DataOutputStream(part);
            for (Compiler.StringDef s : strings) {
                for (Variant v : s.variants()) {
                    part.reset();
                    variant(po, v);
                    po.flush();
                    o.writeInt(part.size());
                    part.writeTo(o);
                }
            }
            matcher(o, m);
            o.writeInt(rules.size());
            for (int ri = 0; ri < rules.size(); ri++) {
                Compiler.RuleDef r = rules.get(ri);
                str(o, r.name());
                str(o, r.namespace());
                o.writeBoolean(r.isPrivate());
                o.writeBoolean(r.isGlobal());
                strs(o, r.tags());
                o.writeInt(r.meta().size());
                for (Meta mt : r.meta()) {
                    str(o, mt.key());
                    switch (mt.value()) {
                        case String s -> { o.writeByte(0); str(o, s); }
                        case Long l -> { o.writeByte(1); o.writeLong(l); }
                        case Boolean b -> { o.writeByte(2); o.writeBoolean(b); }
                        default -> throw new IllegalStateException("meta value " + mt.value());
                    }
                }
                o.writeInt(r.firstString());
                o.writeInt(r.stringCount());
                o.writeBoolean(needsMatch[ri]);
                part.reset();
                expr(po, r.condition());
                po.flush();
                o.writeInt(part.size());
                part.writeTo(o);
                str(o, r.source());
            }
            bytes(o, index); // the matcher's kernel index (AtomIndex.write), or -1 without kernel atoms
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

    /** The matcher's tables (StringMatcher's stored-table constructor takes them back). */
    private static void matcher(DataOutputStream o, StringMatcher m) throws IOException {
        o.writeInt(m.maxProgram);
        int nRefs = m.refVariant.length;
        o.writeInt(nRefs);
        for (int x : m.refVariant) o.writeInt(x);
        for (int x : m.refMin) o.writeInt(x);
        for (int x : m.refMax) o.writeInt(x);
        for (long x : m.windows) o.writeLong(x);
        o.writeInt(m.atoms.length);
        for (byte[] a : m.atoms) {
            o.writeByte(a.length);
            o.write(a);
        }
        for (int x : m.atomRefs) o.writeInt(x);
        o.writeInt(m.oneRefs.length);
        for (int x : m.oneStart) o.writeInt(x);
        for (int x : m.oneRefs) o.writeInt(x);
        o.writeInt(m.unindexed.length);
        for (int x : m.unindexed) o.writeInt(x);
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
            for (long[] p : v.prefixCheck) byteSet(o, p);
        }
        o.writeInt(v.yaraQuality);
        byteSet(o, v.firstBytes);
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
    static final int BOOL = 0, INT = 1, FLOAT = 2, STR = 3, REGEX = 4, KEYWORD = 5, STR_MATCH = 6,
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

    /** Byte-set encodings: absent, one byte value, all 256 values, or the four words. */
    static final int SET_NULL = 0, SET_ONE = 1, SET_ALL = 2, SET_WORDS = 3;

    /** A 256-bit byte set (long[4]) or null, in the shortest of the {@code SET_*} forms. */
    private static void byteSet(DataOutputStream o, long[] w) throws IOException {
        if (w == null) {
            o.writeByte(SET_NULL);
            return;
        }
        if (w.length != 4) throw new IllegalStateException("byte set of " + w.length + " words");
        int n = Long.bitCount(w[0]) + Long.bitCount(w[1]) + Long.bitCount(w[2]) + Long.bitCount(w[3]);
        if (n == 1) {
            int k = w[0] != 0 ? 0 : w[1] != 0 ? 1 : w[2] != 0 ? 2 : 3;
            o.writeByte(SET_ONE);
            o.writeByte(k * 64 + Long.numberOfTrailingZeros(w[k]));
        } else if (n == 256) {
            o.writeByte(SET_ALL);
        } else {
            o.writeByte(SET_WORDS);
            for (long x : w) o.writeLong(x);
        }
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

    /**
     * The parts of a rule set read back; {@link YaraRuleSet} builds its matcher from them. The rules' conditions are
     * null and the strings' variant lists empty: {@code lazy} decodes them on first use.
     */
    record Parts(List<Compiler.RuleDef> rules, List<Compiler.StringDef> strings, int maxSlots, List<Diagnostic> warnings,
            AtomIndex index, LazyRuleSet lazy, StringMatcher matcher, boolean[] needsMatch) {}

    static Parts read(byte[] data) throws IOException {
        return read(data, 0, data.length);
    }

    /** The rule set in data[off, off + len). */
    static Parts read(byte[] data, int off, int len) throws IOException {
        if (len < 20) throw new IOException("truncated");
        CRC32 crc = new CRC32();
        crc.update(data, off, len - 8);
        if (crc.getValue() != ByteBuffer.wrap(data, off + len - 8, 8).getLong()) throw new IOException("checksum mismatch");
        RuleSetInput in = new RuleSetInput(ByteBuffer.wrap(data, off, len - 8));
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
            int[] perString = new int[ns];
            long total = 0;
            for (int i = 0; i < ns; i++) {
                String id = in.str();
                int rule = in.count(0);
                boolean priv = in.bool(), hex = in.bool();
                perString[i] = in.count(0);
                total += perString[i];
                strings.add(new Compiler.StringDef(id, rule, priv, hex, List.of()));
            }
            int nv = in.count(4);
            if (nv != total) throw new IOException("variant count does not fit the strings");
            int[] varStart = new int[nv], varEnd = new int[nv], varString = new int[nv];
            for (int s = 0, v = 0; s < ns; s++) {
                for (int k = 0; k < perString[s]; k++, v++) {
                    int n = in.count(0);
                    if (n > in.b.remaining()) throw new IOException("bad variant length");
                    varStart[v] = in.b.position();
                    varEnd[v] = varStart[v] + n;
                    varString[v] = s;
                    in.b.position(varEnd[v]);
                }
            }
            StringMatcher.Tables t = tables(in, nv, data.length);
            int nr = in.count(10);
            List<Compiler.RuleDef> rules = new ArrayList<>(nr);
            int[] condStart = new int[nr], condEnd = new int[nr];
            boolean[] needsMatch = new boolean[nr];
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
                needsMatch[i] = in.bool();
                int n = in.count(1);
                condStart[i] = in.b.position();
                condEnd[i] = condStart[i] + n;
                in.b.position(condEnd[i]);
                rules.add(new Compiler.RuleDef(name, namespace, priv, global, List.copyOf(tags), List.copyOf(meta), first,
                        count, null, in.str()));
            }
            for (Compiler.StringDef s : strings) if (s.rule() >= nr) throw new IOException("string of no rule");
            AtomIndex index = null;
            int ni = in.b.getInt();
            if (ni != -1) {
                if (ni < 0 || ni != in.b.remaining()) throw new IOException("bad kernel index length");
                // read in place (the kernel checks its tables' structure and derives its filters)
                // (in.b wraps data[off, ...]: its positions are indices of data)
                index = AtomIndex.read(new FlatBuffers.In(ByteBuffer.wrap(data, in.b.position(), ni).slice()));
                in.b.position(in.b.position() + ni);
            }
            if (in.b.hasRemaining()) throw new IOException("trailing bytes");
            LazyRuleSet lazy = new LazyRuleSet(data, varStart, varEnd, varString, condStart, condEnd, ns, maxSlots + 1);
            StringMatcher m = new StringMatcher(lazy, nv, ns, t.maxProgram(), t.refVariant(), t.refMin(), t.refMax(),
                    t.windows(), t.atoms(), t.atomRefs(), t.oneStart(), t.oneRefs(), t.unindexed());
            return new Parts(rules, strings, maxSlots, warnings, index, lazy, m, needsMatch);
        } catch (RuntimeException e) { // underflow, a null where none may be, ...
            throw new IOException("malformed rule set: " + e, e);
        }
    }

    /** The matcher's tables, every index checked against what it indexes. */
    private static StringMatcher.Tables tables(RuleSetInput in, int nv, int entryLength) throws IOException {
        ByteBuffer b = in.b;
        int maxProgram = b.getInt();
        // each program instruction takes at least one byte of the entry
        if (maxProgram < 16 || maxProgram > Math.max(16, entryLength)) throw new IOException("bad program size");
        int nRefs = in.count(4 * 3 + 8 * 4);
        int[] refVariant = ints(b, nRefs), refMin = ints(b, nRefs), refMax = ints(b, nRefs);
        for (int i = 0; i < nRefs; i++) {
            if (refVariant[i] < 0 || refVariant[i] >= nv || refMin[i] < 0 || refMax[i] < refMin[i]) {
                throw new IOException("bad atom reference");
            }
        }
        long[] windows = new long[4 * nRefs];
        b.asLongBuffer().get(windows);
        b.position(b.position() + 8 * windows.length);
        int na = in.count(3 + 4);
        byte[][] atoms = new byte[na][];
        for (int i = 0; i < na; i++) {
            int n = b.get();
            if (n < 2 || n > 4) throw new IOException("bad atom");
            atoms[i] = new byte[n];
            b.get(atoms[i]);
        }
        int[] atomRefs = ints(b, na);
        for (int x : atomRefs) if (x < 0 || x >= nRefs) throw new IOException("bad atom reference");
        int nOne = in.count(4);
        int[] oneStart = ints(b, 257);
        int[] oneRefs = ints(b, nOne);
        if (oneStart[0] != 0 || oneStart[256] != nOne) throw new IOException("bad one-byte table");
        for (int i = 0; i < 256; i++) if (oneStart[i + 1] < oneStart[i]) throw new IOException("bad one-byte table");
        for (int x : oneRefs) if (x < 0 || x >= nRefs) throw new IOException("bad one-byte reference");
        int nUn = in.count(4);
        int[] unindexed = ints(b, nUn);
        for (int x : unindexed) if (x < 0 || x >= nv) throw new IOException("bad unindexed variant");
        return new StringMatcher.Tables(maxProgram, refVariant, refMin, refMax, windows, atoms, atomRefs, oneStart, oneRefs,
                unindexed);
    }

    private static int[] ints(ByteBuffer b, int n) throws IOException {
        if ((long) n * 4 > b.remaining()) throw new IOException("bad length " + n);
        int[] a = new int[n];
        b.asIntBuffer().get(a);
        b.position(b.position() + 4 * n);
        return a;
    }
}
