package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Token.Kind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Splits YARA source text into tokens. Lexical errors are reported through {@link Problems} and skipped. */
final class Lexer {
    static final Set<String> KEYWORDS = Set.of(
            "all", "and", "any", "ascii", "at", "base64", "base64wide", "condition", "contains", "defined",
            "endswith", "entrypoint", "false", "filesize", "for", "fullword", "global", "icontains", "iendswith",
            "iequals", "import", "in", "include", "int8", "int16", "int32", "int8be", "int16be", "int32be",
            "istartswith", "matches", "meta", "nocase", "none", "not", "of", "or", "private", "rule", "startswith",
            "strings", "them", "true", "uint8", "uint16", "uint32", "uint8be", "uint16be", "uint32be", "wide", "xor");
    private static final int MAX_IDENTIFIER = 128; // YARA's YR_MAX_IDENTIFIER_LENGTH
    private static final int MAX_TOKENS = 10_000_000; // bounds memory on absurd inputs
    private static final String[] OPS = {
        "..", "==", "!=", "<=", ">=", "<<", ">>", "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "<", ">",
        "+", "-", "*", "\\", "%", "&", "|", "^", "~"
    };
    /** Per first character: the operators starting with it, in OPS order (two-character ones first). */
    private static final String[][] OPS_BY_FIRST = new String[128][];

    static {
        for (int c = 0; c < 128; c++) {
            List<String> l = new ArrayList<>();
            for (String op : OPS) if (op.charAt(0) == c) l.add(op);
            if (!l.isEmpty()) OPS_BY_FIRST[c] = l.toArray(new String[0]);
        }
    }

    private static boolean asciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private final String src;
    private final Problems problems;
    private int pos;
    private int line = 1;
    private int lineStart;

    Lexer(String src, Problems problems) {
        this.src = src;
        this.problems = problems;
    }

