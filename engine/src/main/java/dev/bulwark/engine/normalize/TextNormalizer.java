package dev.bulwark.engine.normalize;

import dev.bulwark.engine.filetype.ByteScan;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ClamAV's text normalisation for target-7 signatures: runs of whitespace become one space, letters
 * are lower-cased, other control bytes and bytes above 0x7F are dropped (DEL, 0x7F, is kept, as libclamav's
 * textnorm.c keeps it).
 */
public final class TextNormalizer {
    /** Per input byte: bit 0 = printable (emitted as {@link #OUT}), bit 1 = whitespace; 0 = dropped. */
    private static final byte[] KIND = new byte[256];
    /** Per input byte: the byte written for it (a space for whitespace, lower case for letters). */
    private static final byte[] OUT = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            if (b == ' ' || (b >= 0x09 && b <= 0x0D)) {
                KIND[b] = 2;
                OUT[b] = ' ';
            } else if (b >= 0x20 && b <= 0x7F) { // (cli15) DEL too: libclamav's char_action copies 0x7F
                KIND[b] = 1;
                OUT[b] = (byte) (b >= 'A' && b <= 'Z' ? b | 0x20 : b);
            }
        }
    }

    /** (startup13) In a holder, created on first use: a tiny scan that takes the scalar paths creates no VarHandle (~0.5 ms of class initialisation and access-mode linking in the interpreter). */
    private static final class LE {
        static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    }
    private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L;

    private TextNormalizer() {}

    /** (steady14) Whether byte {@code b} can occur in a normalised text: printable ASCII other than upper case. */
    public static boolean emits(int b) {
        return KIND[b & 0xFF] != 0 && OUT[b & 0xFF] == b;
    }

    /** Normalises at most {@code max} input bytes; the output is never longer than the input. */
    public static byte[] normalize(ByteBuffer in, long max) {
        int n = (int) Math.min(in.limit(), max);
        byte[] out = new byte[n];
        int o = in.hasArray() ? run(in.array(), in.arrayOffset(), n, out) : runBuffer(in, n, out);
        return o == n ? out : java.util.Arrays.copyOf(out, o);
    }

    /**
     * Normalises at most {@code max} input bytes into {@code out}, which must hold {@code min(in.limit(), max)}
     * bytes; returns the output length.
     */
    public static int normalize(ByteBuffer in, long max, byte[] out) {
        int n = (int) Math.min(in.limit(), max);
        return in.hasArray() ? run(in.array(), in.arrayOffset(), n, out) : runBuffer(in, n, out);
    }

    /**
     * Eight bytes at a time where they are printable ASCII and whitespace with at most one run of whitespace
     * to shorten (SWAR: the word lower-cased, its whitespace made spaces, the bytes of the run after its first
     * cut out by shifts), the others one at a time; both as {@link #runBuffer} writes them.
     */
    private static int run(byte[] a, int off, int n, byte[] out) {
        int o = 0, space = 0, i = 0;
        if (n >= ByteScan.SWAR_MIN) for (; i + 8 <= n; i += 8) { // short input: the byte loop alone
            long x = (long) LE.LONG.get(a, off + i);
            if (ByteScan.textWord(x)) { // printable or whitespace
                long ge20 = x + 0x60 * ONES; // seven-bit bytes: the high bit is set exactly for those >= 0x20
                long ws = (~ge20 | ~((x ^ 0x2020202020202020L) + 0x7F * ONES)) & HIGHS; // a high bit per blank
                long cut = ws & (ws << 8 | (long) space << 7); // blanks after a blank
                long upper = (x + 0x3F * ONES) & ~(x + 0x25 * ONES) & HIGHS; // 'A'..'Z'
                long blankBytes = (ws >>> 7) * 0xFF;
                long w = (x & ~blankBytes | blankBytes & 0x2020202020202020L) | upper >>> 2;
                int first = Long.numberOfTrailingZeros(cut) & ~7, count = Long.bitCount(cut);
                if (cut == 0) {
                    LE.LONG.set(out, o, w); // o <= i, so the eight bytes fit
                    o += 8;
                    space = (int) (ws >>> 63);
                    continue;
                }
                if (count == 8) { // blanks only, after a blank
                    continue;
                }
                if (cut >>> first == HIGHS >>> (64 - 8 * count)) { // one run of bytes to cut
                    int rest = first + 8 * count; // where the bytes after the run start
                    long low = first == 0 ? 0 : w & (-1L >>> (64 - first)), high = rest == 64 ? 0 : w >>> rest << first;
                    LE.LONG.set(out, o, low | high); // bytes past the 8 - count written are overwritten or past the end
                    o += 8 - count;
                    space = (int) (ws >>> 63);
                    continue;
                }
            }
            for (int k = i; k < i + 8; k++) {
                int b = a[off + k] & 0xFF;
                int kind = KIND[b], emit = kind & 1, blank = kind >>> 1;
                out[o] = OUT[b];
                o += emit | (blank & ~space);
                space = blank | (space & ~emit & 1);
            }
        }
        for (; i < n; i++) {
            int b = a[off + i] & 0xFF;
            int kind = KIND[b], emit = kind & 1, blank = kind >>> 1;
            out[o] = OUT[b];
            o += emit | (blank & ~space);
            space = blank | (space & ~emit & 1);
        }
        return o;
    }

    /**
     * libclamav's SCANBUFF: the normalised text's buffer (less the carried pattern length), and cli_scan_fmap's window
     * (ScanJob's "Data scanned" count).
     */
    public static final int SCANBUFF = 0x20000;
    private static final int PAGE = 4096;

    /**
     * (cli15) What libclamav's cli_scanscript adds to the scanned-bytes counter (clamscan's "Data scanned", in 4 KiB
     * blocks) for this text: it normalises the layer a 4 KiB page at a time into a buffer of SCANBUFF + maxpatlen
     * bytes and, whenever the next page might not fit (and at the end), scans the buffer and counts its length / 4096
     * rounded down, keeps the last maxpatlen bytes and starts over with the whitespace state reset. A text of at
     * most SCANBUFF + maxpatlen bytes is one flush: its normalised length / 4096 ({@code normalized}, or -1 when not
     * known; then counted here).
     */
    public static long scriptBlocks(ByteBuffer in, int maxpatlen, int normalized) {
        int n = in.limit(), outLen = SCANBUFF + maxpatlen;
        if (n <= outLen && normalized >= 0) return normalized / PAGE;
        long blocks = 0;
        int outPos = 0, space = 0, at = 0;
        byte[] page = new byte[PAGE];
        while (true) {
            int len = Math.min(PAGE, n - at);
            if (len == 0 || outPos + len > outLen) {
                blocks += outPos / PAGE;
                outPos = maxpatlen;
                space = 0;
            }
            if (len == 0) return blocks;
            in.get(at, page, 0, len);
            for (int i = 0; i < len; i++) {
                int k = KIND[page[i] & 0xFF], emit = k & 1, ws = k >>> 1;
                outPos += emit | (ws & ~space);
                space = ws | (space & ~emit & 1);
            }
            at += len;
        }
    }

    /** Branch-free, one byte at a time: always writes the candidate byte, advances only when it is kept. */
    private static int runBuffer(ByteBuffer in, int n, byte[] out) {
        int o = 0, space = 0;
        for (int i = 0; i < n; i++) {
            int b = in.get(i) & 0xFF;
            int k = KIND[b], emit = k & 1, ws = k >>> 1;
            out[o] = OUT[b];
            o += emit | (ws & ~space);
            space = ws | (space & ~emit & 1);
        }
        return o;
    }
}
