package dev.bulwark.engine.heuristics.phishing;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Finds links in HTML for the phishing check, as ClamAV's normaliser records them: for
 * {@code <a href="...">text</a>} the href is the real URL and the text the reader sees (inner tags
 * removed, entities decoded, line breaks as spaces) the displayed one; an anchor's {@code title}
 * is displayed too; images, frames and areas inside an anchor display their source for the
 * anchor's href; inside a {@code <form>} the action is the real URL for each of these. A tiny, forgiving tokenizer: bytes are read as ISO-8859-1, and everything is
 * bounded so that hostile HTML costs linear time.
 */
public final class HtmlLinks {
    /** Links reported per document: mail with more anchors than this is not checked further. */
    public static final int MAX_LINKS = 10_000;
    /** ClamAV's HTML normaliser keeps at most 1024 bytes of an URL or anchor text. */
    static final int MAX_URL = 1024;
    private static final int MAX_TAG_NAME = 16;
    private static final int MAX_ATTRIBUTES = 64; // per tag; more is junk
    private static final java.util.Set<String> WANTED = java.util.Set.of("href", "title", "action", "src", "dynsrc");

    /** Receives one link; returns false to stop. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param anchorText true for an anchor's own text; false for titles, images, frames, areas and
         *                   forms, for which ClamAV never runs the SSL-mismatch check
         */
        boolean link(String realUrl, String displayedText, boolean anchorText);
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
        private String formAction;        // action of the last <form>, or null
        private final StringBuilder text = new StringBuilder();
        /** Links of the current anchor in ClamAV's order; the anchor's own entry gets its text at </a>. */
        private final java.util.List<String[]> pending = new java.util.ArrayList<>();
        private String[] anchorEntry;
        private boolean stopped;

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
            if (openHref != null) closeAnchor();
            deliver();
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
            java.util.Map<String, String> attrMap = new java.util.HashMap<>();
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
                if (++attrs <= MAX_ATTRIBUTES && val != null && WANTED.contains(attr)) attrMap.putIfAbsent(attr, cap(val));
            }
            if (!closing) opened(name, attrMap);
            else if (name.equals("a") && openHref != null) closeAnchor();
            if (stopped) return -1;
            if (name.equals("script") || name.equals("style")) {
                if (!closing) {
                    int close = indexOfIgnoreCase(k, "</" + name);
                    return close < 0 ? end : close;
                }
            }
            return k;
        }

        private static String cap(String v) {
            return v.length() > MAX_URL ? v.substring(0, MAX_URL) : v;
        }

        /** What ClamAV's HTML normaliser records for phishing at an opening tag. */
        private void opened(String name, java.util.Map<String, String> a) {
            switch (name) {
                case "a" -> {
                    String href = a.get("href");
                    if (href == null || href.isEmpty()) return;
                    if (openHref != null) closeAnchor(); // nested <a>: the previous one ends here
                    if (a.get("title") != null) pending.add(new String[] {href, a.get("title"), ""}); // a title is a displayed link
                    if (formAction != null) pending.add(new String[] {formAction, href, ""});
                    anchorEntry = new String[] {href, null, "href"};
                    pending.add(anchorEntry);
                    openHref = href;
                    text.setLength(0);
                }
                case "form" -> {
                    if (a.get("action") != null) formAction = a.get("action");
                }
                case "img" -> {
                    embedded(a.get("src"));
                    embedded(a.get("dynsrc"));
                }
                case "iframe" -> embedded(a.get("src"));
                case "area" -> embedded(a.get("href"));
                default -> { }
            }
            if (openHref == null) deliver();
        }

        /** An image, frame or area inside an anchor: the anchor's href is the real URL, the source is shown. */
        private void embedded(String src) {
            if (src == null || src.isEmpty()) return;
            if (openHref != null) pending.add(new String[] {openHref, src, ""});
            if (formAction != null) pending.add(new String[] {formAction, src, ""});
        }

        private void closeAnchor() {
            if (anchorEntry != null) anchorEntry[1] = text.toString();
            anchorEntry = null;
            openHref = null;
            deliver();
        }

        private void deliver() {
            for (String[] l : pending) {
                if (stopped) break;
                if (l[1] == null) continue;
                if (links >= MAX_LINKS || !sink.link(l[0], l[1], !l[2].isEmpty())) stopped = true;
                links++;
            }
            pending.clear();
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