    List<Token> tokenize() {
        List<Token> out = new ArrayList<>();
        while (out.size() < MAX_TOKENS) {
            skipSpaceAndComments();
            if (pos >= src.length()) break;
            Token prev = out.isEmpty() ? null : out.get(out.size() - 1);
            Token t = next(prev);
            if (t != null) out.add(t);
        }
        out.add(new Token(Kind.EOF, "", null, 0, 0, pos, line, pos - lineStart + 1));
        return out;
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B) {
                pos++;
            } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '*') {
                int startLine = line, startCol = pos - lineStart + 1;
                pos += 2;
                while (pos < src.length() && !(src.charAt(pos) == '*' && pos + 1 < src.length()
                        && src.charAt(pos + 1) == '/')) {
                    advanceChar();
                }
                if (pos >= src.length()) {
                    problems.error(startLine, startCol, "unterminated comment");
                } else {
                    pos += 2;
                }
            } else {
                break;
            }
        }
    }

    private void advanceChar() {
        if (src.charAt(pos) == '\n') {
            line++;
            lineStart = pos + 1;
        }
        pos++;
    }

    private Token tok(Kind k, String text, int start, int l, int c) {
        return new Token(k, text, null, 0, 0, start, l, c);
    }

    private Token next(Token prev) {
        int start = pos, l = line, c = pos - lineStart + 1;
        char ch = src.charAt(pos);
        if (asciiLetter(ch) || ch == '_') {
            String id = ident();
            if (id.length() > MAX_IDENTIFIER) problems.error(l, c, "identifier \"" + id.substring(0, 20) + "...\" too long");
            return tok(KEYWORDS.contains(id) ? Kind.KEYWORD : Kind.IDENT, id, start, l, c);
        }
        if (ch >= '0' && ch <= '9') return number(start, l, c);
        if (ch == '"') return text(start, l, c);
        if (ch == '$' || ch == '#' || ch == '@' || (ch == '!' && !(pos + 1 < src.length() && src.charAt(pos + 1) == '='))) {
            pos++;
            String id = ident();
            if (ch == '$' && pos < src.length() && src.charAt(pos) == '*') {
                pos++;
                id = id + "*";
            }
            Kind k = switch (ch) {
                case '$' -> Kind.STRING_ID;
                case '#' -> Kind.STRING_COUNT;
                case '@' -> Kind.STRING_OFFSET;
                default -> Kind.STRING_LENGTH;
            };
            return tok(k, "$" + id, start, l, c);
        }
        if (ch == '/') return regex(start, l, c);
        if (ch == '{' && prev != null && prev.isOp("=")) return hex(start, l, c);
        for (String op : ch < 128 && OPS_BY_FIRST[ch] != null ? OPS_BY_FIRST[ch] : new String[0]) {
            if (src.startsWith(op, pos)) {
                pos += op.length();
                return tok(Kind.OP, op, start, l, c);
            }
        }
        pos++;
        problems.error(l, c, "unexpected character '" + printable(ch) + "'");
        return null;
    }

    private static String printable(char ch) {
        return ch >= 32 && ch < 127 ? String.valueOf(ch) : String.format("\\x%02x", (int) ch);
    }

    private String ident() {
        int s = pos;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (asciiLetter(c) || c >= '0' && c <= '9' || c == '_') pos++;
            else break;
        }
        return src.substring(s, pos);
    }

    private Token number(int start, int l, int c) {
        long v;
        boolean overflow = false;
        if (src.startsWith("0x", pos) || src.startsWith("0X", pos)) {
            pos += 2;
            int s = pos;
            while (pos < src.length() && Character.digit(src.charAt(pos), 16) >= 0) pos++;
            String digits = src.substring(s, pos);
            v = 0;
            try {
                v = digits.isEmpty() ? 0 : Long.parseLong(digits, 16);
            } catch (NumberFormatException e) {
                overflow = true;
            }
        } else if (src.startsWith("0o", pos)) {
            pos += 2;
            int s = pos;
            while (pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7') pos++;
            v = 0;
            try {
                v = Long.parseLong(src.substring(s, pos), 8);
            } catch (NumberFormatException e) {
                overflow = true;
            }
        } else {
            int s = pos;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
            if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
                pos++;
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
                double d = Double.parseDouble(src.substring(s, pos));
                return new Token(Kind.FLOAT, src.substring(start, pos), null, 0, d, start, l, c);
            }
            v = 0;
            try {
                v = Long.parseLong(src.substring(s, pos));
            } catch (NumberFormatException e) {
                overflow = true;
            }
            if (src.startsWith("KB", pos) || src.startsWith("MB", pos)) {
                long mul = src.charAt(pos) == 'K' ? 1024 : 1024 * 1024;
                pos += 2;
                if (!overflow) {
                    try {
                        v = Math.multiplyExact(v, mul);
                    } catch (ArithmeticException e) {
                        overflow = true;
                    }
                }
            }
        }
        String text = src.substring(start, pos);
        if (overflow) problems.error(l, c, "integer overflow in \"" + text + "\"");
        return new Token(Kind.INT, text, null, v, 0, start, l, c);
    }

    private Token text(int start, int l, int c) {
        pos++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                problems.error(l, c, "unterminated string");
                break;
            }
            char ch = src.charAt(pos);
            if (ch == '"') {
                pos++;
                break;
            }
            if (ch == '\\') {
                if (pos + 1 >= src.length()) {
                    pos++;
                    continue;
                }
                char e = src.charAt(pos + 1);
                pos += 2;
                switch (e) {
                    case '"' -> out.write('"');
                    case '\\' -> out.write('\\');
                    case 'n' -> out.write('\n');
                    case 't' -> out.write('\t');
                    case 'r' -> out.write('\r');
                    case 'x' -> {
                        int h1 = pos < src.length() ? Character.digit(src.charAt(pos), 16) : -1;
                        int h2 = pos + 1 < src.length() ? Character.digit(src.charAt(pos + 1), 16) : -1;
                        if (h1 < 0 || h2 < 0) {
                            problems.error(line, pos - lineStart + 1, "illegal escape sequence");
                        } else {
                            out.write(h1 * 16 + h2);
                            pos += 2;
                        }
                    }
                    default -> problems.error(line, pos - lineStart - 1, "illegal escape sequence \\" + printable(e));
                }
                continue;
            }
            int cp = src.codePointAt(pos);
            writeUtf8(out, cp);
            pos += Character.charCount(cp);
        }
        return new Token(Kind.TEXT, src.substring(start, pos), out.toByteArray(), 0, 0, start, l, c);
    }

    /** ASCII goes through as is; other characters are UTF-8 encoded, as they were in the rule file. */
    private static void writeUtf8(ByteArrayOutputStream out, int cp) {
        if (cp < 0x80) {
            out.write(cp);
        } else {
            byte[] b = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
        }
    }

    private Token regex(int start, int l, int c) {
        pos++;
        StringBuilder body = new StringBuilder();
        boolean closed = false;
        while (pos < src.length()) {
            char ch = src.charAt(pos);
            if (ch == '\n') break;
            if (ch == '\\' && pos + 1 < src.length() && src.charAt(pos + 1) != '\n') {
                body.append(ch).append(src.charAt(pos + 1));
                pos += 2;
                continue;
            }
            pos++;
            if (ch == '/') {
                closed = true;
                break;
            }
            body.append(ch);
        }
        if (!closed) {
            problems.error(l, c, "syntax error, unterminated regular expression");
            return null;
        }
        StringBuilder flags = new StringBuilder();
        while (pos < src.length() && (src.charAt(pos) == 'i' || src.charAt(pos) == 's')) {
            flags.append(src.charAt(pos++));
        }
        // text holds "flags/body" so the parser can split without re-lexing
        return new Token(Kind.REGEX, flags + "/" + body, null, 0, 0, start, l, c);
    }

    private Token hex(int start, int l, int c) {
        pos++;
        StringBuilder body = new StringBuilder();
        int n = src.length();
        while (pos < n && src.charAt(pos) != '}') {
            // a run without comments, line breaks or the end copies in one piece
            int run = pos;
            for (char ch; run < n && (ch = src.charAt(run)) != '}' && ch != '/' && ch != '\n'; ) run++;
            if (run > pos) {
                body.append(src, pos, run);
                pos = run;
                continue;
            }
            char ch = src.charAt(pos);
            if (ch == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
                continue;
            }
            if (ch == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '*') {
                pos += 2;
                while (pos < src.length() && !src.startsWith("*/", pos)) advanceChar();
                pos = Math.min(src.length(), pos + 2);
                body.append(' ');
                continue;
            }
            body.append(ch);
            advanceChar();
        }
        if (pos >= src.length()) {
            problems.error(l, c, "unterminated hex string");
        } else {
            pos++;
        }
        return new Token(Kind.HEX, body.toString(), null, 0, 0, start, l, c);
    }
}
