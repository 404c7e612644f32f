package dev.bulwark.engine.formats.docio;

import java.nio.ByteBuffer;

/**
 * A small pull reader over an XML document held in a buffer, for the formats ClamAV reads with
 * libxml2 (Word/Excel 2003 XML, Adobe XDP, the property list of DMG images). It reports start tags, end tags and
 * text, and checks well-formedness as it goes (matching end tags, quoted attributes, one root, no
 * text outside it, complete references, comments, CDATA and processing instructions), because
 * ClamAV reads these documents with libxml2 and gets nothing out of a document libxml2 rejects.
 * Nothing is allocated per node: names and text are positions in the buffer.
 */
public final class XmlReader {
    /** libxml2's default maximum element depth (deeper documents are an error without XML_PARSE_HUGE). */
    public static final int MAX_DEPTH = 256;

    public static final int START = 1, END = 2, TEXT = 3, EOF = 0, ERROR = -1;

    private final ByteBuffer b;
    private final int end;
    private int pos;
    private final int[] open = new int[MAX_DEPTH * 2]; // qname start/end of each open element
    private int depth, level;
    private boolean rootSeen, rootClosed, pendingEnd;
    /** Namespace prefixes in scope, with the depth of the element that declared each. */
    private String[] prefixes = new String[8];
    private int[] prefixDepths = new int[8];
    private int prefixCount;
    private final java.util.HashMap<String, Integer> inScope = new java.util.HashMap<>();
    /** Prefixed names (start, end of the prefix) used by the tag being read, checked once it is complete. */
    private int[] used = new int[8];
    private int usedCount;
    private String error;

    /** Fields of the current event. */
    private int nameStart, nameEnd, localStart, textStart, textEnd, tagStart, tagEnd;
    private boolean empty;

    public XmlReader(ByteBuffer b) {
        this.b = b;
        this.end = b.limit();
    }

    /**
     * Reads a whole document once: null when it is well-formed, else why not and where (libxml2, which
     * ClamAV reads these documents with, gives nothing back from a document it rejects).
     */
    public static String problem(ByteBuffer b) {
        XmlReader r = new XmlReader(b);
        int e;
        do {
            e = r.next();
        } while (e > 0);
        return e == ERROR ? r.error() + " near offset " + r.position() : null;
    }

    /** Depth of the current START or END element (1 for the root); for TEXT, that of its parent. */
    public int depth() { return level; }

    /** The text of the current TEXT event: {@code [textStart(), textEnd())} of the buffer. */
    public int textStart() { return textStart; }

    public int textEnd() { return textEnd; }

    /** Where the current tag starts (its '<') and ends (after its '>'). */
    public int tagStart() { return tagStart; }

    public int tagEnd() { return tagEnd; }

    /** True for the START and the END of an empty-element tag ({@code <a/>}). */
    public boolean emptyElement() { return empty; }

    public String error() { return error; }

    /** Position of the error, or of the next unread byte. */
    public int position() { return pos; }

    /** Advances to the next event: START, END, TEXT, EOF or ERROR (then {@link #error()} says why). */
    public int next() {
        if (error != null) return ERROR;
        if (pendingEnd) { // the END half of an empty-element tag
            pendingEnd = false;
            return END;
        }
        while (pos < end) {
            int c = b.get(pos) & 0xFF;
            if (c != '<') return text();
            if (startsWith(pos, "<!--")) {
                if (!skipPast(pos + 4, "-->")) return fail("unterminated comment");
            } else if (startsWith(pos, "<?")) {
                if (!skipPast(pos + 2, "?>")) return fail("unterminated processing instruction");
            } else if (startsWith(pos, "<![CDATA[")) {
                if (depth == 0) return fail("CDATA outside the root element");
                if (!skipPast(pos + 9, "]]>")) return fail("unterminated CDATA section");
            } else if (startsWith(pos, "<!DOCTYPE")) {
                if (rootSeen) return fail("DOCTYPE after the root element");
                if (!skipDoctype()) return fail("unterminated DOCTYPE");
            } else if (pos + 1 < end && b.get(pos + 1) == '/') {
                return endTag();
            } else {
                return startTag();
            }
        }
        if (depth > 0) return fail("document ends inside an element");
        if (!rootSeen) return fail("no root element");
        return EOF;
    }

