package dev.bulwark.engine.heuristics.phishing;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Finds {@code <a href="...">text</a>} links in HTML for the phishing check: the href is the real
 * URL, the text the reader sees (inner tags removed, entities decoded, line breaks as spaces) is
 * the displayed URL. A tiny, forgiving tokenizer: bytes are read as ISO-8859-1, and everything is
 * bounded so that hostile HTML costs linear time.
 */
public final class HtmlLinks {
    /** Links reported per document: mail with more anchors than this is not checked further. */
    public static final int MAX_LINKS = 10_000;
    /** ClamAV's HTML normaliser keeps at most 1024 bytes of an URL or anchor text. */
    static final int MAX_URL = 1024;
    private static final int MAX_TAG_NAME = 16;
    private static final int MAX_ATTRIBUTES = 64; // per tag; more is junk

    /** Receives one link; returns false to stop. */
    @FunctionalInterface
    public interface Sink {
        boolean link(String realUrl, String displayedText);
    }

    private HtmlLinks() {}

    /** Reports every anchor link in {@code html} (absolute indices 0..limit). */
    public static void extract(ByteBuffer html, Sink sink) {
        new Scan(html, sink).run();
    }

    private static final class Scan {
        private final ByteBuffer b;
        private final int end;
        private final Sink sink;
        private int links;
        private String openHref;          // href of the <a> we are inside, or null
        private final StringBuilder text = new StringBuilder();

        Scan(ByteBuffer b, Sink sink) {
            this.b = b;
            this.end = b.limit();
            this.sink = sink;
        }

        void run() {
            int i = 0;
            while (i < end) {
                int c = b.get(i) & 0xff;
                if (c == '<') {
                    int next = tag(i);
                    if (next < 0) return;
                    i = next;
                } else if (c == '&') {
                    i = entity(i);
                } else {
                    if (openHref != null) appendText(c <= ' ' ? ' ' : (char) c);
                    i++;
                }
            }
            if (openHref != null) flush();
        }

        private void appendText(char c) {
            if (text.length() < MAX_URL) text.append(c);
        }

        /** Handles the markup at {@code i}; returns the index after it, or -1 to stop. */
        private int tag(int i) {
            if (startsWith(i, "<!--")) {
                int k = indexOf(i + 4, "-->");
                return k < 0 ? end : k + 3;
            }
            int k = i + 1;
            boolean closing = k < end && b.get(k) == '/';
            if (closing) k++;
            int nameStart = k;
            while (k < end && k - nameStart < MAX_TAG_NAME && isNameChar(b.get(k) & 0xff)) k++;
            if (k == nameStart) {
                if (openHref != null) appendText('<');
                return i + 1;
            }
            String name = latin1(nameStart, k).toLowerCase(Locale.ROOT);
            String href = null;
            int attrs = 0;
            while (k < end) {
                int c = b.get(k) & 0xff;
                if (c == '>') { k++; break; }
                if (c <= ' ' || c == '/') { k++; continue; }
                int an = k;
                while (k < end && !isSpaceOrEnd(b.get(k) & 0xff) && b.get(k) != '=') k++;
                String attr = latin1(an, k).toLowerCase(Locale.ROOT);
                while (k < end && (b.get(k) & 0xff) <= ' ') k++;
                String val = null;
                if (k < end && b.get(k) == '=') {
                    k++;
                    while (k < end && (b.get(k) & 0xff) <= ' ') k++;
                    int vs, ve;
                    if (k < end && (b.get(k) == '"' || b.get(k) == '\'')) {
                        byte q = b.get(k);
                        vs = ++k;
                        while (k < end && b.get(k) != q) k++;
                        ve = k;
                        if (k < end) k++;
                    } else {
                        vs = k;
                        while (k < end && !isSpaceOrEnd(b.get(k) & 0xff)) k++;
                        ve = k;
                    }
                    val = decodeEntities(latin1(vs, Math.min(ve, vs + MAX_URL * 4)));
                }
                if (++attrs <= MAX_ATTRIBUTES && attr.equals("href") && href == null && val != null) href = val;
            }
            if (name.equals("a")) {
                if (closing) {
                    if (openHref != null && !flush()) return -1;
                } else {
                    if (openHref != null && !flush()) return -1;
                    if (href != null) {
                        openHref = href.length() > MAX_URL ? href.substring(0, MAX_URL) : href;
                        text.setLength(0);
                    }
                }
            } else if (name.equals("script") || name.equals("style")) {
                if (!closing) {
                    int close = indexOfIgnoreCase(k, "</" + name);
                    return close < 0 ? end : close;
                }
            }
            return k;
        }

        private boolean flush() {
            String href = openHref;
            openHref = null;
            if (links >= MAX_LINKS) return false;
            links++;
            return sink.link(href, text.toString());
        }

        private int entity(int i) {
            int k = i + 1;
            while (k < end && k - i < 10 && b.get(k) != ';' && b.get(k) != '<' && (b.get(k) & 0xff) > ' ') k++;
            if (k < end && b.get(k) == ';') {
                String dec = decodeEntities(latin1(i, k + 1));
                if (openHref != null) for (int n = 0; n < dec.length(); n++) appendText(dec.charAt(n));
                return k + 1;
            }
            if (openHref != null) appendText('&');
            return i + 1;
        }

        private boolean isSpaceOrEnd(int c) { return c <= ' ' || c == '>'; }

        private static boolean isNameChar(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' || c == '-';
        }

        private String latin1(int from, int to) {
            char[] c = new char[Math.max(0, to - from)];
            for (int k = 0; k < c.length; k++) c[k] = (char) (b.get(from + k) & 0xff);
            return new String(c);
        }

        private boolean startsWith(int i, String s) {
            if (end - i < s.length()) return false;
            for (int k = 0; k < s.length(); k++) if ((b.get(i + k) & 0xff) != s.charAt(k)) return false;
            return true;
        }

        private int indexOf(int from, String s) {
            for (int i = from; i <= end - s.length(); i++) if (startsWith(i, s)) return i;
            return -1;
        }

        private int indexOfIgnoreCase(int from, String s) {
            outer:
            for (int i = from; i <= end - s.length(); i++) {
                for (int k = 0; k < s.length(); k++) {
                    if (Character.toLowerCase((char) (b.get(i + k) & 0xff)) != s.charAt(k)) continue outer;
                }
                return i;
            }
            return -1;
        }
    }

    /** Decodes the common named entities and numeric character references. */
    static String decodeEntities(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (amp >= 0) {
            sb.append(s, i, amp);
            int semi = s.indexOf(';', amp);
            if (semi < 0 || semi - amp > 10) {
                sb.append('&');
                i = amp + 1;
            } else {
                String ent = s.substring(amp + 1, semi);
                String rep = switch (ent.toLowerCase(Locale.ROOT)) {
                    case "amp" -> "&";
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos" -> "'";
                    case "nbsp" -> " ";
                    default -> numeric(ent);
                };
                if (rep == null) {
                    sb.append('&');
                    i = amp + 1;
                } else {
                    sb.append(rep);
                    i = semi + 1;
                }
            }
            amp = s.indexOf('&', i);
        }
        sb.append(s, i, s.length());
        return sb.toString();
    }

    private static String numeric(String ent) {
        if (ent.length() < 2 || ent.charAt(0) != '#') return null;
        try {
            int cp = ent.charAt(1) == 'x' || ent.charAt(1) == 'X'
                    ? Integer.parseInt(ent.substring(2), 16) : Integer.parseInt(ent.substring(1));
            return cp > 0 && cp < 0x110000 ? new String(Character.toChars(cp)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
