package dev.bulwark.engine.formats.rar;

/**
 * The standard RAR filters that undo the compressor's preprocessing: x86 CALL/JMP address
 * conversion (E8, E8E9), ARM BL conversion, byte-interleaved DELTA, and RAR 3's ITANIUM, RGB and
 * AUDIO predictors. Each works on a flat buffer; {@code fileOffset} is the block's offset in the member.
 */
final class Filters {
    /** The address range the x86 filter converts, as RAR defines it. */
    private static final int X86_FILE_SIZE = 0x1000000;

    private Filters() {}

    /** x86 relative-to-absolute inversion; {@code modulo} is RAR 5's wrapping of the offset. */
    static void e8(byte[] d, int len, long fileOffset, boolean e9, boolean modulo) {
        for (int i = 0; i + 4 < len; ) {
            int b = d[i++] & 0xff;
            if (b == 0xe8 || (e9 && b == 0xe9)) {
                long o = i + fileOffset;
                int offset = (int) (modulo ? o % X86_FILE_SIZE : o);
                int addr = le32(d, i);
                if (addr < 0) {
                    if (addr + offset >= 0) put32(d, i, addr + X86_FILE_SIZE);
                } else if (addr - X86_FILE_SIZE < 0) {
                    put32(d, i, addr - offset);
                }
                i += 4;
            }
        }
    }

    static void arm(byte[] d, int len, long fileOffset) {
        for (int i = 0; i + 3 < len; i += 4) {
            if ((d[i + 3] & 0xff) == 0xeb) {
                int off = (d[i] & 0xff) | (d[i + 1] & 0xff) << 8 | (d[i + 2] & 0xff) << 16;
                off -= (int) ((i + fileOffset) / 4);
                d[i] = (byte) off;
                d[i + 1] = (byte) (off >> 8);
                d[i + 2] = (byte) (off >> 16);
            }
        }
    }

    /** Bytes stored channel by channel as differences; writes the interleaved result to {@code dst}. */
    static void delta(byte[] src, byte[] dst, int len, int channels) {
        int s = 0;
        for (int c = 0; c < channels; c++) {
            byte prev = 0;
            for (int d = c; d < len; d += channels) {
                prev -= src[s++];
                dst[d] = prev;
            }
        }
    }

    static int le32(byte[] d, int i) {
        return (d[i] & 0xff) | (d[i + 1] & 0xff) << 8 | (d[i + 2] & 0xff) << 16 | (d[i + 3] & 0xff) << 24;
    }

    static void put32(byte[] d, int i, int v) {
        d[i] = (byte) v;
        d[i + 1] = (byte) (v >> 8);
        d[i + 2] = (byte) (v >> 16);
        d[i + 3] = (byte) (v >> 24);
    }

    /** Which 41-bit slots of a 128-bit IA-64 bundle hold branch instructions, by template. */
    private static final byte[] ITANIUM_MASKS = {4, 4, 6, 6, 0, 0, 7, 7, 4, 4, 0, 0, 4, 4, 0, 0};

    /** IA-64 branch targets: the 20-bit immediate of each branch slot, relative to the bundle. */
    static void itanium(byte[] d, int len, long fileOffset) {
        long bundle = fileOffset >>> 4;
        for (int p = 0; p + 21 < len; p += 16, bundle++) {
            int template = (d[p] & 0x1f) - 0x10;
            if (template < 0) continue;
            int mask = ITANIUM_MASKS[template];
            for (int slot = 0; slot < 3; slot++) {
                if ((mask & (1 << slot)) == 0) continue;
                int bit = slot * 41 + 5;
                if (bitsAt(d, p, bit + 37, 4) == 5) {
                    int target = bitsAt(d, p, bit + 13, 20);
                    setBitsAt(d, p, (int) (target - bundle) & 0xfffff, bit + 13, 20);
                }
            }
        }
    }

    private static int bitsAt(byte[] d, int p, int bit, int count) {
        int v = le32(d, p + bit / 8) >>> (bit & 7);
        return v & (-1 >>> (32 - count));
    }

    private static void setBitsAt(byte[] d, int p, int value, int bit, int count) {
        int at = p + bit / 8;
        int shift = bit & 7;
        int and = ~((-1 >>> (32 - count)) << shift);
        value <<= shift;
        for (int i = 0; i < 4; i++) {
            d[at + i] = (byte) ((d[at + i] & and) | value);
            and = (and >>> 8) | 0xff000000;
            value >>>= 8;
        }
    }

    /** 24-bit image rows: per-channel differences against a Paeth-like predictor, then green added back. */
    static void rgb(byte[] src, byte[] dst, int len, int stride, int posR) {
        int s = 0;
        for (int c = 0; c < 3; c++) {
            int prev = 0;
            for (int i = c; i < len; i += 3) {
                int predicted = prev;
                if (i >= stride) {
                    int upper = dst[i - stride + 3] & 0xff;
                    int upperLeft = dst[i - stride] & 0xff;
                    int pa = Math.abs(upper - upperLeft);
                    int pb = Math.abs(prev - upperLeft);
                    int pc = Math.abs(prev + upper - 2 * upperLeft);
                    predicted = pa <= pb && pa <= pc ? prev : pb <= pc ? upper : upperLeft;
                }
                prev = (predicted - src[s++]) & 0xff;
                dst[i] = (byte) prev;
            }
        }
        for (int i = posR; i < len - 2; i += 3) {
            byte g = dst[i + 1];
            dst[i] += g;
            dst[i + 2] += g;
        }
    }

    /** Audio samples: an adaptive linear predictor per channel whose three weights follow the smallest error. */
    static void audio(byte[] src, byte[] dst, int len, int channels) {
        int s = 0;
        int[] err = new int[7];
        for (int c = 0; c < channels; c++) {
            int prevByte = 0, prevDelta = 0, d1 = 0, d2 = 0, d3, k1 = 0, k2 = 0, k3 = 0;
            java.util.Arrays.fill(err, 0);
            for (int i = c, count = 0; i < len; i += channels, count++) {
                d3 = d2;
                d2 = prevDelta - d1;
                d1 = prevDelta;
                int predicted = ((8 * prevByte + k1 * d1 + k2 * d2 + k3 * d3) >> 3) & 0xff;
                int cur = src[s++] & 0xff;
                int b = (predicted - cur) & 0xff;
                dst[i] = (byte) b;
                prevDelta = (byte) (b - prevByte);
                prevByte = b;
                int e = ((byte) cur) * 8;
                err[0] += Math.abs(e);
                err[1] += Math.abs(e - d1);
                err[2] += Math.abs(e + d1);
                err[3] += Math.abs(e - d2);
                err[4] += Math.abs(e + d2);
                err[5] += Math.abs(e - d3);
                err[6] += Math.abs(e + d3);
                if ((count & 0x1f) == 0) {
                    int min = 0;
                    for (int j = 1; j < 7; j++) if (err[j] < err[min]) min = j;
                    java.util.Arrays.fill(err, 0);
                    switch (min) {
                        case 1 -> { if (k1 >= -16) k1--; }
                        case 2 -> { if (k1 < 16) k1++; }
                        case 3 -> { if (k2 >= -16) k2--; }
                        case 4 -> { if (k2 < 16) k2++; }
                        case 5 -> { if (k3 >= -16) k3--; }
                        case 6 -> { if (k3 < 16) k3++; }
                        default -> { }
                    }
                }
            }
        }
    }
}
