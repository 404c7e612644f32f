package dev.bulwark.engine.formats.mime;

import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.Text;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.lang.invoke.VarHandle;
import java.lang.invoke.MethodHandles;

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
        int i = from;
        while (i < to) {
            int c = in.get(i) & 0xff;
            int v = B64[c];
            if (v >= 0) {
                acc = (acc << 6) | v;
                if (++n == 4) {
                    out.put(acc >> 16);
                    out.put(acc >> 8);
                    if (!out.put(acc)) return;
                    acc = 0;
                    n = 0;
                }
            } else if (c == '\n' || (c == '\r' && crEndsLine)) {
                lineStart = i + 1;
            } else if (c == '=') {
                // the rest of this read is dropped: up to the line end or the next read of a long line
                long nextRead = lineStart + ((long) (i - lineStart) / CLAMAV_LINE_READ + 1) * CLAMAV_LINE_READ;
                int j = i + 1;
                while (j < to && j < nextRead) {
                    byte d = in.get(j);
                    if (d == '\n' || (d == '\r' && crEndsLine)) break;
                    j++;
                }
                i = j;
                continue;
            }
            i++;
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
     * (compat15) Decodes a mail body's quoted-printable in [from, to) as libclamav 1.4 does (message.c decodeLine):
     * line by line, over the lines its reader returns (as {@link #base64Mail}: LF, CR too with {@code crEndsLine},
     * 999 bytes at most; a LF+CR or CR+LF pair is one line end, NUL bytes are not kept, CR and LF at the end are
     * chomped). A line of C white space only is one space (messageAddStr); an empty line gives '\n', but with
     * {@code collapseBlank} (a message whose type is not text, and every mbox message) not right after another empty
     * line. In a line, '=' at the end is a soft break (no '\n'); '=' then one character gives that character's hex
     * value (an invalid digit counts as '=', 0x3D) and ends the line; '=XY' with X invalid gives '=' and goes on at X,
     * else {@code hex(X) << 4 | hex(Y)} (Y invalid ORs in 0x3D). Every other line ends with '\n', the last one of the
     * range too. With {@code dropSemiRepeats} (lines read by parseEmailFile: a single message) a line of only
     * blanks and ';' after another one (empty lines between do not count) is gone. Before, Bulwark kept the line ends as they stood (none after a multipart part's last line), took '='
     * followed by blanks for a soft break and passed an invalid sequence through.
     */
    public static void quotedPrintableMail(ByteBuffer in, int from, int to, ByteSink out, boolean crEndsLine,
                                           boolean collapseBlank, boolean dropSemiRepeats) {
        mailLines(in, from, to, out, crEndsLine, collapseBlank, dropSemiRepeats, true);
    }

    /**
     * (compat15) A mail body without a transfer encoding (or 7bit, 8bit, binary) as libclamav 1.4 exports it
     * (exportText, decodeLine's default case): the lines ClamAV's reader kept, as {@link #quotedPrintableMail} reads
     * them, each followed by '\n', without the '=' decoding.
     */
    public static void identityMail(ByteBuffer in, int from, int to, ByteSink out, boolean crEndsLine,
                                    boolean collapseBlank, boolean dropSemiRepeats) {
        out.reserve((long) to - from + 1); // about the input's size: copied once, not doubled line by line
        mailLines(in, from, to, out, crEndsLine, collapseBlank, dropSemiRepeats, false);
    }

    private static void mailLines(ByteBuffer in, int from, int to, ByteSink out, boolean crEndsLine,
                                  boolean collapseBlank, boolean dropSemiRepeats, boolean qp) {
        byte[] line = new byte[CLAMAV_LINE_READ];
        boolean prevEmpty = false, lastOnlySemi = false;
        // a range cut just before a line break (a multipart part before its boundary line) ends with a line of
        // its own, an empty one when the range ends with a line end
        boolean cut = to < in.limit() && (in.get(to) == '\n' || in.get(to) == '\r');
        boolean terminated = from == to;
        // (corpus16) a heap buffer's array read directly: ByteBuffer.get is a megamorphic call here (heap and mapped
        // buffers both come through), and most of a plain body's time went to it
        byte[] arr = in.hasArray() ? in.array() : null;
        int off = arr != null ? in.arrayOffset() : 0;
        int i = from;
        while (i < to || (cut && terminated && i == to)) {
            if (!qp && i < to) {
                // (corpus16) a run of lines that need no change (no NUL, CR or line-start blank or ';', shorter than
                // a read, ended by LF; or an empty line ClamAV keeps) is the input's bytes as they stand: copied by
                // one put, not line by line (ByteSink.put keeps what fits, so the bytes are the same)
                int run = i;
                while (i < to) {
                    if (byteAt(arr, off, in, i) == '\n') {
                        // an empty line: '\n', unless dropped after another one or followed by the CR of LF CR
                        if ((collapseBlank && prevEmpty) || (crEndsLine && i + 1 < to && byteAt(arr, off, in, i + 1) == '\r')) break;
                        prevEmpty = true;
                        terminated = true;
                        i++;
                        continue;
                    }
                    int e = arr != null ? plainLineEnd(arr, off, i, to, crEndsLine) : plainLineEnd(in, i, to, crEndsLine);
                    if (e < 0) break;
                    prevEmpty = false;
                    lastOnlySemi = false;
                    terminated = true;
                    i = e + 1;
                    if (crEndsLine && i < to && byteAt(arr, off, in, i) == '\r') break; // LF CR is one line end: the CR is not copied
                }
                if (i > run) {
                    if (!out.put(in, run, i - run)) return;
                    if (crEndsLine && i < to && in.get(i) == '\r' && in.get(i - 1) == '\n') i++;
                    continue;
                }
            }
            if (i == to) cut = false; // the last, empty line
            int lim = Math.min(to, i + CLAMAV_LINE_READ), e = i, n = 0;
            if (arr != null) {
                // (corpus16) the same over the array, eight bytes at a time, the pieces between NULs copied whole
                // (gettext .mo catalogs are typed as mail: bodies of NUL-separated lines)
                long en = readLine(arr, off, i, lim, crEndsLine, line);
                e = (int) (en >>> 32);
                n = (int) en;
            } else {
                while (e < lim) {
                    byte c = in.get(e);
                    if (c == '\n' || (c == '\r' && crEndsLine)) break;
                    if (c != 0) line[n++] = c;
                    e++;
                }
            }
            int next = e;
            terminated = e < lim;
            if (e < lim) {
                byte c = byteAt(arr, off, in, e);
                next = e + 1;
                if (crEndsLine && next < to) {
                    byte d = byteAt(arr, off, in, next);
                    if ((c == '\n' && d == '\r') || (c == '\r' && d == '\n')) next++;
                }
            }
            i = next;
            while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n')) n--;
            if (n == 0) {
                if (!(collapseBlank && prevEmpty) && !out.put('\n')) return;
                prevEmpty = true;
                continue;
            }
            if (dropSemiRepeats) {
                boolean semi = true;
                for (int k = 0; k < n && semi; k++) semi = line[k] == ' ' || line[k] == '\t' || line[k] == ';';
                if (semi && lastOnlySemi) continue; // parseEmailFile's doContinueMultipleEmptyOptions
                lastOnlySemi = semi;
            }
            prevEmpty = false;
            boolean white = true;
            for (int k = 0; k < n && white; k++) {
                int c = line[k] & 0xff;
                white = c == ' ' || (c >= 9 && c <= 13);
            }
            if (white) {
                line[0] = ' ';
                n = 1;
            }
            if (!qp) {
                if (!out.put(line, 0, n) || !out.put('\n')) return;
                continue;
            }
            boolean soft = false;
            for (int k = 0; k < n; k++) {
                int c = line[k] & 0xff;
                if (c == '=') {
                    if (++k >= n) {
                        soft = true;
                        break;
                    }
                    int v = clamHex(line[k] & 0xff);
                    if (++k >= n) {
                        if (!out.put(v)) return;
                        break;
                    }
                    if (v != '=') v = (v << 4) | clamHex(line[k] & 0xff);
                    else k -= 2;
                    c = v;
                }
                if (!out.put(c)) return;
            }
            if (!soft && !out.put('\n')) return;
        }
    }

    private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L;
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL, CRS = 0x0D0D0D0D0D0D0D0DL;

    /**
     * The index of the LF ending the line at {@code i} when that line is kept as it stands by ClamAV's reader and
     * messageAddStr: it does not start with a blank, ';' or a control white-space byte, holds no NUL (and no CR when
     * a CR ends a line), does not end in CR, and is shorter than a read; else -1. Eight bytes at a time.
     */
    private static int plainLineEnd(ByteBuffer in, int i, int to, boolean crEndsLine) {
        int c0 = in.get(i) & 0xff;
        if (c0 == ' ' || c0 == ';' || (c0 >= 9 && c0 <= 13)) return -1;
        int lim = Math.min(to, i + CLAMAV_LINE_READ - 1);
        int k = i;
        while (k + 8 <= lim) {
            long w = in.getLong(k);
            long lf = w ^ LFS, cr = w ^ CRS;
            long any = ((lf - ONES) & ~lf) | ((w - ONES) & ~w) | ((cr - ONES) & ~cr);
            if ((any & HIGHS) != 0) break;
            k += 8;
        }
        for (; k < lim; k++) {
            byte c = in.get(k);
            if (c == '\n') return in.get(k - 1) == '\r' ? -1 : k;
            if (c == 0 || c == '\r' && crEndsLine) return -1;
        }
        return -1;
    }

    private static byte byteAt(byte[] arr, int off, ByteBuffer in, int i) {
        return arr != null ? arr[off + i] : in.get(i);
    }

    private static final VarHandle LE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOWS7 = 0x7F7F7F7F7F7F7F7FL;

    /**
     * (corpus16) The line at {@code i} as ClamAV's reader returns it: up to the first LF (or CR with
     * {@code crEndsLine}) before {@code lim}, its NUL bytes left out, copied into {@code line}. Returns the end's index
     * (the LF or CR, or {@code lim}) in the high 32 bits, the bytes copied in the low ones.
     */
    private static long readLine(byte[] a, int off, int i, int lim, boolean crEndsLine, byte[] line) {
        long crs = crEndsLine ? CRS : LFS; // without crEndsLine the CR test looks for LF again
        int e = i, n = 0, seg = i;
        while ((e = nextStop(a, off, e, lim, crs)) < lim) {
            byte c = a[off + e];
            if (c == '\n' || (c == '\r' && crEndsLine)) break;
            System.arraycopy(a, off + seg, line, n, e - seg); // a NUL: left out
            n += e - seg;
            seg = ++e;
        }
        System.arraycopy(a, off + seg, line, n, e - seg);
        n += e - seg;
        return (long) e << 32 | n;
    }

    /**
     * The first index in [k, lim) whose byte is LF, NUL or the byte {@code stops} repeats ({@link #CRS} or {@link #LFS}),
     * else {@code lim}: eight bytes at a time, the hit found exactly in its word.
     */
    private static int nextStop(byte[] a, int off, int k, int lim, long stops) {
        for (; k + 8 <= lim; k += 8) {
            long w = (long) LE_LONGS.get(a, off + k);
            long any = zeroBytes(w ^ LFS) | zeroBytes(w) | zeroBytes(w ^ stops);
            if (any != 0) return k + (Long.numberOfTrailingZeros(any) >>> 3);
        }
        for (byte s = (byte) stops; k < lim; k++) {
            byte c = a[off + k];
            if (c == '\n' || c == 0 || c == s) return k;
        }
        return lim;
    }

    /** High bit set in exactly the bytes of {@code x} that are zero. */
    private static long zeroBytes(long x) {
        return ~(((x & LOWS7) + LOWS7) | x | LOWS7);
    }

    /**
     * (corpus16) {@link #plainLineEnd(ByteBuffer, int, int, boolean)} over a heap buffer's array ({@code off} its
     * array offset; indices are the buffer's): the same answer, eight bytes at a time with the first LF, NUL or CR
     * found exactly in the word.
     */
    private static int plainLineEnd(byte[] a, int off, int i, int to, boolean crEndsLine) {
        int c0 = a[off + i] & 0xff;
        if (c0 == ' ' || c0 == ';' || (c0 >= 9 && c0 <= 13)) return -1;
        int lim = Math.min(to, i + CLAMAV_LINE_READ - 1);
        int k = i; // a NUL at i too
        while ((k = nextStop(a, off, k, lim, CRS)) < lim) {
            byte c = a[off + k];
            if (c == '\n') return a[off + k - 1] == '\r' ? -1 : k;
            if (c == 0 || c == '\r' && crEndsLine) return -1;
            k++;
        }
        return -1;
    }

    /** message.c hex(): a hex digit's value, '=' (0x3D) for anything else. */
    private static int clamHex(int c) {
        int v = Text.hexValue(c);
        return v < 0 ? '=' : v;
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
