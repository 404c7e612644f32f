package dev.bulwark.engine.formats.xar;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A XAR table of contents read as ClamAV's libxml2 text reader walks it: start tags, end tags and text, in order;
 * reading stops at the first construct that is not well-formed enough to tokenise.
 */
final class Toc {
    /** One heap extent: where it is, how long it is stored, its size decoded and its encoding style. */
    record Extent(long offset, long length, long size, String encoding) {}

    private final String s;
    private int pos;

    Toc(String s) { this.s = s; }

    /** The node kinds: a start tag, an end tag, text; or none (end of input). */
    private static final int START = 1, END = 2, TEXT = 3, NONE = 0;

    private int kind, tagStart, tagEnd;
    private String name;
    /** An empty element ({@code <x/>}): libxml2's reader reports it as one start node, with no end node. */
    private boolean selfClosing;
    /** The node after a subdoc, which ClamAV's walk does not look at. */
    private boolean skipSibling;

    /** Advances to the next node; false at the end or on malformed input. */
    private boolean read() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != '<') {
                int e = s.indexOf('<', pos);
                if (e < 0) e = s.length();
                tagStart = pos;
                tagEnd = e;
                pos = e;
                if (s.substring(tagStart, tagEnd).isBlank()) continue; // whitespace between elements: not text here
                kind = TEXT;
                return true;
            }
            if (s.startsWith("<?", pos) || s.startsWith("<!--", pos) || s.startsWith("<!", pos)) {
                int e = s.startsWith("<!--", pos) ? s.indexOf("-->", pos) : s.indexOf('>', pos);
                if (e < 0) return false;
                pos = e + (s.startsWith("<!--", pos) ? 3 : 1);
                continue;
            }
            int e = s.indexOf('>', pos);
            if (e < 0) return false;
            tagStart = pos;
            tagEnd = e + 1;
            boolean end = s.charAt(pos + 1) == '/';
            int nameFrom = pos + (end ? 2 : 1), nameTo = nameFrom;
            while (nameTo < e && !Character.isWhitespace(s.charAt(nameTo)) && s.charAt(nameTo) != '/') nameTo++;
            name = s.substring(nameFrom, nameTo);
            int colon = name.indexOf(':');
            if (colon >= 0) name = name.substring(colon + 1);
            selfClosing = !end && s.charAt(e - 1) == '/';
            kind = end ? END : START;
            pos = e + 1;
            return true;
        }
        kind = NONE;
        return false;
    }

    private String text() { return s.substring(tagStart, tagEnd); }

    /** The value of attribute {@code a} of the current start tag, or null. */
    private String attribute(String a) {
        String tag = s.substring(tagStart, tagEnd);
        int i = 0;
        while ((i = tag.indexOf(a, i)) > 0) {
            int j = i + a.length();
            while (j < tag.length() && tag.charAt(j) == ' ') j++;
            if (Character.isWhitespace(tag.charAt(i - 1)) && j < tag.length() && tag.charAt(j) == '=') {
                j++;
                while (j < tag.length() && tag.charAt(j) == ' ') j++;
                if (j < tag.length() && (tag.charAt(j) == '"' || tag.charAt(j) == '\'')) {
                    int q = tag.indexOf(tag.charAt(j), j + 1);
                    if (q > 0) return unescape(tag.substring(j + 1, q));
                }
                return null;
            }
            i = j;
        }
        return null;
    }

    private static String unescape(String v) {
        return v.indexOf('&') < 0 ? v : v.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&apos;", "'").replace("&amp;", "&");
    }

    /**
     * ClamAV's xar_scan_subdocuments: up to the {@code <toc>} start tag, the inner XML of each {@code <subdoc>} is a
     * child. False when the scan must stop.
     */
    boolean subdocs(ExtractContext ctx) {
        while (read()) {
            if (skipSibling) {
                skipSibling = false;
                continue;
            }
            if (kind == START && name.equals("toc")) return true;
            if (kind == START && name.equals("subdoc") && !selfClosing) {
                int from = tagEnd, depth = 1, to = -1;
                while (read()) {
                    if (kind == START && name.equals("subdoc") && !selfClosing) depth++;
                    if (kind == END && name.equals("subdoc") && --depth == 0) { to = tagStart; break; }
                }
                if (to < 0) return true;
                // libxml2's reader then moves to the subdoc's next sibling and reads on from there: that sibling's own
                // node (a <toc> start tag directly after the subdoc, or text) is passed over, whitespace is a node too
                if (pos < s.length() && !Character.isWhitespace(s.charAt(pos))) skipSibling = true;
                byte[] inner = s.substring(from, to).getBytes(StandardCharsets.ISO_8859_1);
                if (inner.length > 0 && (!ctx.child(new ChildInfo("", null, -1, inner.length, false, 0, -1), ByteBuffer.wrap(inner))
                        || ctx.stopped())) return false;
            }
        }
        return true;
    }

    /** ClamAV's xar_get_toc_data_values: the next extent; null when there is none or it lacks a field. */
    Extent next() {
        boolean in = false;
        String inName = null;
        long offset = 0, length = 0, size = 0;
        boolean gotOffset = false, gotLength = false, gotSize = false;
        String encoding = "";
        while (read()) {
            if (in) {
                if (kind == START) {
                    switch (name) {
                        case "offset" -> { long v = number(); if (v >= 0) { offset = v; gotOffset = true; } }
                        case "length" -> { long v = number(); if (v >= 0) { length = v; gotLength = true; } }
                        case "size" -> { long v = number(); if (v >= 0) { size = v; gotSize = true; } }
                        case "encoding" -> { String st = attribute("style"); encoding = st == null ? "" : st; }
                        default -> { }
                    }
                } else if (kind == END && name.equals(inName)) {
                    break;
                }
            } else if (kind == START && !selfClosing && (name.equals("data") || name.equals("ea"))) {
                in = true;
                inName = name;
            } else if (kind == END && name.equals("xar")) {
                break;
            }
        }
        return gotOffset && gotLength && gotSize ? new Extent(offset, length, size, encoding) : null;
    }

    /** The number in the text node that follows (strtol base 10: leading spaces, a sign, digits); -1 when none. */
    private long number() {
        if (!read() || kind != TEXT) return -1;
        String t = text();
        int i = 0;
        while (i < t.length() && Character.isWhitespace(t.charAt(i))) i++;
        boolean neg = false;
        if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) neg = t.charAt(i++) == '-';
        long v = 0;
        int d0 = i;
        while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            v = v * 10 + (t.charAt(i++) - '0');
            if (v > Long.MAX_VALUE / 10) return -1; // strtol's overflow
        }
        if (i == d0 || neg && v != 0) return -1;
        return v;
    }
}
