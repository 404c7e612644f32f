package dev.bulwark.engine.formats.docio;

import java.nio.ByteBuffer;

/** Small helpers for line-oriented parsing of a byte region (absolute indices, no allocation). */
public final class Text {
    private Text() {}

    /** Index just after the end of the line starting at {@code i} (past LF), or {@code end}. */
    public static int nextLine(ByteBuffer b, int i, int end) {
        while (i < end) {
            if (b.get(i++) == '\n') return i;
        }
        return end;
    }

    /** Index of the last content byte + 1 of the line [start, next): strips CR/LF. */
    public static int lineEnd(ByteBuffer b, int start, int next) {
        int e = next;
        while (e > start && (b.get(e - 1) == '\n' || b.get(e - 1) == '\r')) e--;
        return e;
    }

    /** True when the region at {@code i} starts with ASCII {@code s}, ignoring case. */
    public static boolean startsWithIgnoreCase(ByteBuffer b, int i, int end, String s) {
        if (end - i < s.length()) return false;
        for (int k = 0; k < s.length(); k++) {
            int c = b.get(i + k) & 0xff;
            if (Character.toLowerCase(c) != Character.toLowerCase(s.charAt(k))) return false;
        }
        return true;
    }

    /** True when the region at {@code i} starts with ASCII {@code s} exactly. */
    public static boolean startsWith(ByteBuffer b, int i, int end, String s) {
        if (end - i < s.length()) return false;
        for (int k = 0; k < s.length(); k++) {
            if ((b.get(i + k) & 0xff) != s.charAt(k)) return false;
        }
        return true;
    }

    /** ISO-8859-1 string of a region, truncated to {@code max} characters. */
    public static String latin1(ByteBuffer b, int from, int to, int max) {
        int n = Math.max(0, Math.min(to - from, max));
        char[] c = new char[n];
        for (int k = 0; k < n; k++) c[k] = (char) (b.get(from + k) & 0xff);
        return new String(c);
    }

    /** Index of {@code needle} in [from, to), or -1. Naive search: needles here are short. */
    public static int indexOf(ByteBuffer b, int from, int to, byte[] needle) {
        int last = to - needle.length;
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (b.get(i + k) != needle[k]) continue outer;
            }
            return i;
        }
        return -1;
    }

    public static int hexValue(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
