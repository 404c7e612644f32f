package dev.bulwark.engine.normalize;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * Literals in ClamAV's JavaScript normalisation ({@link JsNormalizer}): string escapes and unescape()'s
 * percent escapes decoded as ClamAV decodes them, and numbers re-printed as its tokenizer prints them
 * (integers through a C {@code int}, floats with {@code %g}).
 */
final class JsLiterals {
    /** The prefix of a float literal C's atof reads. */
    private static final Pattern FLOAT = Pattern.compile("^[0-9]*\\.?[0-9]*(?:[eE][+-]?[0-9]+)?");

    private JsLiterals() {}

    static int hex(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    static void utf8(int u, ByteSink out) {
        if (u < 0x80) out.put(u == 0 ? 1 : u);
        else if (u < 0x800) {
            out.put(0xC0 | u >> 6);
            out.put(0x80 | (u & 0x3F));
        } else {
            out.put(0xE0 | u >> 12);
            out.put(0x80 | ((u >> 6) & 0x3F));
            out.put(0x80 | (u & 0x3F));
        }
    }

    /** JavaScript string escapes, as ClamAV decodes them (a NUL becomes 0x01). */
    static void unescape(byte[] s, int from, int to, ByteSink out) {
        int n = to - from;
        for (int i = 0; i < n; i++) {
            int c = s[from + i] & 0xFF;
            if (c == '\\' && i + 1 < n) {
                i++;
                int e = s[from + i] & 0xFF;
                switch (e) {
                    case '0' -> c = 0;
                    case 'b' -> c = 8;
                    case 't' -> c = 9;
                    case 'n' -> c = 10;
                    case 'v' -> c = 11;
                    case 'f' -> c = 12;
                    case 'r' -> c = 13;
                    case 'x' -> {
                        if (i + 2 < n) c = (Math.max(0, hex(s[from + i + 1] & 0xFF)) << 4 | hex(s[from + i + 2] & 0xFF)) & 0xFF;
                        i += 2;
                    }
                    case 'u' -> {
                        if (i + 4 < n) {
                            int u = 0;
                            for (int k = 1; k <= 3; k++) u = u << 4 | Math.max(0, hex(s[from + i + k] & 0xFF));
                            u = (u << 4 | hex(s[from + i + 4] & 0xFF)) & 0xFFFF;
                            utf8(u, out);
                            i += 4;
                            continue;
                        }
                    }
                    default -> c = e;
                }
            }
            out.put(c == 0 ? 1 : c);
        }
    }

    static long atol(String digits) {
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(i) - '0';
            if (v > (Long.MAX_VALUE - d) / 10) return Long.MAX_VALUE;
            v = v * 10 + d;
        }
        return v;
    }

    static double atof(String t) {
        java.util.regex.Matcher m = FLOAT.matcher(t);
        return m.find() && m.end() > 0 && !m.group().equals(".") ? Double.parseDouble(m.group()) : 0;
    }

    /**
     * Integers below this magnitude have at most six digits, all significant: %g prints them as they are
     * (no exponent, no point), so they need no decimal rounding.
     */
    private static final double PLAIN_INTEGER_BELOW = 1e6;

    /** C's printf %g. */
    static String formatG(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return "0";
        if (Math.abs(d) < PLAIN_INTEGER_BELOW && d == Math.rint(d)) return Long.toString((long) d);
        String shortest = formatGShortest(d);
        return shortest != null ? shortest : formatGRounded(d);
    }

    /**
     * C's printf %g of a finite, non-zero value whose shortest decimal form ({@link Double#toString}) has at most
     * six significant digits, else null. Such a form is exactly %g's rounding of the binary value: the value is
     * normal, so within half an ulp of it (53 bits), far less than half a unit of the sixth digit. No BigDecimal (html15: its first
     * use, class initialisation and interpreted arithmetic, was ~12 ms of a fresh daemon's first pass).
     */
    static String formatGShortest(double d) {
        if (Math.abs(d) < Double.MIN_NORMAL) return null; // subnormal: too few bits for the argument above
        String r = Double.toString(Math.abs(d));
        int e = r.indexOf('E');
        int end = e < 0 ? r.length() : e;
        int exp10 = e < 0 ? 0 : Integer.parseInt(r, e + 1, r.length(), 10);
        int dot = r.indexOf('.');
        if (dot < 0 || dot > end) return null;
        char[] digits = new char[end - 1];
        int n = 0;
        for (int k = 0; k < end; k++) if (k != dot) digits[n++] = r.charAt(k);
        int first = 0;
        while (first < n && digits[first] == '0') first++;
        if (first == n) return null;
        int last = n;
        while (digits[last - 1] == '0') last--;
        if (last - first > 6) return null;
        int x = exp10 + dot - 1 - first; // the decimal exponent of the first significant digit
        StringBuilder b = new StringBuilder(16);
        if (d < 0) b.append('-');
        if (x < -4 || x >= 6) {
            b.append(digits[first]);
            if (last - first > 1) b.append('.').append(digits, first + 1, last - first - 1);
            b.append('e').append(x < 0 ? '-' : '+');
            if (Math.abs(x) < 10) b.append('0');
            b.append(Math.abs(x));
        } else if (x >= 0) {
            for (int k = 0; k <= x; k++) b.append(first + k < last ? digits[first + k] : '0');
            if (last - first > x + 1) b.append('.').append(digits, first + x + 1, last - first - x - 1);
        } else {
            b.append("0.");
            for (int k = -1; k > x; k--) b.append('0');
            b.append(digits, first, last - first);
        }
        return b.toString();
    }

    /** C's printf %g of a finite, non-zero value, by exact decimal rounding to six significant digits. */
    static String formatGRounded(double d) {
        BigDecimal bd = new BigDecimal(d).round(new MathContext(6, RoundingMode.HALF_EVEN));
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= 6) {
            String mant = bd.movePointLeft(exp).stripTrailingZeros().toPlainString();
            return mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return bd.stripTrailingZeros().toPlainString();
    }

    /** JavaScript's unescape(): %uXXXX as UTF-8, %XX as a byte, anything else kept; appended to {@code pool}, which holds the literal at {@code from}. */
    static void percentDecode(ByteSink pool, int from, int n) {
        for (int k = 0; k < n; k++) {
            int c = pool.at(from + k);
            if (c == '%') {
                boolean u = k + 5 < n && pool.at(from + k + 1) == 'u' && hex(pool.at(from + k + 2)) >= 0
                        && hex(pool.at(from + k + 3)) >= 0 && hex(pool.at(from + k + 4)) >= 0 && hex(pool.at(from + k + 5)) >= 0;
                if (u) {
                    int v = 0;
                    for (int d = 2; d <= 5; d++) v = v << 4 | hex(pool.at(from + k + d));
                    utf8(v, pool);
                    k += 5;
                    continue;
                }
                if (k + 2 < n && hex(pool.at(from + k + 1)) >= 0 && hex(pool.at(from + k + 2)) >= 0) {
                    c = hex(pool.at(from + k + 1)) << 4 | hex(pool.at(from + k + 2));
                    k += 2;
                }
            }
            pool.put(c == 0 ? 1 : c);
        }
    }

}
