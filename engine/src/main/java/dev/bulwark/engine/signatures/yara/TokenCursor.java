package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Token.Kind;
import java.util.List;

/** Position in a token list and the helpers the YARA parsers share: look-ahead, accept/expect, error reporting. */
abstract class TokenCursor {
    /** Thrown after a syntax error is reported, to abandon the current rule. */
    static final class Abort extends RuntimeException {
        Abort() {
            super(null, null, false, false);
        }
    }

    final List<Token> toks;
    final Problems problems;
    int p;

    TokenCursor(List<Token> toks, Problems problems) {
        this.toks = toks;
        this.problems = problems;
    }

    final Token peek() {
        return toks.get(p);
    }

    final Token peek(int ahead) {
        return toks.get(Math.min(p + ahead, toks.size() - 1));
    }

    final Token advance() {
        Token t = toks.get(p);
        if (t.kind() != Kind.EOF) p++;
        return t;
    }

    final boolean acceptOp(String op) {
        if (peek().isOp(op)) {
            p++;
            return true;
        }
        return false;
    }

    final boolean acceptKw(String kw) {
        if (peek().isKeyword(kw)) {
            p++;
            return true;
        }
        return false;
    }

    final Token expect(Kind k, String what) {
        if (peek().kind() != k) fail(peek(), "syntax error, unexpected " + peek() + ", expecting " + what);
        return advance();
    }

    final Token expectOp(String op) {
        if (!peek().isOp(op)) fail(peek(), "syntax error, unexpected " + peek() + ", expecting '" + op + "'");
        return advance();
    }

    final Token expectKw(String kw) {
        if (!peek().isKeyword(kw)) fail(peek(), "syntax error, unexpected " + peek() + ", expecting " + kw);
        return advance();
    }

    final RuntimeException fail(Token t, String msg) {
        problems.error(t, msg);
        throw new Abort();
    }

}
