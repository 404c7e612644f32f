package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.*;
import dev.bulwark.engine.signatures.yara.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for YARA 4.x source. A syntax error abandons the current rule and parsing resumes at
 * the next {@code rule}, so every broken rule of a file is reported in one pass.
 */
final class Parser {
    private static final int MAX_DEPTH = 200; // expression nesting; deeper input is rejected, not a stack overflow

    /** Supplies the text of an included file; returns null (after reporting) when it cannot. */
    interface IncludeResolver {
        YaraSource resolve(String includingSource, String path, Problems problems, Token at);
    }

    private static final class Abort extends RuntimeException {
        Abort() {
            super(null, null, false, false);
        }
    }

    private final List<Token> toks;
    private final Problems problems;
    private final IncludeResolver includes;
    private final int includeDepth;
    private final List<Problems> includeProblems;
    private int p;
    private int depth;
    private boolean percentEndsOperand; // while reading a "for N% ..." quantifier

    Parser(List<Token> toks, Problems problems, IncludeResolver includes, int includeDepth, List<Problems> includeProblems) {
        this.toks = toks;
        this.problems = problems;
        this.includes = includes;
        this.includeDepth = includeDepth;
        this.includeProblems = includeProblems;
    }

    SourceFile parseFile() {
        List<String> imports = new ArrayList<>();
        List<Token> importToks = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        while (peek().kind() != Kind.EOF) {
            int start = p;
            try {
                Token t = peek();
                if (t.isKeyword("import")) {
                    p++;
                    Token name = expect(Kind.TEXT, "module name");
                    imports.add(new String(name.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
                    importToks.add(name);
                } else if (t.isKeyword("include")) {
                    p++;
                    Token path = expect(Kind.TEXT, "include path");
                    include(path, imports, importToks, rules);
                } else {
                    rules.add(rule());
                }
            } catch (Abort a) {
                if (p == start) p++;
                while (peek().kind() != Kind.EOF && !peek().isKeyword("rule") && !peek().isKeyword("import")
                        && !peek().isKeyword("include")) {
                    p++;
                }
                // resume at the modifiers that precede the next rule
                while (p > start + 1 && (toks.get(p - 1).isKeyword("private") || toks.get(p - 1).isKeyword("global"))) p--;
                if (p <= start) p = start + 1;
            }
        }
        return new SourceFile(imports, importToks, rules);
    }

    private void include(Token path, List<String> imports, List<Token> importToks, List<Rule> rules) {
        String name = new String(path.bytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (includes == null) {
            fail(path, "includes are not allowed here");
        }
        if (includeDepth >= YaraLimits.MAX_INCLUDE_DEPTH) fail(path, "too many levels of included files");
        YaraSource src = includes.resolve(problems.source(), name, problems, path);
        if (src == null) return;
        Problems sub = new Problems(src.name(), src.text(), Problems.newList());
        includeProblems.add(sub);
        List<Token> subToks = new Lexer(src.text(), sub).tokenize();
        SourceFile f = new Parser(subToks, sub, includes, includeDepth + 1, includeProblems).parseFile();
        imports.addAll(f.imports());
        importToks.addAll(f.importTokens());
        rules.addAll(f.rules());
    }

    // ---- token helpers

    private Token peek() {
        return toks.get(p);
    }

    private Token peek(int ahead) {
        return toks.get(Math.min(p + ahead, toks.size() - 1));
    }

    private Token advance() {
        Token t = toks.get(p);
        if (t.kind() != Kind.EOF) p++;
        return t;
    }

    private boolean acceptOp(String op) {
        if (peek().isOp(op)) {
            p++;
            return true;
        }
        return false;
    }

    private boolean acceptKw(String kw) {
        if (peek().isKeyword(kw)) {
            p++;
            return true;
        }
        return false;
    }

    private Token expect(Kind k, String what) {
        if (peek().kind() != k) fail(peek(), "syntax error, unexpected " + peek() + ", expecting " + what);
        return advance();
    }

    private Token expectOp(String op) {
        if (!peek().isOp(op)) fail(peek(), "syntax error, unexpected " + peek() + ", expecting '" + op + "'");
        return advance();
    }

    private Token expectKw(String kw) {
        if (!peek().isKeyword(kw)) fail(peek(), "syntax error, unexpected " + peek() + ", expecting " + kw);
        return advance();
    }

    private RuntimeException fail(Token t, String msg) {
        problems.error(t, msg);
        throw new Abort();
    }

    // ---- rules

    private Rule rule() {
        boolean priv = false, glob = false;
        while (true) {
            if (acceptKw("private")) priv = true;
            else if (acceptKw("global")) glob = true;
            else break;
        }
        expectKw("rule");
        Token name = expect(Kind.IDENT, "rule identifier");
        List<String> tags = new ArrayList<>();
        if (acceptOp(":")) {
            while (peek().kind() == Kind.IDENT) {
                Token tag = advance();
                if (tags.contains(tag.text())) problems.error(tag, "duplicated tag identifier \"" + tag.text() + "\"");
                tags.add(tag.text());
            }
            if (tags.isEmpty()) fail(peek(), "syntax error, unexpected " + peek() + ", expecting identifier");
        }
        expectOp("{");
        List<Meta> meta = new ArrayList<>();
        List<StringDecl> strings = new ArrayList<>();
        if (acceptKw("meta")) {
            expectOp(":");
            while (peek().kind() == Kind.IDENT || (peek().kind() == Kind.KEYWORD && peek(1).isOp("=")
                    && !peek().isKeyword("strings") && !peek().isKeyword("condition"))) {
                meta.add(meta());
            }
        }
        if (acceptKw("strings")) {
            expectOp(":");
            if (peek().kind() != Kind.STRING_ID) fail(peek(), "syntax error, unexpected " + peek() + ", expecting string identifier");
            while (peek().kind() == Kind.STRING_ID) {
                strings.add(stringDecl());
            }
        }
        expectKw("condition");
        expectOp(":");
        Expr cond = expr();
        expectOp("}");
        return new Rule(name, name.text(), priv, glob, List.copyOf(tags), List.copyOf(meta), List.copyOf(strings), cond);
    }

    private Meta meta() {
        Token key = advance();
        expectOp("=");
        Token v = advance();
        if (v.kind() == Kind.TEXT) return new Meta(key.text(), new String(v.bytes(), java.nio.charset.StandardCharsets.UTF_8));
        if (v.kind() == Kind.INT) return new Meta(key.text(), v.intValue());
        if (v.isOp("-") && peek().kind() == Kind.INT) return new Meta(key.text(), -advance().intValue());
        if (v.isKeyword("true") || v.isKeyword("false")) return new Meta(key.text(), v.isKeyword("true"));
        throw fail(v, "syntax error, unexpected " + v + " in meta value");
    }

    private StringDecl stringDecl() {
        Token id = advance();
        if (id.text().endsWith("*")) fail(id, "syntax error, unexpected " + id);
        expectOp("=");
        Token v = advance();
        StrType type;
        switch (v.kind()) {
            case TEXT -> type = StrType.TEXT;
            case HEX -> type = StrType.HEX;
            case REGEX -> type = StrType.REGEX;
            default -> throw fail(v, "syntax error, unexpected " + v + ", expecting text string, hex string or regular expression");
        }
        Modifiers m = modifiers(type);
        return new StringDecl(id, id.text(), type, v.bytes(), v.text(), m);
    }

    private Modifiers modifiers(StrType type) {
        boolean nocase = false, wide = false, ascii = false, fullword = false, priv = false, xor = false,
                b64 = false, b64w = false;
        int lo = 0, hi = 255;
        String alphabet = null;
        List<String> seen = new ArrayList<>();
        while (peek().kind() == Kind.KEYWORD) {
            Token t = peek();
            String k = t.text();
            boolean allowed = switch (k) {
                case "nocase", "wide", "ascii", "fullword" -> type != StrType.HEX;
                case "private" -> !peek(1).isKeyword("rule") && !peek(1).isKeyword("global");
                case "xor", "base64", "base64wide" -> type == StrType.TEXT;
                default -> false;
            };
            if (!allowed) {
                if (k.equals("nocase") || k.equals("wide") || k.equals("ascii") || k.equals("fullword")
                        || k.equals("xor") || k.equals("base64") || k.equals("base64wide")) {
                    fail(t, "syntax error, unexpected " + t);
                }
                break;
            }
            p++;
            if (seen.contains(k)) problems.error(t, "duplicated modifier \"" + k + "\"");
            seen.add(k);
            switch (k) {
                case "nocase" -> nocase = true;
                case "wide" -> wide = true;
                case "ascii" -> ascii = true;
                case "fullword" -> fullword = true;
                case "private" -> priv = true;
                case "xor" -> {
                    xor = true;
                    if (acceptOp("(")) {
                        Token a = expect(Kind.INT, "xor key");
                        lo = (int) Math.min(a.intValue(), 999);
                        hi = lo;
                        if (acceptOp("-")) hi = (int) Math.min(expect(Kind.INT, "xor key").intValue(), 999);
                        expectOp(")");
                        if (lo < 0 || lo > 255 || hi > 255) problems.error(a, "invalid modifier: xor key out of range 0-255");
                        else if (hi < lo) problems.error(a, "invalid modifier: xor lower bound exceeds upper bound");
                    }
                }
                default -> {
                    if (k.equals("base64")) b64 = true;
                    else b64w = true;
                    if (acceptOp("(")) {
                        Token a = expect(Kind.TEXT, "base64 alphabet");
                        expectOp(")");
                        String alpha = new String(a.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                        if (alpha.length() != 64) problems.error(a, "invalid modifier: length of base64 alphabet must be 64");
                        if (alphabet != null && !alphabet.equals(alpha)) {
                            problems.error(a, "invalid modifier: can not specify multiple alphabets");
                        }
                        alphabet = alpha;
                    }
                }
            }
        }
        Token here = toks.get(Math.max(0, p - 1));
        if (nocase && xor) problems.error(here, "invalid modifier combination: xor nocase");
        if ((b64 || b64w) && (nocase || xor || fullword)) {
            problems.error(here, "invalid modifier combination: base64 with nocase, xor or fullword");
        }
        return new Modifiers(nocase, wide, ascii, fullword, priv, xor, lo, hi, b64, b64w, alphabet);
    }

    // ---- expressions, loosest first

    Expr expr() {
        if (++depth > MAX_DEPTH) fail(peek(), "expression nested too deeply");
        try {
            return or();
        } finally {
            depth--;
        }
    }

    private Expr or() {
        Expr l = and();
        while (peek().isKeyword("or")) {
            Token t = advance();
            l = new Binary(t, "or", l, and());
        }
        return l;
    }

    private Expr and() {
        Expr l = not();
        while (peek().isKeyword("and")) {
            Token t = advance();
            l = new Binary(t, "and", l, not());
        }
        return l;
    }

    private Expr not() {
        if (peek().isKeyword("not") || peek().isKeyword("defined")) {
            Token t = advance();
            if (++depth > MAX_DEPTH) fail(t, "expression nested too deeply");
            try {
                return new Unary(t, t.text(), not());
            } finally {
                depth--;
            }
        }
        return equality();
    }

    private static final List<String> EQ_OPS = List.of("==", "!=");
    private static final List<String> STR_OPS = List.of("contains", "icontains", "startswith", "istartswith",
            "endswith", "iendswith", "iequals", "matches");

    private Expr equality() {
        Expr l = relational();
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.OP && EQ_OPS.contains(t.text()) || t.kind() == Kind.KEYWORD && STR_OPS.contains(t.text())) {
                p++;
                l = new Binary(t, t.text(), l, relational());
            } else {
                return l;
            }
        }
    }

    private Expr relational() {
        Expr l = ofSuffix(bitOr());
        while (peek().isOp("<") || peek().isOp("<=") || peek().isOp(">") || peek().isOp(">=")) {
            Token t = advance();
            l = new Binary(t, t.text(), l, ofSuffix(bitOr()));
        }
        return l;
    }

    /** {@code expr of set} and {@code expr % of set}: a primary expression used as a quantifier. */
    private Expr ofSuffix(Expr e) {
        if (peek().isKeyword("of")) return of(peek(), new Quant(QKind.EXPR, e));
        if (peek().isOp("%") && peek(1).isKeyword("of")) {
            p++;
            return of(peek(), new Quant(QKind.PERCENT, e));
        }
        return e;
    }

    private Expr bitOr() {
        Expr l = bitXor();
        while (peek().isOp("|")) {
            Token t = advance();
            l = new Binary(t, "|", l, bitXor());
        }
        return l;
    }

    private Expr bitXor() {
        Expr l = bitAnd();
        while (peek().isOp("^")) {
            Token t = advance();
            l = new Binary(t, "^", l, bitAnd());
        }
        return l;
    }

    private Expr bitAnd() {
        Expr l = shift();
        while (peek().isOp("&")) {
            Token t = advance();
            l = new Binary(t, "&", l, shift());
        }
        return l;
    }

    private Expr shift() {
        Expr l = additive();
        while (peek().isOp("<<") || peek().isOp(">>")) {
            Token t = advance();
            l = new Binary(t, t.text(), l, additive());
        }
        return l;
    }

    private Expr additive() {
        Expr l = multiplicative();
        while (peek().isOp("+") || peek().isOp("-")) {
            Token t = advance();
            l = new Binary(t, t.text(), l, multiplicative());
        }
        return l;
    }

    private Expr multiplicative() {
        Expr l = unary();
        while (peek().isOp("*") || peek().isOp("\\") || (peek().isOp("%") && !peek(1).isKeyword("of") && !percentEndsOperand)) {
            Token t = advance();
            l = new Binary(t, t.text(), l, unary());
        }
        return l;
    }

    private Expr unary() {
        if (peek().isOp("-") || peek().isOp("~")) {
            Token t = advance();
            if (++depth > MAX_DEPTH) fail(t, "expression nested too deeply");
            try {
                return new Unary(t, t.text(), unary());
            } finally {
                depth--;
            }
        }
        return postfix(primary());
    }

    private Expr postfix(Expr e) {
        while (true) {
            Token t = peek();
            if (t.isOp(".") && (e instanceof Ident || e instanceof Field || e instanceof Index || e instanceof Call)) {
                p++;
                Token name = advance();
                if (name.kind() != Kind.IDENT && name.kind() != Kind.KEYWORD) fail(name, "syntax error, unexpected " + name);
                e = new Field(name, e, name.text());
            } else if (t.isOp("[") && (e instanceof Ident || e instanceof Field || e instanceof Index || e instanceof Call)) {
                p++;
                Expr idx = expr();
                expectOp("]");
                e = new Index(t, e, idx);
            } else if (t.isOp("(") && (e instanceof Ident || e instanceof Field)) {
                p++;
                List<Expr> args = new ArrayList<>();
                if (!peek().isOp(")")) {
                    do {
                        args.add(expr());
                    } while (acceptOp(","));
                }
                expectOp(")");
                e = new Call(t, e, List.copyOf(args));
            } else {
                return e;
            }
        }
    }

    private Expr primary() {
        Token t = advance();
        switch (t.kind()) {
            case INT:
                return new IntLit(t.intValue());
            case FLOAT:
                return new FloatLit(t.floatValue());
            case TEXT:
                return new StrLit(t.bytes());
            case REGEX:
                return new RegexLit(t, t.text(), null);
            case IDENT:
                return new Ident(t, t.text());
            case STRING_ID: {
                if (t.text().endsWith("*")) fail(t, "syntax error, unexpected " + t);
                if (acceptKw("at")) return new StrMatch(t, t.text(), -1, bitOrOperand(), null, null);
                if (peek().isKeyword("in") && peek(1).isOp("(")) {
                    p++;
                    Expr[] r = range();
                    return new StrMatch(t, t.text(), -1, null, r[0], r[1]);
                }
                return new StrMatch(t, t.text(), -1, null, null, null);
            }
            case STRING_COUNT: {
                if (peek().isKeyword("in") && peek(1).isOp("(")) {
                    p++;
                    Expr[] r = range();
                    return new StrCount(t, t.text(), -1, r[0], r[1]);
                }
                return new StrCount(t, t.text(), -1, null, null);
            }
            case STRING_OFFSET:
            case STRING_LENGTH: {
                Expr idx = null;
                if (acceptOp("[")) {
                    idx = expr();
                    expectOp("]");
                }
                return new StrOffset(t, t.text(), -1, t.kind() == Kind.STRING_LENGTH, idx);
            }
            case OP:
                if (t.text().equals("(")) {
                    Expr e = expr();
                    expectOp(")");
                    return e;
                }
                break;
            case KEYWORD:
                switch (t.text()) {
                    case "true":
                        return new BoolLit(true);
                    case "false":
                        return new BoolLit(false);
                    case "filesize":
                    case "entrypoint":
                        return new Keyword(t.text());
                    case "all":
                        return quantified(t, new Quant(QKind.ALL, null));
                    case "any":
                        return quantified(t, new Quant(QKind.ANY, null));
                    case "none":
                        return quantified(t, new Quant(QKind.NONE, null));
                    case "for":
                        return forExpr(t);
                    default:
                        if (t.text().startsWith("int") || t.text().startsWith("uint")) {
                            expectOp("(");
                            Expr off = expr();
                            expectOp(")");
                            return new IntRead(t, t.text(), off);
                        }
                }
                break;
            default:
                break;
        }
        throw fail(t, "syntax error, unexpected " + t);
    }

    private Expr bitOrOperand() {
        return bitOr();
    }

    private Expr quantified(Token t, Quant q) {
        if (!peek().isKeyword("of")) fail(peek(), "syntax error, unexpected " + peek() + ", expecting of");
        return of(t, q);
    }

    private Expr of(Token at, Quant q) {
        expectKw("of");
        SetSpec set = set(true);
        if (peek().isKeyword("in") && peek(1).isOp("(") && !set.rules()) {
            p++;
            Expr[] r = range();
            return new Of(at, q, set, r[0], r[1], null);
        }
        if (peek().isKeyword("at") && !set.rules()) {
            p++;
            return new Of(at, q, set, null, null, bitOr());
        }
        return new Of(at, q, set, null, null, null);
    }

    private SetSpec set(boolean allowRules) {
        Token t = peek();
        if (acceptKw("them")) return new SetSpec(t, null, false, null);
        expectOp("(");
        List<String> names = new ArrayList<>();
        boolean rules = peek().kind() == Kind.IDENT;
        if (rules && !allowRules) fail(peek(), "syntax error, unexpected " + peek());
        do {
            Token n = advance();
            if (rules) {
                if (n.kind() != Kind.IDENT) fail(n, "syntax error, unexpected " + n + ", expecting rule identifier");
                String name = n.text();
                if (acceptOp("*")) name += "*";
                names.add(name);
            } else {
                if (n.kind() != Kind.STRING_ID) fail(n, "syntax error, unexpected " + n + ", expecting string identifier");
                names.add(n.text());
            }
        } while (acceptOp(","));
        expectOp(")");
        return new SetSpec(t, List.copyOf(names), rules, null);
    }

    private Expr[] range() {
        expectOp("(");
        Expr lo = expr();
        expectOp("..");
        Expr hi = expr();
        expectOp(")");
        return new Expr[] {lo, hi};
    }

    private Expr forExpr(Token forTok) {
        Quant q;
        if (acceptKw("all")) q = new Quant(QKind.ALL, null);
        else if (acceptKw("any")) q = new Quant(QKind.ANY, null);
        else if (acceptKw("none")) q = new Quant(QKind.NONE, null);
        else {
            percentEndsOperand = true;
            Expr n;
            try {
                n = bitOr();
            } finally {
                percentEndsOperand = false;
            }
            q = acceptOp("%") ? new Quant(QKind.PERCENT, n) : new Quant(QKind.EXPR, n);
        }
        if (acceptKw("of")) {
            SetSpec set = set(false);
            expectOp(":");
            expectOp("(");
            Expr body = expr();
            expectOp(")");
            return new ForOf(forTok, q, set, body, -1);
        }
        List<String> vars = new ArrayList<>();
        do {
            vars.add(expect(Kind.IDENT, "identifier").text());
        } while (acceptOp(","));
        expectKw("in");
        Iter it;
        if (peek().isOp("(")) {
            p++;
            Expr first = expr();
            if (acceptOp("..")) {
                Expr hi = expr();
                expectOp(")");
                it = new Range(first, hi);
            } else {
                List<Expr> items = new ArrayList<>();
                items.add(first);
                while (acceptOp(",")) items.add(expr());
                expectOp(")");
                it = new ListIter(List.copyOf(items));
            }
        } else {
            Token s = peek();
            Expr e = postfix(primary());
            if (!(e instanceof Ident || e instanceof Field || e instanceof Index || e instanceof Call)) {
                fail(s, "syntax error, unexpected " + s);
            }
            it = new ExprIter(e);
        }
        expectOp(":");
        expectOp("(");
        Expr body = expr();
        expectOp(")");
        return new ForIn(forTok, q, List.copyOf(vars), it, body, -1);
    }
}
