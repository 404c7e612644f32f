package dev.bulwark.engine.normalize;

import java.nio.ByteBuffer;

/**
 * ClamAV's text normalisation for target-7 signatures: runs of whitespace become one space, letters
 * are lower-cased, other control bytes and bytes above 0x7F are dropped.
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
            } else if (b >= 0x20 && b <= 0x7E) {
                KIND[b] = 1;
                OUT[b] = (byte) (b >= 'A' && b <= 'Z' ? b | 0x20 : b);
            }
        }
    }

    private TextNormalizer() {}

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

    /** Branch-free: always writes the candidate byte, advances only when it is kept. */
    private static int run(byte[] a, int off, int n, byte[] out) {
        int o = 0, space = 0;
        for (int i = 0; i < n; i++) {
            int b = a[off + i] & 0xFF;
            int k = KIND[b], emit = k & 1, ws = k >>> 1;
            out[o] = OUT[b]; // o <= i < n
            o += emit | (ws & ~space);
            space = ws | (space & ~emit & 1);
        }
        return o;
    }

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
