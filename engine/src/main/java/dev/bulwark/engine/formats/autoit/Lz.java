package dev.bulwark.engine.formats.autoit;

/**
 * AutoIt's LZ77 compression: a 4-byte magic ("EA05"/"EA06"), the uncompressed size (big-endian),
 * then a bit stream read most significant bit first from big-endian 16-bit words. A flag bit selects
 * a literal (8 bits) or a match: a 15-bit distance and a length coded in growing fields of 2, 3, 5
 * and 8 bits (all ones in a field means "add and read the next"), plus 3. EA05 marks matches with 1,
 * EA06 with 0. A broken stream ends the output where it broke, as ClamAV keeps partial files.
 */
final class Lz {
    private static final int HEADER = 8;

    private final byte[] in;
    private int pos = HEADER, word, bits;
    private boolean failed;

    private Lz(byte[] in) {
        this.in = in;
    }

    /**
     * @return the decoded bytes (possibly fewer than declared), or null when the magic is wrong
     *         or the declared size exceeds {@code budget}
     */
    static byte[] decode(byte[] data, int magic, boolean matchBitSet, long budget) {
        if (data.length < HEADER) return null;
        int m = (data[0] & 0xff) | (data[1] & 0xff) << 8 | (data[2] & 0xff) << 16 | (data[3] & 0xff) << 24;
        if (m != magic) return null;
        long size = (data[4] & 0xffL) << 24 | (data[5] & 0xffL) << 16 | (data[6] & 0xffL) << 8 | (data[7] & 0xffL);
        if (size == 0) size = data.length; // as ClamAV: a zero size means "as large as the input"
        if (size > budget || size > Integer.MAX_VALUE - 16) return null;
        byte[] out = new byte[(int) size];
        int n = new Lz(data).run(out, matchBitSet ? 1 : 0);
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    private int run(byte[] out, int matchFlag) {
        int n = 0;
        while (n < out.length) {
            int flag = bits(1);
            if (failed) break;
            if (flag == matchFlag) {
                int dist = bits(15);
                int len = length();
                if (failed || dist == 0 || dist > n || len > out.length - n) break;
                for (int i = 0; i < len; i++, n++) out[n] = out[n - dist];
            } else {
                int lit = bits(8);
                if (failed) break;
                out[n++] = (byte) lit;
            }
        }
        return n;
    }

    private int length() {
        int v = bits(2);
        if (v < 3) return v + 3;
        v = bits(3);
        if (v < 7) return v + 6;
        v = bits(5);
        if (v < 31) return v + 13;
        v = bits(8);
        if (v < 255) return v + 44;
        int add = 299;
        while (!failed && (v = bits(8)) == 255) add += 255;
        return v + add;
    }

    private int bits(int count) {
        int v = 0;
        for (int i = 0; i < count; i++) {
            if (bits == 0) {
                if (pos + 2 > in.length) {
                    failed = true;
                    return 0;
                }
                word = (in[pos] & 0xff) << 8 | (in[pos + 1] & 0xff);
                pos += 2;
                bits = 16;
            }
            v = v << 1 | (word >>> 15 & 1);
            word <<= 1;
            bits--;
        }
        return v;
    }
}
