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
}
