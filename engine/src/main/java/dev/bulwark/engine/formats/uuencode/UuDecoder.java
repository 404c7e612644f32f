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

    /**
     * Decodes the lines after the begin line at {@code begin} into {@code out} until an {@code end}
     * line, an empty length line, or a line that is not uuencoded. Returns the index after the block.
     */
    public static int decode(ByteBuffer b, int begin, int to, ByteSink out) {
        int i = Text.nextLine(b, begin, to);
        while (i < to) {
            int next = Text.nextLine(b, i, to);
            int e = Text.lineEnd(b, i, next);
            if (e == i) { i = next; continue; } // tolerate blank lines
            if (Text.startsWith(b, i, e, "end")) return next;
            int n = dec(b.get(i));
            if (n == 0) { i = next; continue; }
            if (n > 45 || n < 0) return i; // not a uuencoded line: stop here
            int k = i + 1;
            int produced = 0;
            while (produced < n) {
                int c0 = k < e ? dec(b.get(k)) : 0;
                int c1 = k + 1 < e ? dec(b.get(k + 1)) : 0;
                int c2 = k + 2 < e ? dec(b.get(k + 2)) : 0;
                int c3 = k + 3 < e ? dec(b.get(k + 3)) : 0;
                k += 4;
                int v = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
                for (int s = 16; s >= 0 && produced < n; s -= 8, produced++) {
                    if (!out.put(v >> s)) return to;
                }
            }
            i = next;
        }
        return to;
    }

    private static int dec(byte c) {
        int v = c & 0xff;
        if (v == '`') return 0;
        if (v < 32 || v > 96) return -1;
        return (v - 32) & 63;
    }
}
