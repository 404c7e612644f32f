package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.*;
import dev.bulwark.engine.signatures.yara.modules.ModuleSchema;
import dev.bulwark.engine.signatures.yara.modules.ModuleSchema.Kind;
import dev.bulwark.engine.signatures.yara.modules.ModuleSchema.Node;
import dev.bulwark.engine.signatures.yara.re.Regex;
import dev.bulwark.engine.signatures.yara.re.RegexException;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves identifiers of a condition (strings, rules, externals, modules, loop variables), checks operand types,
 * folds integer constants (reporting overflow as YARA does) and returns the tree the evaluator runs.
 */
final class Resolver {
    enum Ty { INT, FLOAT, BOOL, STR, REGEX, ANY }

    /** A resolved expression, its type and, for a module value of a checked module, its declaration (yara17). */
    private record R(Expr e, Ty t, Node n) {
        R(Expr e, Ty t) {
            this(e, t, null);
        }
    }

    private final Compiler compiler;
    private final Compiler.Scope sc;

    Resolver(Compiler compiler, Compiler.Scope scope) {
        this.compiler = compiler;
        this.sc = scope;
    }

    Expr resolveBool(Expr e) {
        literalInBoolean(e, null);
        return r(e).e();
    }

    /** (compat15) yara's warning for a literal string used as a boolean (a condition, an operand of and/or/not/defined). */
    private void literalInBoolean(Expr e, Token at) {
        if (e instanceof StrLit s) {
            Token t = at != null ? at : sc.rule.at();
            sc.problems.warning(t.line(), t.col(), "using literal string \""
                    + new String(s.v(), java.nio.charset.StandardCharsets.ISO_8859_1) + "\" in a boolean operation."
                    + Problems.RULE_MARK + sc.rule.name() + "\")");
        }
    }

    private void err(Token at, String msg) {
        if (at != null) sc.problems.error(at, msg);
        else sc.problems.error(sc.rule.at(), msg);
    }

    private static boolean numeric(Ty t) {
        return t == Ty.INT || t == Ty.FLOAT || t == Ty.ANY;
    }

    /** yara's name of a type in its messages. */
    private static String yname(Ty t) {
        return switch (t) {
            case INT -> "integer";
            case FLOAT -> "float";
            case BOOL -> "boolean";
            case STR -> "string";
            case REGEX -> "regexp";
            case ANY -> "undefined";
        };
    }

    /** (compat15) yara 4.2.3's message for an operand of the wrong type: wrong type "string" for % operator. */
    private static String wrongType(Ty t, String op) {
        return "wrong type \"" + yname(t) + "\" for " + op + " operator";
    }

    private Expr expect(Expr e, Ty want, Token at, String what) {
        R x = r(e);
        if (x.t() != want && x.t() != Ty.ANY && !(want == Ty.FLOAT && x.t() == Ty.INT)) {
            if (what.startsWith("int") || what.startsWith("uint")) err(at, wrongType(x.t(), "intXXXX or uintXXXX"));
            else if (what.equals("at")) err(at, wrongType(x.t(), "at"));
            else err(at, "wrong type for " + what + " (expected " + want.name().toLowerCase() + ")");
        }
        return x.e();
    }

    private int stringIndex(Token at, String id) {
        if (id.equals("$")) {
            if (sc.forOfSlot < 0) {
                err(at, "wrong use of anonymous string");
                return 0;
            }
            return -1 - sc.forOfSlot;
        }
        for (int i = sc.first; i < sc.first + sc.count; i++) {
            if (compiler.strings.get(i).id().equals(id)) {
                sc.used.add(i);
                return i;
            }
        }
        err(at, "undefined string identifier \"" + id + "\"");
        return 0;
    }

    /**
     * (yara17) An expression used as a value: a module structure, array, dictionary or function is refused with
     * yara 4.2.3's "wrong usage of identifier".
     */
    private R r(Expr e) {
        R x = obj(e);
        if (x.n() != null && !x.n().leaf()) {
            err(at(e), "wrong usage of identifier \"" + x.n().name + "\"");
            return new R(x.e(), Ty.ANY);
        }
        return x;
    }

    private Token at(Expr e) {
        return switch (e) {
            case Field f -> f.at();
            case Index ix -> ix.at();
            case Call c -> c.at();
            case Ident id -> id.at();
            default -> null;
        };
    }

