package dev.bulwark.engine.formats.mime;

import java.util.ArrayDeque;
import java.util.Locale;

/**
 * ClamAV's handling of an unknown MIME major type (message.c messageSetMimeType): "x-..." stays an extension,
 * "plain" is text, anything else is taken for the most similar of text, multipart, application, audio, image,
 * message, video when ClamAV's simil() rates it at 50% or more ("multiqart/mixed" is parsed as multipart), and for
 * application otherwise. {@link #simil} is a port of ClamAV's (a Ratcliff/Obershelp-like score, quirks included).
 */
final class MimeGuess {
    private static final String[] MAJOR = {"text", "multipart", "application", "audio", "image", "message", "video"};
    /** ClamAV's MAX_PATTERN_SIZ: a longer string is not compared (simil returns an error, never a match). */
    private static final int MAX_PATTERN = 50;

    private MimeGuess() {}

    /** The lower-cased Content-Type value with its major type replaced as ClamAV classifies it. */
    /** One of ClamAV's mime_map major types (lower case). */
    static boolean isKnownMajor(String major) {
        for (String m : MAJOR) if (m.equals(major)) return true;
        return false;
    }

    static String canonical(String type) {
        int slash = type.indexOf('/');
        if (slash < 0) return type;
        String major = type.substring(0, slash).trim();
        for (String m : MAJOR) if (m.equals(major)) return type;
        if (major.startsWith("x-")) return type;
        if (major.equals("plain")) return "text" + type.substring(slash);
        int best = 0;
        String closest = null;
        for (String m : MAJOR) {
            int s = simil(m, major);
            if (s > best) {
                best = s;
                closest = m;
            }
        }
        return (best >= 50 ? closest : "application") + type.substring(slash);
    }

    /** ClamAV's encoding_map (1.4), in its order. */
    private static final String[] ENCODINGS = {"7bit", "text/plain", "quoted-printable", "base64", "8bit", "binary", "x-uuencode",
        "x-yencode", "x-binhex", "us-ascii", "x-uue", "uuencode"};

    /**
     * One Content-Transfer-Encoding token as ClamAV's messageSetEncoding reads it: the encoding_map entry it
     * equals (any case), else the most similar one when simil() rates it 50% or more, else null (ClamAV then
     * decodes with base64 and quoted-printable both). (mend13) Like ClamAV, only entries starting with the
     * token's first letter (any case) are compared, all of them when it starts with 'x', and never "uuencode"
     * (its "fast track" finds uuencoded files): '"base64"' and '64' are guessed as nothing, so decoded both ways.
     */
    static String encoding(String token) {
        if (token.isEmpty()) return null;
        char first = Character.toLowerCase(token.charAt(0));
        int best = 0;
        String closest = null;
        for (String e : ENCODINGS) {
            if (first != e.charAt(0) && first != 'x' || e.equals("uuencode")) continue;
            int s = simil(token, e);
            if (s == 100) return e;
            if (s > best) {
                best = s;
                closest = e;
            }
        }
        return best >= 50 ? closest : null;
    }

    /** ClamAV's simil(): 100 for equal strings (any case), else 200 * common characters / total length. */
    static int simil(String str1, String str2) {
        if (str1.equalsIgnoreCase(str2)) return 100;
        String s1 = strip(str1), s2 = strip(str2);
        if (s1.length() > MAX_PATTERN - 1 || s2.length() > MAX_PATTERN - 1) return -5; // ARRAY_OVERFLOW
        int total = s1.length() + s2.length();
        ArrayDeque<String> stack = new ArrayDeque<>();
        stack.push(s1);
        stack.push(s2);
        int score = 0;
        while (!stack.isEmpty()) {
            String ls2 = stack.pop();
            String ls1 = stack.isEmpty() ? "" : stack.pop();
            String[] parts = new String[4];
            int common = compare(ls1, ls2, parts);
            if (common > 0) {
                score += common;
                push(stack, parts[0], parts[1]);
                push(stack, parts[2], parts[3]);
            }
        }
        return total > 0 ? score * 200 / total : 0;
    }

    private static void push(ArrayDeque<String> stack, String a, String b) {
        int l1 = a.length(), l2 = b.length();
        if ((l1 > 1 && l2 >= 1) || (l2 > 1 && l1 >= 1)) {
            stack.push(a);
            stack.push(b);
        }
    }

    /** ClamAV's strstrip: trailing bytes that are not graphic removed. */
    private static String strip(String s) {
        int n = s.length();
        while (n > 0 && (s.charAt(n - 1) <= ' ' || s.charAt(n - 1) >= 127)) n--;
        return s.substring(0, n);
    }

    private static char at(String s, int i) {
        return i < s.length() ? Character.toLowerCase(s.charAt(i)) : 0;
    }

    /**
     * ClamAV's compare(): the longest common run (as its loop finds it); parts gets the text left of the run in
     * each string and the text right of it. Returns the run's length.
     */
    private static int compare(String ls1, String ls2, String[] parts) {
        int maxchars = 0;
        boolean some = false;
        int maxs1 = 0, maxs2 = 0, maxe1 = 0, maxe2 = 0;
        int end1 = ls1.length(), end2 = ls2.length();
        int start1 = 0;
        for (;;) {
            int s1 = start1, s2 = 0;
            if (s1 >= end1) break;
            while (s1 < end1 && s2 < end2) {
                if (at(ls1, s1) == at(ls2, s2)) {
                    some = true;
                    int cs1 = s1, cs2 = s2, common = 0;
                    do {
                        if (s1 == end1 || s2 == end2) break;
                        s1++;
                        s2++;
                        common++;
                    } while (at(ls1, s1) == at(ls2, s2));
                    if (common > maxchars) {
                        int diff = common - maxchars;
                        maxchars = common;
                        maxs1 = cs1;
                        maxs2 = cs2;
                        maxe1 = s1;
                        maxe2 = s2;
                        end1 -= diff;
                        end2 -= diff;
                    } else {
                        s1 -= common;
                    }
                } else {
                    s2++;
                }
            }
            start1++;
        }
        if (some) {
            parts[0] = ls1.substring(0, maxs1);
            parts[1] = ls2.substring(0, maxs2);
            parts[2] = ls1.substring(Math.min(maxe1, ls1.length()));
            parts[3] = ls2.substring(Math.min(maxe2, ls2.length()));
        } else {
            parts[0] = parts[1] = parts[2] = parts[3] = "";
        }
        return maxchars;
    }
}
