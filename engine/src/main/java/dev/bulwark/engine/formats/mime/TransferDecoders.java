package dev.bulwark.engine.formats.mime;

import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.Text;
import java.nio.ByteBuffer;

/** Content-Transfer-Encoding decoders. All are lenient (like mail clients) and bounded by the sink. */
public final class TransferDecoders {
    private TransferDecoders() {}

    private static final byte[] B64 = new byte[256];
    static {
        java.util.Arrays.fill(B64, (byte) -1);
        String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < a.length(); i++) B64[a.charAt(i)] = (byte) i;
    }

    /**
     * Decodes base64 in [from, to), skipping characters outside the alphabet. Padding ends a quantum;
     * decoding resumes after it (concatenated base64 blocks occur in the wild).
     */
    public static void base64(ByteBuffer in, int from, int to, ByteSink out) {
        int acc = 0, n = 0;
        for (int i = from; i < to; i++) {
            int c = in.get(i) & 0xff;
            if (c == '=') {
                flushPartial(acc, n, out);
                acc = 0;
                n = 0;
                continue;
            }
            int v = B64[c];
            if (v < 0) continue;
            acc = (acc << 6) | v;
            if (++n == 4) {
                out.put(acc >> 16);
                out.put(acc >> 8);
                if (!out.put(acc)) return;
                acc = 0;
                n = 0;
            }
        }
        flushPartial(acc, n, out);
    }

    /** The bytes one read of ClamAV's mail line readers keeps at most (getline_from_mbox and fmap_gets, 999). */
    static final int CLAMAV_LINE_READ = 999;

    /**
     * (compat15) Decodes a mail body's base64 in [from, to) as libclamav 1.4's messageExport does, line by line
     * (message.c decodeLine/decode): each line is cut at its first '=' (what follows on that line is dropped),
     * characters outside the alphabet are removed, and the characters left form one stream over all lines: a
     * quantum left incomplete at a line end (after a '=' too) is completed by the next line's characters, never
     * padded. At the end an incomplete quantum is flushed as ClamAV's base64Flush does: one character gives one
     * byte ({@code c1 << 2}), two give {@code c1 << 2 | c2 >> 4} and {@code c2 << 4} when that is not 0, three give
     * two bytes and {@code c3 << 6} when {@code c3 & 3} is not 0. A line is what ClamAV's reader returns: it ends at
     * '\n' ({@code crEndsLine}: at '\r' too, as getline_from_mbox reads a single message; the mbox reader,
     * fmap_gets, does not) or after {@link #CLAMAV_LINE_READ} bytes. Before, '=' flushed and reset the quantum, so
     * a line such as {@code name=x} before the data shifted everything after it by one character.
     */
    public static void base64Mail(ByteBuffer in, int from, int to, ByteSink out, boolean crEndsLine) {
        int acc = 0, n = 0;
        int lineStart = from;
        boolean cut = false; // a '=' was seen on this line
        for (int i = from; i < to; i++) {
            if (i - lineStart >= CLAMAV_LINE_READ) {
                lineStart = i;
                cut = false;
            }
            int c = in.get(i) & 0xff;
            if (c == '\n' || (c == '\r' && crEndsLine)) {
                lineStart = i + 1;
                cut = false;
                continue;
            }
            if (cut) continue;
            if (c == '=') {
                cut = true;
                continue;
            }
            int v = B64[c];
            if (v < 0) continue;
            acc = (acc << 6) | v;
            if (++n == 4) {
                out.put(acc >> 16);
                out.put(acc >> 8);
                if (!out.put(acc)) return;
                acc = 0;
                n = 0;
            }
        }
        if (n == 1) {
            out.put(acc << 2);
        } else if (n == 2) {
            out.put(acc >> 4);
            if ((acc & 0xf) != 0) out.put((acc & 0xf) << 4);
        } else if (n == 3) {
            out.put(acc >> 10);
            out.put(acc >> 2);
            if ((acc & 3) != 0) out.put((acc & 3) << 6);
        }
    }

    private static void flushPartial(int acc, int n, ByteSink out) {
        if (n == 2) {
            out.put(acc >> 4);
        } else if (n == 3) {
            out.put(acc >> 10);
            out.put(acc >> 2);
        }
    }

    /** Decodes quoted-printable in [from, to): {@code =XX}, soft line breaks, everything else literal. */
    public static void quotedPrintable(ByteBuffer in, int from, int to, ByteSink out) {
        int i = from;
        while (i < to) {
            int c = in.get(i) & 0xff;
            if (c != '=') {
                if (!out.put(c)) return;
                i++;
                continue;
            }
            if (i + 1 < to && in.get(i + 1) == '\n') { i += 2; continue; }
            if (i + 2 < to && in.get(i + 1) == '\r' && in.get(i + 2) == '\n') { i += 3; continue; }
            int h = i + 2 < to ? Text.hexValue(in.get(i + 1) & 0xff) : -1;
            int l = i + 2 < to ? Text.hexValue(in.get(i + 2) & 0xff) : -1;
            if (h >= 0 && l >= 0) {
                if (!out.put(h << 4 | l)) return;
                i += 3;
            } else {
                // "=" followed by trailing blanks then line end is also a soft break in practice
                int j = i + 1;
                while (j < to && (in.get(j) == ' ' || in.get(j) == '\t')) j++;
                if (j < to && (in.get(j) == '\r' || in.get(j) == '\n') || j == to) {
                    i = j;
                    if (i < to && in.get(i) == '\r') i++;
                    if (i < to && in.get(i) == '\n') i++;
                } else {
                    if (!out.put('=')) return;
                    i++;
                }
            }
        }
    }

    /**
     * Decodes one yEnc block starting at the {@code =ybegin} line at {@code from}; stops at
     * {@code =yend} or {@code to}. Returns the index after the block.
     */
    public static int yenc(ByteBuffer in, int from, int to, ByteSink out) {
        return yenc(in, from, to, out, false);
    }

    /**
     * As {@link #yenc(ByteBuffer, int, int, ByteSink)}; with {@code clamavQuirk} an escaped byte is
     * decoded as ClamAV 1.4 decodes it (minus 64 only, without the 42 offset), which yields the bytes
     * its signatures were written against.
     */
    public static int yenc(ByteBuffer in, int from, int to, ByteSink out, boolean clamavQuirk) {
        int i = Text.nextLine(in, from, to);
        while (i < to) {
            int next = Text.nextLine(in, i, to);
            int e = Text.lineEnd(in, i, next);
            if (Text.startsWith(in, i, e, "=yend")) return next;
            if (Text.startsWith(in, i, e, "=ypart")) { i = next; continue; }
            for (int k = i; k < e; k++) {
                int c = in.get(k) & 0xff;
                if (c == '=') {
                    if (++k >= e) break;
                    int v = ((in.get(k) & 0xff) - 64) & 0xff;
                    if (!out.put(clamavQuirk ? v : (v - 42) & 0xff)) return to;
                    continue;
                }
                if (!out.put((c - 42) & 0xff)) return to;
            }
            i = next;
        }
        return to;
    }
}