    /** The type a declared field has as a value (ANY for structures, arrays, dictionaries and functions). */
    private static Ty ty(Node n) {
        return switch (n.kind) {
            case INT -> Ty.INT;
            case FLOAT -> Ty.FLOAT;
            case STR -> Ty.STR;
            default -> Ty.ANY;
        };
    }

    private static Ty ty(char letter) {
        return letter == 'i' ? Ty.INT : letter == 'f' ? Ty.FLOAT : Ty.STR;
    }

    /** yara's letter for an argument's type in a function's overloads ('?' for a value of unknown type). */
    private static char letter(Ty t) {
        return switch (t) {
            case INT -> 'i';
            case FLOAT -> 'f';
            case STR -> 's';
            case REGEX -> 'r';
            case BOOL -> 'b';
            case ANY -> '?';
        };
    }

    /** The result letter of the overload matching these argument letters ('?' matches any), or 0. */
    private static char overload(Node f, String sig) {
        if (sig.indexOf('?') < 0) return f.overload(sig);
        for (String[] o : f.overloads) {
            if (o[0].length() != sig.length()) continue;
            boolean ok = true;
            for (int i = 0; i < sig.length() && ok; i++) ok = sig.charAt(i) == '?' || sig.charAt(i) == o[0].charAt(i);
            if (ok) return o[1].charAt(0);
        }
        return 0;
    }

