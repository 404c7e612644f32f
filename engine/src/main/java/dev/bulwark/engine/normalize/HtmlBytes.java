package dev.bulwark.engine.normalize;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Byte classes and case tables for the HTML machine's runs of ordinary bytes ({@link HtmlMachine}). */
final class HtmlBytes {
    /** Classes: a byte the run cannot handle, an ordinary byte, a blank (CR excepted), CR (dropped), a control byte. */
    static final byte OTHER = 0, PLAIN = 1, BLANK = 2, CR = 3, CONTROL = 4;

    /**
     * Text and element text (state NORM): '&lt;', '&amp;' and bytes from 0x80 need the steps; blanks are
     * 0x09-0x0C and space ('\n' is read as a space); other bytes below 0x20 are control bytes.
     */
    static final byte[] NORM_CLASS = new byte[256];
    /** Argument values: '&amp;', quotes, '&gt;', blanks and bytes from 0x80 need the steps. */
    static final byte[] VALUE_CLASS = new byte[256];
    /** Tag names (after their first byte): blanks and '&gt;' end them, CR is dropped. */
    static final byte[] TAG_NAME_CLASS = new byte[256];
    /** Argument names (after their first byte): blanks, '=' and '&gt;' end them, CR is dropped. */
    static final byte[] ARG_NAME_CLASS = new byte[256];
    /** ASCII letters lower-cased. */
    static final byte[] LOWER = new byte[256];
    /** The same with '\'' written as '"' (inside tags, scripts and styles). */
    static final byte[] LOWER_QUOTED = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            byte l = (byte) (c >= 'A' && c <= 'Z' ? c | 0x20 : c);
            LOWER[c] = l;
            LOWER_QUOTED[c] = c == '\'' ? (byte) '"' : l;
            byte k;
            if (c >= 0x80 || c == '<' || c == '&') k = OTHER;
            else if (c == '\r') k = CR;
            else if (HtmlSteps.isSpace(c)) k = BLANK;
            else if (c < 0x20) k = CONTROL;
            else k = PLAIN;
            NORM_CLASS[c] = k;
            byte v;
            if (c >= 0x80 || c == '&' || c == '\'' || c == '"' || c == '>') v = OTHER;
            else if (c == '\r') v = CR;
            else if (HtmlSteps.isSpace(c)) v = OTHER;
            else v = PLAIN;
            VALUE_CLASS[c] = v;
            byte t = c == '\r' ? CR : HtmlSteps.isSpace(c) || c == '>' ? OTHER : PLAIN;
            TAG_NAME_CLASS[c] = t;
            ARG_NAME_CLASS[c] = c == '=' ? OTHER : t;
        }
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L;

    private HtmlBytes() {}

    /**
     * The eight bytes at {@code s[i]} lower-cased when they are ordinary text bytes (0x21-0x7F but '&lt;' and
     * '&amp;') and single spaces between them (not first, not last, not two in a row), which text outside
     * tags writes as they are to both views; else -1 (a word that never is such a word).
     */
    static long plainWord(byte[] s, int i) {
        long x = (long) LONG_LE.get(s, i);
        if ((x & HIGHS) != 0 || ((x + 0x60 * ONES) & HIGHS) != HIGHS) return -1; // seven bits, none below space
        // seven-bit bytes: y + 0x7F sets a byte's high bit exactly when it is not 0
        long lt = ~((x ^ 0x3C3C3C3C3C3C3C3CL) + 0x7F * ONES), amp = ~((x ^ 0x2626262626262626L) + 0x7F * ONES);
        long sp = ~((x ^ 0x2020202020202020L) + 0x7F * ONES) & HIGHS;
        if (((lt | amp) & HIGHS) != 0 || (sp & (sp << 8 | 0x80L | 1L << 63)) != 0) return -1;
        long upper = (x + 0x3F * ONES) & ~(x + 0x25 * ONES) & HIGHS; // 'A'..'Z'
        return x | upper >>> 2;
    }

    /** Stores eight bytes at {@code b[i]}. */
    static void put(byte[] b, int i, long w) {
        LONG_LE.set(b, i, w);
    }

    /** The first position in {@code [i, to)} that is not a blank or CR (as TRIM_WS skips them), or {@code to}. */
    static int skipBlanks(byte[] s, int i, int to) {
        while (i < to && HtmlSteps.isSpace(s[i] & 0xFF)) i++;
        return i;
    }
}
