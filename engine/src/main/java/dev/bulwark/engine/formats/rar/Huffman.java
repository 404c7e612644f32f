package dev.bulwark.engine.formats.rar;

/**
 * A canonical Huffman decoder as RAR builds it: code lengths 0..15, codes assigned by length and then
 * by symbol order. A table of {@value #QUICK}-bit prefixes resolves most codes in one lookup; longer
 * codes go through the per-length limits. Broken length sets (over- or under-subscribed) decode to
 * some symbol deterministically, never out of bounds.
 */
final class Huffman {
    private static final int QUICK = 10;
    private static final int MAX_LEN = 15;

    private final int[] decodeLen = new int[MAX_LEN + 1];
    private final int[] decodePos = new int[MAX_LEN + 1];
    private final int[] count = new int[MAX_LEN + 1];
    private final int[] fill = new int[MAX_LEN + 1];
    private final int[] symbols;
    /** symbol | length << 16 for each QUICK-bit prefix shorter than the first long code. */
    private final int[] quick = new int[1 << QUICK];
    private int size;

    Huffman(int maxSymbols) { symbols = new int[maxSymbols]; }

    void build(byte[] lengths, int off, int n) {
        size = n;
        java.util.Arrays.fill(count, 0);
        for (int i = 0; i < n; i++) count[lengths[off + i] & 0xf]++;
        count[0] = 0;
        int upper = 0;
        decodeLen[0] = 0;
        decodePos[0] = 0;
        for (int i = 1; i <= MAX_LEN; i++) {
            upper += count[i];
            decodeLen[i] = upper << (16 - i);
            upper *= 2;
            decodePos[i] = decodePos[i - 1] + count[i - 1];
            fill[i] = decodePos[i];
        }
        java.util.Arrays.fill(symbols, 0);
        for (int i = 0; i < n; i++) {
            int l = lengths[off + i] & 0xf;
            if (l != 0) symbols[fill[l]++] = i;
        }
        int bits = 1;
        for (int c = 0; c < quick.length; c++) {
            int bf = c << (16 - QUICK);
            while (bits < QUICK && bf >= decodeLen[bits]) bits++;
            if (bf >= decodeLen[QUICK]) break;
            quick[c] = symbolAt(bf, bits) | bits << 16;
        }
    }

    private int symbolAt(int bf, int bits) {
        int pos = decodePos[bits] + ((bf - decodeLen[bits - 1]) >>> (16 - bits));
        return pos >= 0 && pos < size ? symbols[pos] : symbols[0];
    }

    int decode(BitInput in) {
        int bf = in.peek(16);
        if (bf < decodeLen[QUICK]) {
            int e = quick[bf >>> (16 - QUICK)];
            in.skip(e >>> 16);
            return e & 0xffff;
        }
        int bits = MAX_LEN;
        for (int i = QUICK + 1; i < MAX_LEN; i++) {
            if (bf < decodeLen[i]) {
                bits = i;
                break;
            }
        }
        in.skip(bits);
        return symbolAt(bf, bits);
    }

    /**
     * The lengths of the bit-length code, as RAR 3 and RAR 5 both store them: 4 bits each, where 15
     * followed by a 4-bit count {@code z > 0} means {@code z + 2} zero lengths (and 15, 0 a real 15).
     */
    static void readBitLengths(BitInput in, byte[] lens, int n) {
        for (int i = 0; i < n; ) {
            int l = in.bits(4);
            if (l == 15) {
                int zeros = in.bits(4);
                if (zeros == 0) lens[i++] = 15;
                else for (int k = 0; k < zeros + 2 && i < n; k++) lens[i++] = 0;
            } else {
                lens[i++] = (byte) l;
            }
        }
    }
}