    /** An expression that may be a module structure, array, dictionary or function (an operand of . [] () or an iterator). */
    private R obj(Expr e) {
        switch (e) {
            case BoolLit b -> { return new R(b, Ty.BOOL); }
            case IntLit i -> { return new R(i, Ty.INT); }
            case FloatLit f -> { return new R(f, Ty.FLOAT); }
            case StrLit s -> { return new R(s, Ty.STR); }
            case RegexLit rl -> {
                int slash = rl.source().indexOf('/');
                String flags = rl.source().substring(0, slash);
                try {
                    Regex re = Regex.compile(rl.source().substring(slash + 1), flags.contains("i"), flags.contains("s"), false);
                    return new R(new RegexLit(rl.at(), rl.source(), re), Ty.REGEX);
                } catch (RegexException ex) {
                    err(rl.at(), "invalid regular expression: " + ex.getMessage());
                    return new R(new BoolLit(false), Ty.REGEX);
                }
            }
            case Keyword k -> { return new R(k, Ty.INT); }
            case StrMatch m -> {
                int idx = stringIndex(m.at(), m.id());
                Expr at = m.atExpr() == null ? null : expect(m.atExpr(), Ty.INT, m.at(), "at");
                Expr lo = m.lo() == null ? null : expect(m.lo(), Ty.INT, m.at(), "range");
                Expr hi = m.hi() == null ? null : expect(m.hi(), Ty.INT, m.at(), "range");
                return new R(new StrMatch(m.at(), m.id(), idx, at, lo, hi), Ty.BOOL);
            }
            case StrCount c -> {
                int idx = stringIndex(c.at(), c.id());
                Expr lo = c.lo() == null ? null : expect(c.lo(), Ty.INT, c.at(), "range");
                Expr hi = c.hi() == null ? null : expect(c.hi(), Ty.INT, c.at(), "range");
                return new R(new StrCount(c.at(), c.id(), idx, lo, hi), Ty.INT);
            }
            case StrOffset o -> {
                int idx = stringIndex(o.at(), o.id());
                Expr ix = o.index() == null ? null : expect(o.index(), Ty.INT, o.at(), "index");
                return new R(new StrOffset(o.at(), o.id(), idx, o.length(), ix), Ty.INT);
            }
            case Unary u -> { return unary(u); }
            case Binary b -> { return binary(b); }
            case IntRead ir -> { return new R(new IntRead(ir.at(), ir.fn(), expect(ir.offset(), Ty.INT, ir.at(), ir.fn())), Ty.INT); }
            case Ident id -> { return ident(id); }
            case Field f -> {
                R o = obj(f.obj());
                if (o.n() != null) {
                    if (o.n().kind != Kind.STRUCT) {
                        err(f.at(), "\"" + o.n().name + "\" is not a structure");
                        return new R(new Field(f.at(), o.e(), f.name()), Ty.ANY);
                    }
                    Node c = o.n().fields.get(f.name());
                    if (c == null) {
                        err(f.at(), "invalid field name \"" + f.name() + "\"");
                        return new R(new Field(f.at(), o.e(), f.name()), Ty.ANY);
                    }
                    return new R(new Field(f.at(), o.e(), f.name()), ty(c), c);
                }
                if (o.t() != Ty.ANY) err(f.at(), "\"" + f.name() + "\" is not a structure field");
                return new R(new Field(f.at(), o.e(), f.name()), Ty.ANY);
            }
            case Index ix -> {
                R o = obj(ix.obj());
                if (o.n() != null) {
                    R k = r(ix.index());
                    Node n = o.n();
                    if (n.kind == Kind.ARRAY) {
                        if (k.t() != Ty.INT && k.t() != Ty.ANY) err(ix.at(), "array indexes must be of integer type");
                    } else if (n.kind == Kind.DICT) {
                        if (k.t() != Ty.STR && k.t() != Ty.ANY) err(ix.at(), "dictionary keys must be of string type");
                    } else {
                        err(ix.at(), "\"" + n.name + "\" is not an array or dictionary");
                        return new R(new Index(ix.at(), o.e(), k.e()), Ty.ANY);
                    }
                    return new R(new Index(ix.at(), o.e(), k.e()), ty(n.elem), n.elem);
                }
                if (o.t() != Ty.ANY) err(ix.at(), "wrong type: not an array or dictionary");
                return new R(new Index(ix.at(), o.e(), r(ix.index()).e()), Ty.ANY);
            }
            case Call c -> {
                R f = obj(c.fn());
                if (f.n() != null) {
                    List<Expr> args = new ArrayList<>();
                    StringBuilder sig = new StringBuilder();
                    for (Expr a : c.args()) {
                        R ra = r(a);
                        args.add(ra.e());
                        sig.append(letter(ra.t()));
                    }
                    Call out = new Call(c.at(), f.e(), args);
                    if (f.n().kind != Kind.FUNC) {
                        err(c.at(), "\"" + f.n().name + "\" is not a function");
                        return new R(out, Ty.ANY);
                    }
                    char ret = overload(f.n(), sig.toString());
                    if (ret == 0) {
                        err(c.at(), "wrong arguments for function \"" + f.n().name + "\"");
                        return new R(out, Ty.ANY);
                    }
                    return new R(out, ty(ret), ModuleSchema.leaf(f.n().name, ret));
                }
                if (f.t() != Ty.ANY) err(c.at(), "not a function");
                List<Expr> args = new ArrayList<>();
                for (Expr a : c.args()) args.add(r(a).e());
                return new R(new Call(c.at(), f.e(), args), Ty.ANY);
            }
            case Of o -> { return of(o); }
            case ForOf f -> { return forOf(f); }
            case ForIn f -> { return forIn(f); }
            default -> { return new R(e, Ty.ANY); }
        }
    }

    private R ident(Ident id) {
        for (int i = sc.loopNames.size() - 1; i >= 0; i--) {
            if (sc.loopNames.get(i).equals(id.name())) return new R(new LoopVar(sc.loopSlots.get(i)), sc.loopTypes.get(i), sc.loopNodes.get(i));
        }
        if (sc.imports.contains(id.name())) return new R(new ModuleRoot(id.name()), Ty.ANY, ModuleSchema.of(id.name()));
        Integer rule = sc.ruleNames.get(id.name());
        if (rule != null) return new R(new RuleRef(rule), Ty.BOOL);
        if (compiler.externals.containsKey(id.name())) {
            Object v = compiler.externals.get(id.name());
            if (v instanceof Boolean b) return new R(new BoolLit(b), Ty.BOOL);
            if (v instanceof Long || v instanceof Integer) return new R(new IntLit(((Number) v).longValue()), Ty.INT);
            if (v instanceof Double d) return new R(new FloatLit(d), Ty.FLOAT);
            return new R(new StrLit(v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), Ty.STR);
        }
        if (id.name().equals(sc.rule.name())) {
            err(id.at(), "undefined identifier \"" + id.name() + "\" (a rule cannot reference itself)");
        } else if (dev.bulwark.engine.signatures.yara.modules.Modules.get(id.name()) != null) {
            err(id.at(), "undefined identifier \"" + id.name() + "\" (missing import \"" + id.name() + "\"?)");
        } else {
            err(id.at(), "undefined identifier \"" + id.name() + "\"");
        }
        return new R(new BoolLit(false), Ty.ANY);
    }

