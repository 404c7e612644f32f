package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.*;
import dev.bulwark.engine.signatures.yara.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for YARA 4.x source: files, includes, rules, meta, strings and their modifiers
 * (conditions are parsed by {@link ExprParser}, token handling is in {@link TokenCursor}). A syntax error abandons the current rule and parsing resumes at
 * the next {@code rule}, so every broken rule of a file is reported in one pass.
 */
final class Parser extends ExprParser {
    /** Supplies the text of an included file; returns null (after reporting) when it cannot. */
    interface IncludeResolver {
        YaraSource resolve(String includingSource, String path, Problems problems, Token at);
    }

    private final IncludeResolver includes;
    private final int includeDepth;
    private final List<Problems> includeProblems;

    Parser(List<Token> toks, Problems problems, IncludeResolver includes, int includeDepth, List<Problems> includeProblems) {
        super(toks, problems);
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
                problems.itemStart(t);
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
        problems.itemRule(name);
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

}
