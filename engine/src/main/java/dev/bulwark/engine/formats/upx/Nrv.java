package dev.bulwark.engine.formats.upx;

/**
 * Decoders for the three UCL/NRV bit streams UPX uses in Windows executables (NRV2B, NRV2D, NRV2E),
 * in their 32-bit little-endian bit-buffer form: bits are taken most significant first from
 * little-endian 32-bit words, literals and offset low bytes straight from the byte stream.
 *
 * <p>Each decoder runs until the stream's end marker and reports failure (-1) on anything else:
 * input exhausted, a back-reference before the start of the output, or output past {@code dst}.
 * Work is bounded by the input and output sizes (every step consumes input or produces output).
 */
final class Nrv {
    enum Variant { NRV2B, NRV2D, NRV2E }

    /**
     * Gamma-coded values at or beyond this cannot be valid offsets or lengths: the offset's high part
     * has 24 bits (the end marker is its largest value, 0xffffff + 3) and longer runs would overflow.
     */
    private static final long GAMMA_MAX = 1L << 25;
    /** Largest high part of an offset (the end marker). */
    private static final long OFFSET_HIGH_MAX = 0xffffff;

    private final byte[] src;
    private final int srcEnd;
    private int in;
    private int bitBuf, bitsLeft;
    private boolean failed;

    private Nrv(byte[] src, int from, int to) {
        this.src = src;
        this.in = from;
        this.srcEnd = to;
    }

    /**
     * Decodes {@code src[from, to)} into {@code dst}.
     *
     * @return bytes written when the end marker was reached, or -1 when the stream is broken
     */
    static int decode(Variant v, byte[] src, int from, int to, byte[] dst) {
        if (from < 0 || to > src.length || from > to) return -1;
        return new Nrv(src, from, to).run(v, dst);
    }

    private int run(Variant v, byte[] dst) {
        int out = 0;
        long lastOff = 1;
        while (true) {
            int bit;
            while ((bit = bit()) == 1) {
                if (in >= srcEnd || out >= dst.length) return -1;
                dst[out++] = src[in++];
            }
            if (failed) return -1;
            long off = 1;
            long len;
            if (v == Variant.NRV2B) {
                do {
                    off = off * 2 + bit();
                } while (bit() == 0 && !failed && off < GAMMA_MAX);
            } else {
                while (!failed && off < GAMMA_MAX) {
                    off = off * 2 + bit();
                    if (bit() == 1) break;
                    off = (off - 1) * 2 + bit();
                }
            }
            if (failed || off >= GAMMA_MAX) return -1;
            if (off == 2) {
                off = lastOff;
                len = v == Variant.NRV2B ? 0 : bit();
            } else {
                if (in >= srcEnd || off - 3 > OFFSET_HIGH_MAX) return -1;
                off = (off - 3) * 256 + (src[in++] & 0xff);
                if (off == 0xffffffffL) return out; // end marker
                if (v == Variant.NRV2B) {
                    len = 0;
                } else {
                    len = ~off & 1;
                    off >>>= 1;
                }
                lastOff = ++off;
            }
            len = v == Variant.NRV2E ? length2e(len) : length2bd(v == Variant.NRV2B ? bit() * 2L + bit() : len * 2 + bit());
            if (failed || len < 0) return -1;
            len += off > (v == Variant.NRV2B ? 0xd00 : 0x500) ? 1 : 0;
            long copy = len + 1;
            if (off > out || copy > dst.length - out) return -1;
            int from = (int) (out - off);
            for (int i = 0; i < copy; i++) dst[out + i] = dst[from + i];
            out += (int) copy;
        }
    }

    private long length2bd(long len) {
        if (len != 0) return len;
        len = 1;
        do {
            len = len * 2 + bit();
        } while (bit() == 0 && !failed && len < GAMMA_MAX);
        return failed || len >= GAMMA_MAX ? -1 : len + 2;
    }

    private long length2e(long flag) {
        if (flag != 0) return 1 + bit();
        if (bit() == 1) return 3 + bit();
        long len = 1;
        do {
            len = len * 2 + bit();
        } while (bit() == 0 && !failed && len < GAMMA_MAX);
        return failed || len >= GAMMA_MAX ? -1 : len + 3;
    }

    /** The next bit, or 0 with {@link #failed} set when the input ends. */
    private int bit() {
        if (bitsLeft == 0) {
            if (in > srcEnd - 4) {
                failed = true;
                return 0;
            }
            bitBuf = (src[in] & 0xff) | (src[in + 1] & 0xff) << 8 | (src[in + 2] & 0xff) << 16 | (src[in + 3] & 0xff) << 24;
            in += 4;
            bitsLeft = 32;
        }
        bitsLeft--;
        int b = bitBuf >>> 31;
        bitBuf <<= 1;
        return b;
    }
}
