package dev.bulwark.engine.heuristics.dlp;

import java.nio.ByteBuffer;

/**
 * US social security numbers as libclamav's DLP module finds them, in the normal ({@code 123-45-6789}) or
 * the stripped ({@code 123456789}) format: the 11 or 9 bytes from a digit that follows no digit, not
 * followed by a digit, read the way libclamav reads them (copied up to a NUL byte, then parsed with
 * {@code sscanf("%3d-%2d-%4d")} or {@code "%3d%2d%4d"}, which skips blanks and takes a sign before each
 * field), and valid: area 1-772 but not 666, group 1-99, serial 1-9999. Allocates nothing.
 */
final class SocialSecurityNumbers {
    /** The highest area number ClamAV accepts. */
    private static final int MAX_AREA = 772;
    /** Encodes "no number here" for {@link #field}. */
    private static final long FAIL = Long.MIN_VALUE;

    private SocialSecurityNumbers() {}

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Byte {@code q} of the copied number: NUL at and after the first NUL or the end of the copy. */
    private static int at(ByteBuffer b, int q, int end) {
        return q < end ? b.get(q) & 0xFF : 0;
    }

    /** C-locale isspace. */
    private static boolean space(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /**
     * One {@code %Nd} conversion from {@code q}: leading blanks skipped (not counted in the width), an
     * optional sign, then digits up to the width. Returns {@code (next position << 32) | (value + 2^16)}
     * or {@link #FAIL} when no digits follow.
     */
    private static long field(ByteBuffer b, int q, int end, int width) {
        while (space(at(b, q, end))) q++;
        int c = at(b, q, end), used = 0;
        boolean negative = false;
        if (c == '+' || c == '-') {
            negative = c == '-';
            q++;
            used++;
        }
        int value = 0, digits = 0;
        while (used < width && digit(at(b, q, end))) {
            value = value * 10 + (at(b, q, end) - '0');
            q++;
            used++;
            digits++;
        }
        if (digits == 0) return FAIL;
        return ((long) q << 32) | ((negative ? -value : value) + 65536L);
    }

    private static int value(long field) {
        return (int) (field & 0xFFFF_FFFFL) - 65536;
    }

    private static int next(long field) {
        return (int) (field >>> 32);
    }

    /** Whether a valid SSN starts at {@code p}; {@code len} bytes remain in the chunk from there. */
    static boolean valid(ByteBuffer b, int p, int len, boolean hyphens) {
        int min = hyphens ? 11 : 9;
        if (len < min) return false;
        if (len > min && digit(b.get(p + min))) return false;
        int end = p + min;
        for (int q = p; q < p + min; q++) {
            if (b.get(q) == 0) {
                end = q;
                break;
            }
        }
        if (hyphens) {
            if (at(b, p + 3, end) != '-' || at(b, p + 6, end) != '-') return false;
        } else {
            for (int q = p; q < end; q++) if (!digit(b.get(q))) return false;
        }
        long area = field(b, p, end, 3);
        if (area == FAIL) return false;
        int q = next(area);
        if (hyphens) {
            if (at(b, q, end) != '-') return false;
            q++;
        }
        long group = field(b, q, end, 2);
        if (group == FAIL) return false;
        q = next(group);
        if (hyphens) {
            if (at(b, q, end) != '-') return false;
            q++;
        }
        long serial = field(b, q, end, 4);
        if (serial == FAIL) return false;
        int a = value(area), g = value(group), s = value(serial);
        return a > 0 && a <= MAX_AREA && a != 666 && g > 0 && g <= 99 && s > 0 && s <= 9999;
    }

    /**
     * SSNs of one format in the chunk {@code [start, start+len)}: with {@code detectOnly} 1 at the first,
     * else the count; after a match the search resumes one byte past its end.
     */
    static int count(ByteBuffer b, int start, int len, boolean hyphens, boolean detectOnly) {
        if (len < 9) return 0;
        int count = 0;
        for (int idx = 0; idx < len; idx++) {
            if (!digit(b.get(start + idx)) || (idx > 0 && digit(b.get(start + idx - 1)))) continue;
            if (!valid(b, start + idx, len - idx, hyphens)) continue;
            if (detectOnly) return 1;
            count++;
            idx += hyphens ? 11 : 9;
        }
        return count;
    }
}
