package dev.bulwark.engine.normalize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ClamAV's JavaScript normalisation of one script element (its behaviour, reimplemented): tokens re-written
 * lower-cased with a blank only between two alphanumeric ends, strings in double quotes with their escapes
 * decoded, adjacent string literals joined across '+', numbers re-printed, variables declared with {@code var}
 * (and function names and parameters) renamed n000, n001, ... per script, member names after '.' kept, an
 * unfinished last identifier or number dropped, an unfinished string closed, open parentheses closed, and the
 * whole wrapped in {@code <script>}…{@code </script>}.
 *
 * <p>Not modelled: ClamAV's decoders that rewrite token ranges (unescape(, eval(, dF(, p,a,c,k,e,r packers).
 * Tokens live in flat arrays; identifiers are interned once per token for the scope maps.
 */
final class JsNormalizer {
    private static final int T_OTHER = 0, T_IDENT = 1, T_UNNORM = 2, T_STRING = 3, T_INT = 4, T_FLOAT = 5, T_VAR = 6,
            T_FUNCTION = 7, T_DOT = 8, T_PAR_OPEN = 9, T_PAR_CLOSE = 10, T_CURLY_OPEN = 11, T_CURLY_CLOSE = 12,
            T_BRACKET_OPEN = 13, T_BRACKET_CLOSE = 14, T_COMMA = 15, T_SEMICOLON = 16, T_PLUS = 17, T_END_FUNCTION = 18;
    private static final int BASE = 0, INSIDE_VAR = 1, INSIDE_INITIALIZER = 2, WAIT_FUNCTION_NAME = 3, WAIT_PARAMETER_LIST = 4,
            INSIDE_FUNCTION_DECL = 5;
    private static final Set<String> KEYWORDS = Set.of("break", "case", "catch", "continue", "default", "delete", "do", "else",
            "finally", "for", "function", "if", "in", "instanceof", "new", "return", "switch", "this", "throw", "try", "typeof",
            "var", "void", "while", "with", "abstract", "boolean", "byte", "char", "class", "const", "debugger", "double", "enum",
            "export", "extends", "final", "float", "goto", "implements", "import", "int", "interface", "long", "native",
            "package", "private", "protected", "public", "short", "static", "super", "synchronized", "throws", "transient",
            "volatile", "null", "true", "false");
    private static final Set<String> OPERATORS = Set.of("=", "+", "===", ">>>", "!==", "<<", "<=", "==", ">=", ">>", "||", "--",
            "!=", "&&", "++", "*=", "/=", "%=", "+=", "-=", "<<=", ">>=", ">>>=", "&=", "^=", "|=", "&", ":", "/", "!", ">", "<",
            "-", "*", "|", "%", "?", "~", "^");
    private static final String OP_CHARS = "!%&*+-:<=>?^|~";
    private static final byte[][] OPS = OPERATORS.stream().map(o -> o.getBytes(StandardCharsets.ISO_8859_1)).toArray(byte[][]::new);
    /** Longest operator ClamAV's tokenizer knows (>>>=). */
    private static final int OP_MAX = 5;

    private static boolean isOperator(byte[] s, int p, int n) {
        for (byte[] op : OPS) if (op.length == n && java.util.Arrays.equals(op, 0, n, s, p, p + n)) return true;
        return false;
    }

    private static final class Scope {
        final int parent;
        final Map<String, Integer> declared = new HashMap<>();
        int fsm = BASE, lastToken = -1, brackets, blocks;

        Scope(int parent) {
            this.parent = parent;
        }
    }

    private int[] type = new int[64], off = new int[64], len = new int[64], scopeOf = new int[64];
    /** The identifier of each T_IDENT token (null for the others), for the lookup when writing. */
    private String[] names = new String[64];
    private int count;
    private final ByteSink pool = new ByteSink(256), tmp = new ByteSink(64);
    private final List<Scope> scopes = new ArrayList<>();
    private int current, varUniq;

    void reset() {
        count = 0;
        pool.truncate(0);
        scopes.clear();
        scopes.add(new Scope(-1));
        current = 0;
        varUniq = 0;
    }

