package dev.bulwark.engine.normalize;

import java.nio.ByteBuffer;

/**
 * ClamAV's text normalisation for target-7 signatures: runs of whitespace become one space, letters
 * are lower-cased, other control bytes and bytes above 0x7F are dropped.
 */
public final class TextNormalizer {
    private TextNormalizer() {}

    /** Normalises at most {@code max} input bytes; the output is never longer than the input. */
    public static byte[] normalize(ByteBuffer in, long max) {
        int n = (int) Math.min(in.limit(), max);
        byte[] out = new byte[n];
        int o = 0;
        boolean space = false;
        for (int i = 0; i < n; i++) {
            int b = in.get(i) & 0xFF;
            if (b == ' ' || (b >= 0x09 && b <= 0x0D)) {
                if (!space) out[o++] = ' ';
                space = true;
                continue;
            }
            if (b < 0x20 || b > 0x7E) continue;
            space = false;
            out[o++] = (byte) (b >= 'A' && b <= 'Z' ? b | 0x20 : b);
        }
        return java.util.Arrays.copyOf(out, o);
    }
}