    private R unary(Unary u) {
        if (u.op().equals("not") || u.op().equals("defined")) literalInBoolean(u.e(), u.at());
        R x = r(u.e());
        switch (u.op()) {
            case "not", "defined" -> {
                return new R(new Unary(u.at(), u.op(), x.e()), Ty.BOOL);
            }
            case "-" -> {
                if (!numeric(x.t())) err(u.at(), wrongType(x.t(), "-"));
                if (x.e() instanceof IntLit i) {
                    if (i.v() == Long.MIN_VALUE) err(u.at(), "integer overflow");
                    return new R(new IntLit(-i.v()), Ty.INT);
                }
                if (x.e() instanceof FloatLit f) return new R(new FloatLit(-f.v()), Ty.FLOAT);
                return new R(new Unary(u.at(), "-", x.e()), x.t());
            }
            default -> {
                if (x.t() != Ty.INT && x.t() != Ty.ANY) err(u.at(), wrongType(x.t(), "~"));
                if (x.e() instanceof IntLit i) return new R(new IntLit(~i.v()), Ty.INT);
                return new R(new Unary(u.at(), "~", x.e()), Ty.INT);
            }
        }
    }

    private R binary(Binary b) {
        if (b.op().equals("and") || b.op().equals("or")) {
            literalInBoolean(b.l(), b.at());
            literalInBoolean(b.r(), b.at());
        }
        R l = r(b.l()), rr = r(b.r());
        Ty lt = l.t(), rt = rr.t();
        Expr out = new Binary(b.at(), b.op(), l.e(), rr.e());
        switch (b.op()) {
            case "and", "or" -> { return new R(out, Ty.BOOL); }
            case "+", "-", "*", "\\" -> {
                if (!numeric(lt) || !numeric(rt)) err(b.at(), "type mismatch");
                if (l.e() instanceof IntLit x && rr.e() instanceof IntLit y) return new R(new IntLit(fold(b, x.v(), y.v())), Ty.INT);
                return new R(out, lt == Ty.FLOAT || rt == Ty.FLOAT ? Ty.FLOAT : lt == Ty.ANY || rt == Ty.ANY ? Ty.ANY : Ty.INT);
            }
            case "%", "&", "|", "^", "<<", ">>" -> {
                if (!intish(lt) || !intish(rt)) err(b.at(), wrongType(!intish(lt) ? lt : rt, b.op()));
                if ((b.op().equals("<<") || b.op().equals(">>")) && rr.e() instanceof IntLit y && y.v() < 0) {
                    err(b.at(), "invalid operand: negative shift");
                }
                if (b.op().equals("%") && rr.e() instanceof IntLit y && y.v() == 0) err(b.at(), "division by zero");
                return new R(out, Ty.INT);
            }
            case "<", "<=", ">", ">=", "==", "!=" -> {
                boolean ok = numeric(lt) && numeric(rt) || (lt == Ty.STR || lt == Ty.ANY) && (rt == Ty.STR || rt == Ty.ANY)
                        || (b.op().equals("==") || b.op().equals("!=")) && (lt == Ty.BOOL || lt == Ty.ANY) && (rt == Ty.BOOL || rt == Ty.ANY);
                if (!ok) err(b.at(), "type mismatch");
                return new R(out, Ty.BOOL);
            }
            case "matches" -> {
                if (!(lt == Ty.STR || lt == Ty.ANY) || rt != Ty.REGEX) err(b.at(), wrongType(!(lt == Ty.STR || lt == Ty.ANY) ? lt : rt, "matches"));
                return new R(out, Ty.BOOL);
            }
            default -> {
                if (!(lt == Ty.STR || lt == Ty.ANY) || !(rt == Ty.STR || rt == Ty.ANY)) {
                    err(b.at(), wrongType(!(lt == Ty.STR || lt == Ty.ANY) ? lt : rt, b.op()));
                }
                return new R(out, Ty.BOOL);
            }
        }
    }