    private static boolean isIdChar(int c) {
        return c == '$' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isIdStart(int c) {
        return c == '$' || c == '_' || c == '\\' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Tokenises one script's text (ClamAV hands the tokenizer the raw bytes, newlines made blanks). */
    void feed(byte[] s, int from, int to) {
        int p = from;
        while (p < to) {
            int c = s[p] & 0xFF;
            if (c == '\n') c = ' ';
            if (c == '/' && p + 1 < to && (s[p + 1] == '*' || s[p + 1] == '/')) {
                if (s[p + 1] == '*') {
                    p += 2;
                    while (p + 1 < to) {
                        if (s[p] == '*' && s[p + 1] == '/') {
                            p++;
                            break;
                        }
                        p++;
                    }
                    p++;
                } else {
                    p += 2;
                    while (p < to && s[p] != '\n' && s[p] != ' ') p++;
                }
            } else if (c == '/' || OP_CHARS.indexOf(c) >= 0) {
                int n = Math.min(OP_MAX, to - p);
                while (n > 1 && !isOperator(s, p, n)) n--;
                int t = n == 1 && c == '+' ? T_PLUS : T_OTHER;
                tokenText(t, s, p, n);
                p += n;
            } else if (c == '"' || c == '\'') {
                p = string(s, p + 1, to, c);
            } else if (c >= '0' && c <= '9') {
                p = number(s, p, to);
            } else if (isIdStart(c)) {
                p = identifier(s, p, to);
            } else {
                int t = switch (c) {
                    case '[' -> T_BRACKET_OPEN;
                    case ']' -> T_BRACKET_CLOSE;
                    case ',' -> T_COMMA;
                    case '{' -> T_CURLY_OPEN;
                    case '}' -> T_CURLY_CLOSE;
                    case '(' -> T_PAR_OPEN;
                    case ')' -> T_PAR_CLOSE;
                    case '.' -> T_DOT;
                    case ';' -> T_SEMICOLON;
                    default -> -1; // blanks and bytes the tokenizer does not know are skipped
                };
                if (t >= 0) tokenText(t, s, p, 1);
                p++;
            }
        }
    }

    private int string(byte[] s, int start, int to, int q) {
        int end = start;
        while (true) {
            while (end < to && (s[end] & 0xFF) != q) end++;
            if (end < to && end > start && s[end - 1] == '\\') {
                end++;
                continue;
            }
            break;
        }
        tmp.truncate(0);
        JsLiterals.unescape(s, start, Math.min(end, to), tmp);
        // an unfinished string is closed at the end of the script
        int mark = pool.length();
        for (int i = 0; i < tmp.length(); i++) pool.put(tmp.at(i));
        add(T_STRING, mark, pool.length() - mark);
        return end < to ? end + 1 : to;
    }

    private int number(byte[] s, int p, int to) {
        int start = p;
        boolean isFloat = false;
        while (p < to) {
            int c = s[p++] & 0xFF;
            if (c >= '0' && c <= '9') continue;
            if (c == '.' && !isFloat) {
                isFloat = true;
                continue;
            }
            if ((c == 'e' || c == 'E') && isFloat && p < to) {
                int d = s[p++] & 0xFF;
                if (d == '+' || d == '-' || (d >= '0' && d <= '9')) continue;
            }
            p--;
            String text = new String(s, start, p - start, StandardCharsets.ISO_8859_1);
            String out = isFloat ? JsLiterals.formatG(JsLiterals.atof(text)) : Long.toString((int) JsLiterals.atol(text));
            int mark = pool.length();
            pool.put(out);
            add(isFloat ? T_FLOAT : T_INT, mark, out.length());
            return p;
        }
        return to; // an unfinished number at the end of the script is dropped
    }

    private int identifier(byte[] s, int p, int to) {
        tmp.truncate(0);
        while (p < to) {
            int c = s[p++] & 0xFF;
            if (isIdChar(c)) {
                tmp.put(c);
                continue;
            }
            if (c == '\\') {
                if (p < to && s[p++] == 'u') {
                    tmp.put('\\');
                    continue;
                }
                if (p == to) p++;
            }
            p--;
            int mark = pool.length();
            for (int k = 0; k < tmp.length(); k++) pool.put(tmp.at(k));
            String name = pool.latin1(mark, pool.length());
            if (KEYWORDS.contains(name)) add(name.equals("var") ? T_VAR : name.equals("function") ? T_FUNCTION : T_OTHER, mark, name.length());
            else identifierToken(name, mark);
            return p;
        }
        return to; // an unfinished identifier at the end of the script is dropped
    }

    private void identifierToken(String name, int mark) {
        Scope sc = scopes.get(current);
        if (sc.lastToken == T_DOT) { // a member name is never renamed
            add(T_UNNORM, mark, name.length());
            return;
        }
        switch (sc.fsm) {
            case INSIDE_VAR, INSIDE_FUNCTION_DECL -> {
                sc.declared.put(name, varUniq++);
                sc.fsm = INSIDE_INITIALIZER;
                sc.brackets = 0;
            }
            case WAIT_FUNCTION_NAME -> {
                sc.declared.put(name, varUniq++);
                sc.fsm = WAIT_PARAMETER_LIST;
            }
            default -> { }
        }
        add(T_IDENT, mark, name.length());
        if (count > 0 && type[count - 1] == T_IDENT) names[count - 1] = name;
    }

    private void tokenText(int t, byte[] s, int p, int n) {
        int mark = pool.length();
        pool.put(s, p, n);
        add(t, mark, n);
    }

    /** ClamAV's per-token bookkeeping: declarations, scopes, string folding; then the token is kept. */
    private void add(int t, int mark, int n) {
        Scope sc = scopes.get(current);
        switch (t) {
            case T_VAR -> sc.fsm = INSIDE_VAR;
            case T_PAR_OPEN -> {
                if (sc.fsm == WAIT_FUNCTION_NAME || sc.fsm == WAIT_PARAMETER_LIST) sc.fsm = INSIDE_FUNCTION_DECL;
            }
            case T_PAR_CLOSE -> {
                if (sc.fsm == WAIT_PARAMETER_LIST) sc.fsm = BASE;
            }
            case T_CURLY_OPEN -> {
                if (sc.fsm == WAIT_FUNCTION_NAME || sc.fsm == WAIT_PARAMETER_LIST || sc.fsm == INSIDE_FUNCTION_DECL) sc.fsm = BASE;
                sc.blocks++;
            }
            case T_CURLY_CLOSE -> {
                if (sc.blocks > 0) sc.blocks--;
                if (sc.blocks == 0 && sc.parent >= 0) {
                    push(T_CURLY_CLOSE, mark, n, -1);
                    current = sc.parent;
                    scopes.get(current).lastToken = T_CURLY_CLOSE;
                    push(T_END_FUNCTION, mark, 0, -1);
                    return;
                }
            }
            case T_BRACKET_OPEN -> sc.brackets++;
            case T_BRACKET_CLOSE -> {
                if (sc.brackets > 0) sc.brackets--;
            }
            case T_COMMA -> {
                if (sc.fsm == INSIDE_INITIALIZER && sc.brackets == 0 && sc.blocks == 0) sc.fsm = INSIDE_VAR;
            }
            case T_SEMICOLON -> {
                if (sc.brackets == 0 && sc.blocks == 0) sc.fsm = BASE;
            }
            case T_FUNCTION -> {
                scopes.add(new Scope(current));
                current = scopes.size() - 1;
                scopes.get(current).fsm = WAIT_FUNCTION_NAME;
                push(t, mark, n, current);
                scopes.get(current).lastToken = t;
                return;
            }
            case T_STRING -> {
                if (count > 1 && type[count - 1] == T_PLUS && type[count - 2] == T_STRING) {
                    // "a" + "b" becomes "ab": drop the '+', append to the previous literal
                    count--;
                    pool.move(mark, off[count], n);
                    pool.truncate(off[count] + n);
                    len[count - 1] = pool.length() - off[count - 1];
                    return;
                }
            }
            default -> { }
        }
        push(t, mark, n, -1);
        sc.lastToken = t;
    }

    private void push(int t, int mark, int n, int scope) {
        if (count == type.length) {
            int c = count * 2;
            type = java.util.Arrays.copyOf(type, c);
            off = java.util.Arrays.copyOf(off, c);
            len = java.util.Arrays.copyOf(len, c);
            scopeOf = java.util.Arrays.copyOf(scopeOf, c);
            names = java.util.Arrays.copyOf(names, c);
        }
        names[count] = null;
        type[count] = t;
        off[count] = mark;
        len[count] = n;
        scopeOf[count] = scope;
        count++;
    }

    private static boolean isAlnum(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Closes what ClamAV closes at the end of a script and writes it, lower-cased, to {@code out}. */
    void finish(ByteSink out, boolean first) {
        int open = 0;
        for (int i = 0; i < count; i++) {
            if (type[i] == T_PAR_OPEN) open++;
            else if (type[i] == T_PAR_CLOSE && open > 0) open--;
        }
        while (open-- > 0) {
            int mark = pool.length();
            pool.put(')');
            push(T_PAR_CLOSE, mark, 1, -1);
        }
        foldUnescape();
        if (!first) out.put('\n');
        int start = out.length();
        out.put("<script>");
        int scope = 0, last = 0;
        for (int i = 0; i < count; i++) {
            int t = type[i];
            if (t == T_END_FUNCTION) {
                if (scopes.get(scope).parent >= 0) scope = scopes.get(scope).parent;
                continue;
            }
            if (t == T_FUNCTION) scope = scopeOf[i];
            int first0 = len[i] > 0 ? pool.at(off[i]) : 0;
            switch (t) {
                case T_STRING -> {
                    out.put('"');
                    copy(out, i);
                    out.put('"');
                    last = '"';
                }
                case T_INT, T_FLOAT -> {
                    if (isAlnum(last)) out.put(' ');
                    copy(out, i);
                    last = '0';
                }
                case T_IDENT -> {
                    if (isAlnum(last)) out.put(' ');
                    int id = lookup(scope, names[i]);
                    if (id < 0) copy(out, i);
                    else {
                        out.put('n');
                        String digits = Integer.toString(id);
                        for (int k = digits.length(); k < 3; k++) out.put('0');
                        out.put(digits);
                    }
                    last = 'a';
                }
                default -> {
                    if (len[i] == 0) {
                        last = 0;
                        break;
                    }
                    if (isAlnum(last) && isAlnum(first0)) out.put(' ');
                    copy(out, i);
                    last = pool.at(off[i] + len[i] - 1);
                }
            }
        }
        if (out.length() - start < 9 || !out.endsWith("</script>")) out.put("</script>");
    }

    /** unescape("...") becomes the decoded string literal, as ClamAV's folder does before writing. */
    private void foldUnescape() {
        int w = 0;
        for (int r = 0; r < count; ) {
            if (type[r] == T_IDENT && "unescape".equals(names[r]) && r + 4 <= count && type[r + 1] == T_PAR_OPEN
                    && type[r + 2] == T_STRING) {
                int mark = pool.length();
                JsLiterals.percentDecode(pool, off[r + 2], len[r + 2]);
                set(w++, T_STRING, mark, pool.length() - mark, -1, null);
                r += 4;
                continue;
            }
            set(w++, type[r], off[r], len[r], scopeOf[r], names[r]);
            r++;
        }
        count = w;
    }

    private void set(int i, int t, int o, int n, int scope, String name) {
        type[i] = t;
        off[i] = o;
        len[i] = n;
        scopeOf[i] = scope;
        names[i] = name;
    }

    private int lookup(int scope, String name) {
        for (int s = scope; s >= 0; s = scopes.get(s).parent) {
            Integer id = scopes.get(s).declared.get(name);
            if (id != null) return id;
        }
        return -1;
    }

    /** ClamAV writes token text lower-cased, every blank as a space. */
    private static int lowerByte(int c) {
        if (HtmlSteps.isSpace(c)) return ' ';
        return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
    }

    private void copy(ByteSink out, int i) {
        for (int k = 0; k < len[i]; k++) out.put(lowerByte(pool.at(off[i] + k)));
    }
}