    private int text() {
        int from = pos;
        while (pos < end && b.get(pos) != '<') {
            if (b.get(pos) == '&' && !reference()) return fail("malformed reference");
            pos++;
        }
        if (depth == 0) {
            for (int i = from; i < pos; i++) {
                if (!isSpace(b.get(i))) return fail("text outside the root element");
            }
            return next();
        }
        textStart = from;
        textEnd = pos;
        level = depth;
        return TEXT;
    }

    /** At '&': a character reference or one of the five predefined entities, ending with ';'. */
    private boolean reference() {
        int i = pos + 1;
        if (i < end && b.get(i) == '#') {
            i++;
            boolean hex = i < end && b.get(i) == 'x';
            if (hex) i++;
            int digits = 0;
            while (i < end && (hex ? hexDigit(b.get(i)) : b.get(i) >= '0' && b.get(i) <= '9')) {
                i++;
                digits++;
            }
            if (digits == 0 || i >= end || b.get(i) != ';') return false;
            pos = i;
            return true;
        }
        for (String e : new String[] {"amp;", "lt;", "gt;", "quot;", "apos;"}) {
            if (startsWith(i, e)) {
                pos = i + e.length() - 1;
                return true;
            }
        }
        return false;
    }

    private int startTag() {
        if (rootClosed) return fail("second root element");
        tagStart = pos;
        pos++;
        if (!name()) return fail("malformed element name");
        int qs = nameStart, qe = nameEnd, local = localStart;
        usedCount = 0;
        usePrefix();
        while (true) {
            int sp = pos;
            skipSpace();
            if (pos >= end) return fail("unterminated start tag");
            int c = b.get(pos);
            if (c == '>' || (c == '/' && pos + 1 < end && b.get(pos + 1) == '>')) {
                empty = c == '/';
                pos += empty ? 2 : 1;
                break;
            }
            if (sp == pos || !name()) return fail("malformed attribute");
            int as = nameStart, ae = nameEnd;
            if (!attributeValue()) return fail("malformed attribute");
            if (ae - as > 6 && startsWith(as, "xmlns:")) declare(as + 6, ae);
            else usePrefix();
        }
        for (int i = 0; i < usedCount; i += 2) {
            if (!declared(used[i], used[i + 1])) return fail("undeclared namespace prefix");
        }
        if (depth >= MAX_DEPTH) return fail("elements nested deeper than " + MAX_DEPTH);
        nameStart = qs;
        nameEnd = qe;
        localStart = local;
        tagEnd = pos;
        rootSeen = true;
        level = depth + 1;
        if (empty) {
            popPrefixes(depth);
            pendingEnd = true;
            if (depth == 0) rootClosed = true;
        } else {
            open[depth * 2] = qs;
            open[depth * 2 + 1] = qe;
            depth++;
        }
        return START;
    }

    private int endTag() {
        tagStart = pos;
        empty = false;
        pos += 2;
        if (!name()) return fail("malformed end tag");
        skipSpace();
        if (pos >= end || b.get(pos) != '>') return fail("unterminated end tag");
        pos++;
        if (depth == 0) return fail("end tag without start tag");
        int os = open[depth * 2 - 2], oe = open[depth * 2 - 1];
        if (oe - os != nameEnd - nameStart || !b.slice(os, oe - os).equals(b.slice(nameStart, nameEnd - nameStart))) {
            return fail("end tag does not match its start tag");
        }
        level = depth--;
        popPrefixes(depth);
        if (depth == 0) rootClosed = true;
        tagEnd = pos;
        return END;
    }

