package dev.bulwark.engine.heuristics.phishing;

import java.util.Locale;

/**
 * URL clean-up and host/domain extraction as ClamAV's phishing check performs them (behaviour
 * re-implemented from its documented semantics and observed results, quirks included).
 */
final class Urls {
    private Urls() {}

    /** A cleaned URL pair: {@code display} is null when the text is not usable. */
    record Cleaned(String real, String display) {}

    /** Characters kept for hashing and comparisons: the high bit cleared, controls as spaces. */
    static String clearMsb(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            int v = c[i] & 0x7f;
            c[i] = (char) (v < 32 ? 32 : v);
        }
        return new String(c);
    }

    /**
     * Reduces an URL to scheme and lower-cased host ("http://host"), removes markup debris and
     * %-escapes; for displayed text also strips all spaces and leading/trailing punctuation.
     * Returns null when nothing usable remains.
     */
    static String cleanup(String url, boolean isReal) {
        String s = clearMsb(url);
        int begin = 0, end = s.length() - 1;
        while (begin <= end && isSpace(s.charAt(begin))) begin++;
        if (end - begin < 1) return null;
        while (end > begin && isSpace(s.charAt(end))) end--;
        s = s.substring(begin, end + 1);
        if (s.startsWith(".net") || s.startsWith("ado.net") || s.startsWith("asp.net")) return null;
        s = s.replace('\\', '/');
        int hb = s.indexOf(':');
        if (hb < 0) hb = 0;
        else {
            while (hb + 1 < s.length() && s.charAt(hb + 1) == '/') hb++;
            hb++;
        }
        int he = hb;
        while (he < s.length() && ":/?".indexOf(s.charAt(he)) < 0) he++;
        s = s.substring(0, hb) + s.substring(hb, he).toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c == '<' || c == '>' || c == '"' || c == ';' ? ' ' : c);
        }
        s = sb.toString().replace("&lt", "").replace("&gt", "");
        s = percentDecode(s);
        if (isReal) {
            s = s.replace(" ", "");
            return s;
        }
        s = s.strip();
        // fix-up of displayed text: no spaces, no leading/trailing garbage
        s = s.replace(" ", "");
        int a = 0, z = s.length() - 1;
        while (a <= z && !Character.isLetterOrDigit(s.charAt(a))) a++;
        while (z >= a && !Character.isLetterOrDigit(s.charAt(z))) z--;
        if (z + 1 < s.length() && s.charAt(z + 1) == '/') z++;
        return a > z ? "" : s.substring(a, z + 1);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || (c >= 9 && c <= 13);
    }

    /** Repeatedly decodes {@code %xx} (the result may contain new escapes, as ClamAV re-scans). */
    static String percentDecode(String s) {
        for (int round = 0; round < 8 && s.indexOf('%') >= 0; round++) {
            StringBuilder sb = new StringBuilder(s.length());
            boolean changed = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '%' && i + 2 < s.length()) {
                    int h = Character.digit(s.charAt(i + 1), 16), l = Character.digit(s.charAt(i + 2), 16);
                    if (h >= 0 && l >= 0) {
                        sb.append((char) (h << 4 | l));
                        i += 2;
                        changed = true;
                        continue;
                    }
                }
                sb.append(c);
            }
            s = sb.toString();
            if (!changed) break;
        }
        return s;
    }

    /**
     * Does the string look like an URL? {@code anyScheme} accepts any scheme and host names whose
     * labels contain a TLD; the result is then the URL cut after that label (or null: not an URL).
     */
    static String asUrl(String url, boolean anyScheme) {
        String u = url.stripLeading();
        for (String p : new String[] {"https://", "http://", "ftp://", "mailto://"}) {
            if (u.startsWith(p)) return url;
        }
        int start = 0;
        boolean hasProto = false;
        int colon = -1;
        if (anyScheme) colon = u.indexOf(':');
        else if (u.startsWith("https:")) colon = 5;
        else if (u.startsWith("http:")) colon = 4;
        else if (u.startsWith("ftp:")) colon = 3;
        if (colon >= 0) {
            if (isScheme(u, colon)) {
                start = colon + 1;
                if (start < u.length() && u.charAt(start) == '/') {
                    start++;
                    if (start < u.length() && u.charAt(start) == '/') start++;
                }
                hasProto = true;
            }
        }
        int p = start;
        int end = u.indexOf('/', p);
        if (end < 0) end = u.length();
        if (!hasProto) {
            int at = u.indexOf('@', p);
            if (at >= 0 && at < end) {
                int q2 = at - 1;
                while (q2 > p && u.charAt(q2) != '.') q2--;
                if (q2 == p || !Tlds.isTld(u.substring(q2 + 1, at))) return null;
            }
        }
        int lastTldEnd = -1;
        while (true) {
            int q = u.indexOf('.', p);
            if (q < 0 || q > end) break;
            if (!hostLabelChars(u, p, q)) return null;
            if (anyScheme && Tlds.isTld(u.substring(p, q))) lastTldEnd = q;
            p = q + 1;
        }
        if (p == start) return null;
        int e = Math.max(end, p);
        if (Tlds.isTld(u.substring(p, Math.min(e, u.length())).stripTrailing())) return url;
        if (!anyScheme) return null;
        if (lastTldEnd >= 0) return u.substring(0, lastTldEnd);
        return null;
    }

    private static boolean isScheme(String u, int colon) {
        if (colon == 0 || !Character.isLetter(u.charAt(0))) return false;
        for (int i = 1; i < colon; i++) {
            char c = u.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) return false;
        }
        return true;
    }

    private static boolean hostLabelChars(String u, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = u.charAt(i);
            if (c <= ' ' || c >= 127 || "<>{}|\\^`[]\"".indexOf(c) >= 0) return false;
        }
        return true;
    }

    /** Host part of a cleaned URL (user names skipped); null for mailto links and bad hosts. */
    static String host(String url, boolean isReal) {
        int s = url.indexOf("://");
        int start;
        if (s >= 0) {
            start = s + 3;
        } else if (url.startsWith("mailto:")) {
            if (isReal) return null;
            start = 7;
        } else {
            start = 0;
        }
        int end;
        while (true) {
            end = hostEnd(url, start);
            int at = url.indexOf('@', start);
            if (at < 0 || (start != end && at > end)) break;
            start = at + 1;
        }
        String h = url.substring(start, end);
        if (isReal && (h.isEmpty() || h.contains(".."))) return null;
        if (h.indexOf(' ') >= 0) return null;
        return h;
    }

    private static int hostEnd(String u, int from) {
        int i = from;
        while (i < u.length() && ":/?".indexOf(u.charAt(i)) < 0) i++;
        return i;
    }

    /** The registered domain of a host: two labels, or three under a country code with a generic second level. */
    static String domain(String host) {
        String h = "." + host;
        int tld = h.lastIndexOf('.');
        if (tld <= 0) return host;
        String cc = h.substring(tld + 1);
        if (Tlds.isCountryCode(cc)) {
            int second = h.lastIndexOf('.', tld - 1);
            if (second < 0) return host;
            if (!Tlds.isTld(h.substring(second + 1, tld))) return h.substring(second + 1);
            tld = second;
        }
        int d = h.lastIndexOf('.', tld - 1);
        return d < 0 ? host : h.substring(d + 1);
    }
}
