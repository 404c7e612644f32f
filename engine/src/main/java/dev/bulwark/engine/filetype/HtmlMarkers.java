package dev.bulwark.engine.filetype;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * ClamAV's built-in HTML rules with offset {@code *}: one of a few tags in one of the spellings the
 * rules list ({@code <script}, {@code <Script}, {@code <SCRIPT}, …), or {@code <a } / {@code <A } followed
 * anywhere later by {@code href}/{@code HREF} (first two letters in either case, the rest all lower
 * or all upper case). Found in an ASCII text layer, they make ClamAV normalise it as HTML.
 */
public final class HtmlMarkers {
    private static final byte[][] TAGS = bytes("<HEAD>", "<HTML>", "<Head>", "<Html>", "<IFRAME", "<IMG", "<Img",
            "<OBJECT", "<Object", "<SCRIPT", "<Script", "<TABLE", "<head>", "<html>", "<iframe", "<img", "<object",
            "<script", "<table");

    /** Bytes that follow '<' in some rule. */
    private static final boolean[] SECOND = new boolean[256];

    static {
        for (byte[] t : TAGS) SECOND[t[1] & 0xFF] = true;
        SECOND['a'] = SECOND['A'] = true;
    }

    private HtmlMarkers() {}

    /**
     * Like {@link #find(ByteBuffer)}, checking only the kernel pass's candidates when {@code c} is not null
     * (they came from a whole pass over {@code d}; see {@link MarkerCandidates}).
     */
    public static boolean find(ByteBuffer d, MarkerCandidates c) {
        if (c == null) return find(d);
        int n = d.limit();
        for (int k = 0, count = c.tagCount(); k < count; k++) {
            int i = c.tagAt(k);
            if (i + 1 >= n) continue;
            int s = d.get(i + 1);
            for (byte[] t : TAGS) if (t[1] == s && d.get(i) == '<' && at(d, i, n, t)) return true;
        }
        if (c.tagOverflow()) return find(d); // no kept candidate matched, but more were found
        // the first "<a " (its end is the anchor), then an href spelling starting at or after it
        int a = c.anchor();
        return a >= 0 && c.lastHref() >= a + 3;
    }

    public static boolean find(ByteBuffer d) {
        int n = d.limit();
        int anchor = -1; // end of the first "<a " / "<A "
        ByteScan.Occurrences lt = new ByteScan.Occurrences(d, 0, n - 1, (byte) '<');
        for (int i = lt.next(); i >= 0; i = lt.next()) {
            int c = d.get(i + 1);
            if (!SECOND[c & 0xFF]) continue; // no rule has this letter after '<'
            if (c == 'a' || c == 'A') {
                if (anchor < 0 && i + 2 < n && d.get(i + 2) == ' ') anchor = i + 3;
                continue;
            }
            for (byte[] t : TAGS) if (t[1] == c && at(d, i, n, t)) return true;
        }
        return anchor >= 0 && href(d, anchor, n) >= 0;
    }

    /**
     * For {@link HeadRules}: every tag rule's match in {@code d} (ending after the tag) and the first
     * {@code <a } … {@code href} match, each a hit of type HTML; also ClamAV's {@code <%@ LANGUAGE =} rule at 0.
     */
    static void headHits(ByteBuffer d, java.util.List<EmbeddedTypeFinder.Hit> out) {
        int n = d.limit(), anchor = -1;
        byte[] a = array(d);
        int o = d.hasArray() ? d.arrayOffset() : 0;
        for (int i = next(a, o, 0, n - 1); i >= 0; i = next(a, o, i + 1, n - 1)) {
            int c = a[o + i + 1];
            if (!SECOND[c & 0xFF]) continue; // no rule has this byte after '<'
            if ((c == 'a' || c == 'A') && anchor < 0 && i + 2 < n && d.get(i + 2) == ' ') anchor = i + 3;
            for (byte[] t : TAGS) if (t[1] == c && at(d, i, n, t)) out.add(new EmbeddedTypeFinder.Hit(FileType.HTML, i, i + t.length));
        }
        int hrefEnd = anchor >= 0 ? href(d, anchor, n) : -1;
        if (hrefEnd >= 0) out.add(new EmbeddedTypeFinder.Hit(FileType.HTML, anchor - 3, hrefEnd));
        if (n > 0 && d.get(0) == '<' && at(d, 0, n, ASP)) out.add(new EmbeddedTypeFinder.Hit(FileType.HTML, 0, ASP.length));
    }

    /** The buffer's array, or a copy of its bytes when it has none. */
    private static byte[] array(ByteBuffer d) {
        if (d.hasArray()) return d.array();
        byte[] a = new byte[d.limit()];
        d.get(0, a, 0, a.length);
        return a;
    }

    /** Position (from the buffer's start {@code o} in {@code a}) of the next '<' in {@code [from, to)}, or -1. */
    private static int next(byte[] a, int o, int from, int to) {
        if (from >= to) return -1;
        int k = ByteScan.next(a, o + from, o + to, (byte) '<');
        return k < 0 ? -1 : k - o;
    }

    private static final byte[] ASP = "<%@ LANGUAGE =".getBytes(StandardCharsets.US_ASCII);

    /** [hH][rR] then "EF" or "ef", from {@code from}: found by its 'f'/'F' (the rarest letter), then checked backwards; where the first ends, or -1. */
    private static int href(ByteBuffer d, int from, int n) {
        byte[] a = d.hasArray() ? d.array() : null;
        int base = a != null ? d.arrayOffset() : 0;
        for (int i = from + 3; i < n; i++) {
            if (a != null) {
                int k = ByteScan.nextFolded(a, base + i, base + n, (byte) 'f');
                if (k < 0) return -1;
                i = k - base;
            } else if ((d.get(i) | 0x20) != 'f') {
                continue;
            }
            byte f = d.get(i), e = d.get(i - 1);
            if ((d.get(i - 3) | 0x20) == 'h' && (d.get(i - 2) | 0x20) == 'r' && ((e == 'E' && f == 'F') || (e == 'e' && f == 'f'))) return i + 1;
        }
        return -1;
    }

    private static boolean at(ByteBuffer d, int i, int n, byte[] t) {
        if (i + t.length > n) return false;
        for (int k = 1; k < t.length; k++) if (d.get(i + k) != t[k]) return false;
        return true;
    }

    private static byte[][] bytes(String... s) {
        byte[][] out = new byte[s.length][];
        for (int i = 0; i < s.length; i++) out[i] = s[i].getBytes(StandardCharsets.US_ASCII);
        return out;
    }
}