    /** A name at pos; sets nameStart/nameEnd and localStart (after the last ':'). */
    private boolean name() {
        nameStart = pos;
        localStart = pos;
        if (pos >= end || !nameStart(b.get(pos) & 0xFF)) return false;
        while (pos < end && nameChar(b.get(pos) & 0xFF)) {
            if (b.get(pos) == ':') localStart = pos + 1;
            pos++;
        }
        nameEnd = pos;
        return localStart < nameEnd;
    }

    /** Records the prefix of the name just read (nameStart..localStart-1), if any and not "xml". */
    private void usePrefix() {
        if (localStart == nameStart) return;
        int ps = nameStart, pe = localStart - 1;
        if (pe - ps == 3 && startsWith(ps, "xml")) return;
        if (usedCount + 2 > used.length) used = java.util.Arrays.copyOf(used, used.length * 2);
        used[usedCount++] = ps;
        used[usedCount++] = pe;
    }

    private void declare(int from, int to) {
        if (prefixCount == prefixes.length) {
            prefixes = java.util.Arrays.copyOf(prefixes, prefixCount * 2);
            prefixDepths = java.util.Arrays.copyOf(prefixDepths, prefixCount * 2);
        }
        String p = latin1(from, to);
        prefixes[prefixCount] = p;
        prefixDepths[prefixCount++] = depth + 1;
        inScope.merge(p, 1, Integer::sum);
    }

    private boolean declared(int from, int to) {
        return inScope.containsKey(latin1(from, to));
    }

    /** Forgets the declarations of elements deeper than {@code d}. */
    private void popPrefixes(int d) {
        while (prefixCount > 0 && prefixDepths[prefixCount - 1] > d) {
            String p = prefixes[--prefixCount];
            inScope.computeIfPresent(p, (k, v) -> v == 1 ? null : v - 1);
        }
    }

    private String latin1(int from, int to) {
        byte[] n = new byte[to - from];
        b.get(from, n);
        return new String(n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private boolean attributeValue() {
        skipSpace();
        if (pos >= end || b.get(pos) != '=') return false;
        pos++;
        skipSpace();
        if (pos >= end) return false;
        byte q = b.get(pos);
        if (q != '"' && q != '\'') return false;
        pos++;
        while (pos < end && b.get(pos) != q) {
            if (b.get(pos) == '<') return false;
            if (b.get(pos) == '&' && !reference()) return false;
            pos++;
        }
        if (pos >= end) return false;
        pos++;
        return true;
    }

    private boolean skipDoctype() {
        int brackets = 0;
        for (int i = pos + 9; i < end; i++) {
            byte c = b.get(i);
            if (c == '[') brackets++;
            else if (c == ']') brackets--;
            else if (c == '>' && brackets <= 0) {
                pos = i + 1;
                return true;
            }
        }
        return false;
    }

    private boolean skipPast(int from, String terminator) {
        for (int i = from; i + terminator.length() <= end; i++) {
            if (startsWith(i, terminator)) {
                pos = i + terminator.length();
                return true;
            }
        }
        return false;
    }

    private boolean startsWith(int at, String s) {
        if (at + s.length() > end) return false;
        for (int i = 0; i < s.length(); i++) if (b.get(at + i) != s.charAt(i)) return false;
        return true;
    }

    private void skipSpace() {
        while (pos < end && isSpace(b.get(pos))) pos++;
    }

    private int fail(String why) {
        error = why;
        return ERROR;
    }

    public static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean hexDigit(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean nameStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
    }

    private static boolean nameChar(int c) {
        return nameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
    }

    /** True when the local name of the current element equals {@code s}, ignoring ASCII case if asked. */
    public boolean localNameIs(String s, boolean ignoreCase) {
        if (nameEnd - localStart != s.length()) return false;
        for (int i = 0; i < s.length(); i++) {
            int c = b.get(localStart + i), d = s.charAt(i);
            if (ignoreCase) {
                if (c >= 'A' && c <= 'Z') c |= 0x20;
                if (d >= 'A' && d <= 'Z') d |= 0x20;
            }
            if (c != d) return false;
        }
        return true;
    }
}
