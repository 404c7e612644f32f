package dev.bulwark.engine.normalize;

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
        }
    }

    private HtmlBytes() {}

    /** The first position in {@code [i, to)} that is not a blank or CR (as TRIM_WS skips them), or {@code to}. */
    static int skipBlanks(byte[] s, int i, int to) {
        while (i < to && HtmlSteps.isSpace(s[i] & 0xFF)) i++;
        return i;
    }
}