    private static boolean intish(Ty t) {
        return t == Ty.INT || t == Ty.ANY;
    }

    private long fold(Binary b, long x, long y) {
        try {
            return switch (b.op()) {
                case "+" -> Math.addExact(x, y);
                case "-" -> Math.subtractExact(x, y);
                case "*" -> {
                    long v = Math.multiplyExact(x, y);
                    if (v == Long.MIN_VALUE) throw new ArithmeticException(); // YARA rejects this edge too
                    yield v;
                }
                default -> {
                    if (y == 0) {
                        err(b.at(), "division by zero");
                        yield 0;
                    }
                    if (x == Long.MIN_VALUE && y == -1) throw new ArithmeticException();
                    yield x / y;
                }
            };
        } catch (ArithmeticException e) {
            err(b.at(), "integer overflow in constant expression");
            return 0;
        }
    }

    private Quant quant(Quant q, Token at) {
        if (q.n() == null) return q;
        R n = r(q.n());
        if (n.t() != Ty.INT && n.t() != Ty.ANY) err(at, "invalid value: quantifier must be an integer");
        if (q.kind() == QKind.PERCENT && n.e() instanceof IntLit i && (i.v() < 1 || i.v() > 100)) {
            err(at, "invalid percentage " + i.v() + "%: must be between 1 and 100");
        }
        return new Quant(q.kind(), n.e());
    }

    private SetSpec set(SetSpec s, Token at) {
        List<Integer> out = new ArrayList<>();
        if (s.rules()) {
            for (String n : s.names()) {
                if (n.endsWith("*")) {
                    String pre = n.substring(0, n.length() - 1);
                    compiler.useWildcard(sc.ns, pre);
                    boolean any = false;
                    for (var e : sc.ruleNames.entrySet()) {
                        if (e.getKey().startsWith(pre)) {
                            out.add(e.getValue());
                            any = true;
                        }
                    }
                    if (!any && !sc.rule.name().startsWith(pre)) err(s.at(), "undefined identifier \"" + n + "\"");
                } else {
                    Integer idx = sc.ruleNames.get(n);
                    if (idx == null) err(s.at(), "undefined identifier \"" + n + "\"");
                    else out.add(idx);
                }
            }
            out.sort(null);
        } else {
            List<String> names = s.names() == null ? List.of("$*") : s.names();
            for (String n : names) {
                boolean any = false;
                for (int i = sc.first; i < sc.first + sc.count; i++) {
                    String id = compiler.strings.get(i).id();
                    boolean hit = n.endsWith("*") ? id.startsWith(n.substring(0, n.length() - 1)) && !id.equals("$") || n.equals("$*") : id.equals(n);
                    if (hit && !out.contains(i)) {
                        out.add(i);
                        sc.used.add(i);
                        any = true;
                    } else if (hit) {
                        any = true;
                    }
                }
                if (!any) err(s.at(), "undefined string identifier \"" + n + "\"");
            }
        }
        return new SetSpec(s.at(), s.names(), s.rules(), out.stream().mapToInt(Integer::intValue).toArray());
    }

    private R of(Of o) {
        Quant q = quant(o.q(), o.at());
        SetSpec s = set(o.set(), o.at());
        Expr lo = o.lo() == null ? null : expect(o.lo(), Ty.INT, o.at(), "range");
        Expr hi = o.hi() == null ? null : expect(o.hi(), Ty.INT, o.at(), "range");
        Expr at = o.atExpr() == null ? null : expect(o.atExpr(), Ty.INT, o.at(), "at");
        return new R(new Of(o.at(), q, s, lo, hi, at), Ty.BOOL);
    }

    private void enterLoop(Token at) {
        if (++sc.loopDepth > YaraLimits.MAX_LOOP_NESTING) err(at, "loop nesting limit exceeded");
    }

    private R forOf(ForOf f) {
        Quant q = quant(f.q(), f.at());
        SetSpec s = set(f.set(), f.at());
        enterLoop(f.at());
        int saveSlot = sc.forOfSlot, saveNext = sc.nextSlot;
        int slot = sc.allocSlot();
        sc.forOfSlot = slot;
        Expr body = r(f.body()).e();
        sc.forOfSlot = saveSlot;
        sc.nextSlot = saveNext;
        sc.loopDepth--;
        return new R(new ForOf(f.at(), q, s, body, slot), Ty.BOOL);
    }

