package dev.bulwark.engine.formats.pdf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A forgiving PDF object parser over a byte region: numbers, names, strings, arrays, dictionaries and
 * indirect references. Nesting and container sizes are bounded; malformed syntax yields a partial
 * object rather than an exception.
 */
final class PdfParser {
    static final int MAX_DEPTH = 32;         // deeper nesting is hostile; the rest of the object is skipped
    static final int MAX_ITEMS = 100_000;    // entries per array or dictionary
    static final int MAX_STRING = 16 << 20;  // bytes per string literal (JavaScript may live in strings)
    /** Array and dictionary entries kept per document (about 100 bytes each): bounds the parsed model. */
    static final long MAX_RETAINED = 2_000_000;

    record Ref(int num, int gen) {}

    record Name(String value) {
        @Override public String toString() { return "/" + value; }
    }

    record Keyword(String value) {}

    /** A PDF string's bytes. */
    record PdfString(byte[] bytes) {}

    private final ByteBuffer b;
    private final int end;
    private final long[] retained; // shared by the parsers of one document
    int pos;

    PdfParser(ByteBuffer b, int from, int end) {
        this(b, from, end, new long[] {MAX_RETAINED});
    }

    PdfParser(ByteBuffer b, int from, int end, long[] retained) {
        this.b = b;
        this.pos = from;
        this.end = end;
        this.retained = retained;
    }

    /** Names ClamAV treats as suspicious when written with #xx escapes (filters, actions, structure keys). */
    private static final java.util.Set<String> COMMON_NAMES = java.util.Set.of(
            "ASCIIHexDecode", "ASCII85Decode", "A85", "AHx", "EmbeddedFile", "FlateDecode", "Fl", "Image",
            "LZWDecode", "LZW", "RunLengthDecode", "RL", "CCITTFaxDecode", "CCF", "JBIG2Decode", "DCTDecode",
            "DCT", "JPXDecode", "Crypt", "Standard", "Sig", "V", "R", "Linearized", "Filter", "JavaScript",
            "Length", "S", "Type", "OpenAction", "Launch", "Page", "Contents");

    /** Set when a common name was written with #xx escapes (shared like the retained budget). */
    boolean[] obfuscatedName = new boolean[1];

    private boolean keep() {
        return retained[0]-- > 0;
    }

    static boolean isWhite(int c) {
        return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
    }

    static boolean isDelim(int c) {
        return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
    }

    private int at(int i) { return i < end ? b.get(i) & 0xff : -1; }

    void skipWhite() {
        while (pos < end) {
            int c = at(pos);
            if (isWhite(c)) pos++;
            else if (c == '%') {
                while (pos < end && at(pos) != '\n' && at(pos) != '\r') pos++;
            } else return;
        }
    }

    /** Parses one object at the current position; null at the end of input. */
    Object parse(int depth) {
        skipWhite();
        if (pos >= end) return null;
        int c = at(pos);
        if (depth > MAX_DEPTH) {
            pos++;
            return null;
        }
        switch (c) {
            case '/': return name();
            case '(': return literal();
            case '[': {
                pos++;
                List<Object> list = new ArrayList<>();
                while (true) {
                    skipWhite();
                    if (pos >= end) return list;
                    if (at(pos) == ']') { pos++; return list; }
                    int before = pos;
                    Object o = parse(depth + 1);
                    if (pos == before) pos++;
                    if (o instanceof Keyword k && (k.value().equals("endobj") || k.value().equals("stream"))) { pos = before; return list; }
                    if (list.size() < MAX_ITEMS && keep()) list.add(o);
                }
            }
            case '<': {
                if (at(pos + 1) == '<') {
                    pos += 2;
                    Map<String, Object> dict = new LinkedHashMap<>();
                    while (true) {
                        skipWhite();
                        if (pos >= end) return dict;
                        if (at(pos) == '>' && at(pos + 1) == '>') { pos += 2; return dict; }
                        int before = pos;
                        Object k = parse(depth + 1);
                        if (k instanceof Keyword kw && (kw.value().equals("endobj") || kw.value().equals("stream"))) { pos = before; return dict; }
                        if (!(k instanceof Name key)) {
                            if (pos == before) pos++;
                            continue;
                        }
                        int vb = pos;
                        Object v = parse(depth + 1);
                        if (v instanceof Keyword kw && (kw.value().equals("endobj") || kw.value().equals("stream"))) { pos = vb; return dict; }
                        if (dict.size() < MAX_ITEMS && keep()) dict.put(key.value(), v);
                    }
                }
                return hex();
            }
            case '>': case ')': case ']': case '{': case '}':
                pos++;
                return new Keyword(String.valueOf((char) c));
            default:
                break;
        }
        if (c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9')) return number();
        int s = pos;
        while (pos < end && !isWhite(at(pos)) && !isDelim(at(pos)) && pos - s < 64) pos++;
        if (pos == s) pos++;
        String kw = latin1(s, pos);
        return switch (kw) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "null" -> null;
            default -> new Keyword(kw);
        };
    }

