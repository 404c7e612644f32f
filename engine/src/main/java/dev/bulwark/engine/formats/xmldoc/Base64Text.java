package dev.bulwark.engine.formats.xmldoc;

import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;

/**
 * Base64 as ClamAV decodes XML payloads: through OpenSSL's base64 filter in line mode. Observed with
 * clamscan 1.4.6: text without any line break decodes to nothing; leading lines that are not base64
 * are skipped; after the first good line, blanks and line breaks are ignored and the first character
 * outside the alphabet ends the data (what was decoded before it is kept); padding ends it too; an
 * incomplete last group is dropped.
 */
final class Base64Text {
    private static final byte[] VALUE = new byte[256];
    private static final byte INVALID = -1, SPACE = -2, PAD = -3;

    static {
        java.util.Arrays.fill(VALUE, INVALID);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; i++) VALUE[alphabet.charAt(i)] = (byte) i;
        for (char c : new char[] {' ', '\t', '\r', '\n'}) VALUE[c] = SPACE;
        VALUE['='] = PAD;
    }

    private Base64Text() {}

    /** Decodes {@code [from, to)} of {@code b} into {@code out}; returns the number of bytes written. */
    static int decode(ByteBuffer b, int from, int to, ByteSink out) {
        int nl = -1;
        for (int i = from; i < to; i++) {
            if (b.get(i) == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) return 0;
        int start = firstGoodLine(b, from, to);
        if (start < 0) return 0;
        int before = out.size(), acc = 0, n = 0;
        boolean padded = false;
        for (int i = start; i < to; i++) {
            int v = VALUE[b.get(i) & 0xFF];
            if (v == SPACE) continue;
            if (v < 0) { // padding or a character outside the alphabet ends the data
                padded = v == PAD;
                break;
            }
            acc = acc << 6 | v;
            if (++n == 4) {
                if (!out.put(acc >>> 16 & 0xFF) || !out.put(acc >>> 8 & 0xFF) || !out.put(acc & 0xFF)) break;
                acc = 0;
                n = 0;
            }
        }
        if (padded && n == 2) out.put(acc >>> 4 & 0xFF); // a group completed by padding
        else if (padded && n == 3) {
            out.put(acc >>> 10 & 0xFF);
            out.put(acc >>> 2 & 0xFF);
        }
        return out.size() - before;
    }

    /**
     * Start of the first line made only of base64 characters and blanks (a final line without a line
     * break counts), or -1.
     */
    private static int firstGoodLine(ByteBuffer b, int from, int to) {
        int line = from;
        boolean good = true;
        for (int i = from; i < to; i++) {
            byte c = b.get(i);
            if (c == '\n') {
                if (good) return line;
                line = i + 1;
                good = true;
            } else if (VALUE[c & 0xFF] == INVALID) {
                good = false;
            }
        }
        return good && line < to ? line : -1;
    }
}