    private R forIn(ForIn f) {
        Quant q = quant(f.q(), f.at());
        enterLoop(f.at());
        if (f.vars().size() > YaraLimits.MAX_LOOP_VARS) err(f.at(), "syntax error: too many loop variables");
        Iter it;
        List<Ty> varTypes = new ArrayList<>();
        List<Node> varNodes = new ArrayList<>();
        switch (f.iter()) {
            case Range rg -> {
                it = new Range(expect(rg.lo(), Ty.INT, f.at(), "range"), expect(rg.hi(), Ty.INT, f.at(), "range"));
                varTypes.add(Ty.INT);
                if (f.vars().size() != 1) err(f.at(), "syntax error: a range binds one variable");
            }
            case ListIter li -> {
                List<Expr> items = new ArrayList<>();
                Ty t = null;
                for (Expr x : li.items()) {
                    R rx = r(x);
                    if (rx.t() != Ty.INT && rx.t() != Ty.STR && rx.t() != Ty.ANY) err(f.at(), "wrong type for enumeration item");
                    if (t != null && t != rx.t() && rx.t() != Ty.ANY && t != Ty.ANY) err(f.at(), "wrong type for enumeration item");
                    if (t == null || t == Ty.ANY) t = rx.t();
                    items.add(rx.e());
                }
                it = new ListIter(items);
                varTypes.add(t == null ? Ty.ANY : t);
                if (f.vars().size() != 1) err(f.at(), "syntax error: an enumeration binds one variable");
            }
            case ExprIter ei -> {
                R rx = obj(ei.e());
                it = new ExprIter(rx.e());
                Node n = rx.n();
                if (n != null && n.kind == Kind.ARRAY) {
                    if (f.vars().size() != 1) {
                        err(f.at(), "iterator for \"" + n.name + "\" yields a single item on each iteration, but the loop expects "
                                + f.vars().size());
                    }
                    varTypes.add(ty(n.elem));
                    varNodes.add(n.elem);
                } else if (n != null && n.kind == Kind.DICT) {
                    if (f.vars().size() != 2) err(f.at(), "iterator for \"" + n.name + "\" yields a key,value pair item on each iteration");
                    varTypes.add(Ty.STR);
                    varNodes.add(null);
                    varTypes.add(ty(n.elem));
                    varNodes.add(n.elem);
                } else if (n != null) {
                    err(f.at(), "identifier \"" + n.name + "\" is not iterable");
                } else {
                    if (rx.t() != Ty.ANY) err(f.at(), "wrong type: not iterable");
                    for (int i = 0; i < f.vars().size(); i++) varTypes.add(Ty.ANY);
                }
            }
        }
        int saveNext = sc.nextSlot;
        int base = sc.allocSlot();
        for (int i = 1; i < f.vars().size(); i++) sc.allocSlot();
        int names = sc.loopNames.size();
        for (int i = 0; i < f.vars().size(); i++) {
            String v = f.vars().get(i);
            if (sc.loopNames.contains(v)) { // only an enclosing loop's variable clashes: rules and modules are shadowed
                err(f.at(), "duplicated loop identifier \"" + v + "\"");
            }
            sc.loopNames.add(v);
            sc.loopSlots.add(base + i);
            sc.loopTypes.add(varTypes.isEmpty() ? Ty.ANY : varTypes.get(Math.min(i, varTypes.size() - 1)));
            sc.loopNodes.add(i < varNodes.size() ? varNodes.get(i) : null);
        }
        Expr body = r(f.body()).e();
        while (sc.loopNames.size() > names) {
            sc.loopNames.remove(sc.loopNames.size() - 1);
            sc.loopSlots.remove(sc.loopSlots.size() - 1);
            sc.loopTypes.remove(sc.loopTypes.size() - 1);
            sc.loopNodes.remove(sc.loopNodes.size() - 1);
        }
        sc.nextSlot = saveNext;
        sc.loopDepth--;
        return new R(new ForIn(f.at(), q, f.vars(), it, body, base), Ty.BOOL);
    }
}