    private Object number() {
        int s = pos;
        if (at(pos) == '+' || at(pos) == '-') pos++;
        boolean dot = false;
        while (pos < end && (Character.isDigit(at(pos)) || (at(pos) == '.' && !dot))) {
            if (at(pos) == '.') dot = true;
            pos++;
        }
        String t = latin1(s, pos);
        if (!dot) {
            long v = parseLong(t);
            // "num gen R" is a reference
            int save = pos;
            skipWhite();
            int gs = pos;
            while (pos < end && Character.isDigit(at(pos)) && pos - gs < 10) pos++;
            if (pos > gs) {
                int ge = pos;
                skipWhite();
                if (at(pos) == 'R' && (pos + 1 >= end || isWhite(at(pos + 1)) || isDelim(at(pos + 1)))) {
                    pos++;
                    return new Ref((int) Math.min(Integer.MAX_VALUE, Math.max(0, v)), (int) parseLong(latin1(gs, ge)));
                }
            }
            pos = save;
            return v;
        }
        try {
            return Double.parseDouble(t.equals(".") || t.equals("-.") || t.equals("+.") ? "0" : t);
        } catch (NumberFormatException e) {
            return 0.0;
        }
    }

    private static long parseLong(String t) {
        try {
            if (t.isEmpty() || t.equals("+") || t.equals("-")) return 0;
            return t.length() > 18 ? Long.MAX_VALUE : Long.parseLong(t);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Name name() {
        pos++;
        boolean escaped = false;
        StringBuilder sb = new StringBuilder();
        while (pos < end && !isWhite(at(pos)) && !isDelim(at(pos)) && sb.length() < 256) {
            int c = at(pos++);
            if (c == '#' && pos + 1 < end) {
                int h = Character.digit(at(pos), 16), l = Character.digit(at(pos + 1), 16);
                if (h >= 0 && l >= 0) {
                    c = h << 4 | l;
                    pos += 2;
                    escaped = true;
                }
            }
            sb.append((char) c);
        }
        String n = sb.toString();
        if (escaped && COMMON_NAMES.contains(n)) obfuscatedName[0] = true;
        return new Name(n);
    }

    private PdfString hex() {
        pos++;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int hi = -1;
        while (pos < end && at(pos) != '>' && out.size() < MAX_STRING) {
            int v = Character.digit(at(pos++), 16);
            if (v < 0) continue;
            if (hi < 0) hi = v;
            else { out.write(hi << 4 | v); hi = -1; }
        }
        if (hi >= 0) out.write(hi << 4);
        if (pos < end) pos++;
        return new PdfString(out.toByteArray());
    }

    private PdfString literal() {
        pos++;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int depth = 1;
        while (pos < end && out.size() < MAX_STRING) {
            int c = at(pos++);
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) break;
            if (c != '\\') { out.write(c); continue; }
            if (pos >= end) break;
            int e = at(pos++);
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case '\r' -> { if (at(pos) == '\n') pos++; }
                case '\n' -> { }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && at(pos) >= '0' && at(pos) <= '7'; k++) v = v * 8 + (at(pos++) - '0');
                        out.write(v & 0xff);
                    } else {
                        out.write(e);
                    }
                }
            }
        }
        return new PdfString(out.toByteArray());
    }

    private String latin1(int from, int to) {
        char[] c = new char[to - from];
        for (int i = 0; i < c.length; i++) c[i] = (char) (b.get(from + i) & 0xff);
        return new String(c);
    }
}
