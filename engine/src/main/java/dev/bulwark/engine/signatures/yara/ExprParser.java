package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.*;
import dev.bulwark.engine.signatures.yara.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The condition-expression half of the YARA parser: precedence climbing from {@code or} down to primary
 * expressions, quantifiers ({@code of}, {@code for}), string sets and ranges.
 */
abstract class ExprParser extends TokenCursor {
    private static final int MAX_DEPTH = 200; // expression nesting; deeper input is rejected, not a stack overflow

    private int depth;
    private boolean percentEndsOperand; // while reading a "for N% ..." quantifier

    ExprParser(List<Token> toks, Problems problems) {
        super(toks, problems);
    }

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
