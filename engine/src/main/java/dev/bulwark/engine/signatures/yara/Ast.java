package dev.bulwark.engine.signatures.yara;

import java.util.List;

/** Syntax tree of YARA rules. Nodes carry the token they start at, for error positions. */
final class Ast {
    private Ast() {}

    record SourceFile(List<String> imports, List<Token> importTokens, List<Rule> rules) {}

    record Rule(Token at, String name, boolean isPrivate, boolean isGlobal, List<String> tags, List<Meta> meta,
            List<StringDecl> strings, Expr condition) {}

    /** value is a String, Long or Boolean. */
    record Meta(String key, Object value) {}

    enum StrType { TEXT, HEX, REGEX }

    record Modifiers(boolean nocase, boolean wide, boolean ascii, boolean fullword, boolean isPrivate,
            boolean xor, int xorLo, int xorHi, boolean base64, boolean base64wide, String alphabet) {}

    /** text: decoded bytes for TEXT; source holds the hex body or "flags/regex". */
    record StringDecl(Token at, String id, StrType type, byte[] text, String source, Modifiers mods) {}

    sealed interface Expr permits BoolLit, IntLit, FloatLit, StrLit, RegexLit, Keyword, StrMatch, StrCount,
            StrOffset, Unary, Binary, IntRead, Ident, Field, Index, Call, Of, ForOf, ForIn, RuleRef, LoopVar,
            ModuleRoot {}

    record BoolLit(boolean v) implements Expr {}

    record IntLit(long v) implements Expr {}

    record FloatLit(double v) implements Expr {}

    record StrLit(byte[] v) implements Expr {}

    /** regex is null until the compiler fills it in. */
    record RegexLit(Token at, String source, dev.bulwark.engine.signatures.yara.re.Regex regex) implements Expr {}

    /** filesize or entrypoint. */
    record Keyword(String name) implements Expr {}

    /** $a, $a at x, $a in (lo..hi); idx is the global string index after compilation, -1-slot for a loop's "$". */
    record StrMatch(Token at, String id, int idx, Expr atExpr, Expr lo, Expr hi) implements Expr {}

    record StrCount(Token at, String id, int idx, Expr lo, Expr hi) implements Expr {}

    /** @a[i] (length false) or !a[i] (length true); index null means 1. */
    record StrOffset(Token at, String id, int idx, boolean length, Expr index) implements Expr {}

    record Unary(Token at, String op, Expr e) implements Expr {}

    /** code is the operator as a small integer (see {@link #OPS}), so evaluation does not compare strings. */
    record Binary(Token at, String op, Expr l, Expr r, int code) implements Expr {
        Binary(Token at, String op, Expr l, Expr r) {
            this(at, op, l, r, OPS.indexOf(op));
        }
    }

    static final List<String> OPS = List.of("and", "or", "+", "-", "*", "\\", "%", "&", "|", "^", "<<", ">>",
            "<", "<=", ">", ">=", "==", "!=", "matches", "contains", "icontains", "startswith", "istartswith",
            "endswith", "iendswith", "iequals");

    record IntRead(Token at, String fn, Expr offset) implements Expr {}

    record Ident(Token at, String name) implements Expr {}

    record Field(Token at, Expr obj, String name) implements Expr {}

    record Index(Token at, Expr obj, Expr index) implements Expr {}

    record Call(Token at, Expr fn, List<Expr> args) implements Expr {}

    enum QKind { ALL, ANY, NONE, EXPR, PERCENT }

    record Quant(QKind kind, Expr n) {}

    /**
     * A set of strings (names like "$a", "$a*", "$*"; null = them) or rules (ruleNames). resolved holds global
     * string indices or rule indices once compiled.
     */
    record SetSpec(Token at, List<String> names, boolean rules, int[] resolved) {}

    record Of(Token at, Quant q, SetSpec set, Expr lo, Expr hi, Expr atExpr) implements Expr {}

    /** slot: the loop-variable slot that holds the current string index during body evaluation. */
    record ForOf(Token at, Quant q, SetSpec set, Expr body, int slot) implements Expr {}

    sealed interface Iter permits Range, ListIter, ExprIter {}

    record Range(Expr lo, Expr hi) implements Iter {}

    record ListIter(List<Expr> items) implements Iter {}

    record ExprIter(Expr e) implements Iter {}

    record ForIn(Token at, Quant q, List<String> vars, Iter iter, Expr body, int slot) implements Expr {}

    record RuleRef(int index) implements Expr {}

    record LoopVar(int slot) implements Expr {}

    record ModuleRoot(String name) implements Expr {}
}
