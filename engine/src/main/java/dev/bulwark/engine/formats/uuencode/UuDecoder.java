package dev.bulwark.engine.formats.uuencode;

import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.Text;
import java.nio.ByteBuffer;

/** Decodes uuencoded blocks ({@code begin 644 name} ... {@code end}). Lenient about line lengths. */
public final class UuDecoder {
    private static final int MAX_NAME = 255; // file names longer than this are cut

    private UuDecoder() {}

    /** True when the line [i, e) is a uuencode begin line: "begin" SP octal-mode SP name. */
    public static boolean isBegin(ByteBuffer b, int i, int e) {
        if (!Text.startsWith(b, i, e, "begin ")) return false;
        int k = i + 6;
        int digits = 0;
        while (k < e && b.get(k) >= '0' && b.get(k) <= '7') { k++; digits++; }
        return digits >= 1 && digits <= 4 && k < e && b.get(k) == ' ';
    }

    /** Index of the next begin line at or after {@code from} (at a line start), or -1. */
    public static int findBegin(ByteBuffer b, int from, int to) {
        int i = from;
        while (i < to) {
            int next = Text.nextLine(b, i, to);
            if (isBegin(b, i, Text.lineEnd(b, i, next))) return i;
            i = next;
        }
        return -1;
    }

    /** The file name on a begin line (after mode), or "". */
    public static String fileName(ByteBuffer b, int begin, int to) {
        int next = Text.nextLine(b, begin, to);
        int e = Text.lineEnd(b, begin, next);
        int k = begin + 6;
        while (k < e && b.get(k) != ' ') k++;
        while (k < e && b.get(k) == ' ') k++;
        return Text.latin1(b, k, e, MAX_NAME).trim();
    }

    /** The bytes one read of ClamAV's line reader keeps at most (fmap_gets with a 1,001-byte buffer: 999). */
    private static final int LINE_READ = 999;

    /**
     * Decodes the lines after the begin line at {@code begin} into {@code out} as libclamav 1.4's uudecodeFile
     * does (uuencode.c, message.c decodeLine): lines of at most 999 bytes up to '\n', CR and LF at the end chomped,
     * a NUL ends the line's text. It stops at a line "end" (any case), an empty line, a line whose first character
     * is ' ' or '`' (its low six bits are a space), whose length character says more than 62 bytes or more than the
     * characters that follow it. Otherwise the line gives exactly that many bytes, decoded four characters to three
     * ({@code c - ' '} unmasked, as ClamAV's uudecode()); a partial group at the end of the line is dropped (ClamAV
     * then outputs stale buffer bytes, written as zeros here). (compat15) Before, blank and '`' lines were passed
     * over, lengths over 45 stopped, and a line shorter than its length ("=" is 29 bytes) was padded with zeros,
     * where clamscan 1.4.6 stops. Returns the index after the "end" line, else of the line where it stopped.
     */
    public static int decode(ByteBuffer b, int begin, int to, ByteSink out) {
        return decodeLines(b, Text.nextLine(b, begin, to), to, out);
    }

    /** As {@link #decode}, from the first data line at {@code i} (the begin line already read). */
    static int decodeLines(ByteBuffer b, int i, int to, ByteSink out) {
        byte[] line = new byte[LINE_READ];
        while (i < to) {
            int lim = Math.min(to, i + LINE_READ), e = i, n = 0;
            boolean nul = false;
            while (e < lim) {
                byte c = b.get(e++);
                if (c == '\n') break;
                if (c == 0) nul = true;
                if (!nul) line[n++] = c;
            }
            int next = e;
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
            if (n == 3 && (line[0] | 0x20) == 'e' && (line[1] | 0x20) == 'n' && (line[2] | 0x20) == 'd') return next;
            if (n == 0 || (line[0] & 0x3f) == ' ') return i;
            int len = (line[0] - ' ') & 0xff, rest = n - 1;
            if (len > 62 || len > rest) return i;
            int produced = 0;
            for (int k = 1; k + 3 < n && produced < len; k += 4) {
                int b1 = (line[k] - ' ') & 0xff, b2 = (line[k + 1] - ' ') & 0xff;
                int b3 = (line[k + 2] - ' ') & 0xff, b4 = (line[k + 3] - ' ') & 0xff;
                int v = ((b1 << 2) | ((b2 >> 4) & 3)) << 16 | (((b2 << 4) | ((b3 >> 2) & 0xf)) & 0xff) << 8
                        | (((b3 << 6) | (b4 & 0x3f)) & 0xff);
                for (int s = 16; s >= 0 && produced < len; s -= 8, produced++) {
                    if (!out.put((v >> s) & 0xff)) return to;
                }
            }
            for (; produced < len; produced++) {
                if (!out.put(0)) return to;
            }
            i = next;
        }
        return to;
    }
}
