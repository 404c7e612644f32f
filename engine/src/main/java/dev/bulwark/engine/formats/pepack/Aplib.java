package dev.bulwark.engine.formats.pepack;

/**
 * The aPLib-style LZ decompressor that FSG (and PESpin and MEW, which borrow it) use: tag bits MSB first from
 * bytes interleaved with the data, Elias-gamma lengths, a one-byte short match form, a 4-bit near
 * match that can also emit a zero byte, and a "same distance again" form. The stream ends at a short
 * match with distance 0. Every read and write is bounds-checked; a damaged stream yields false.
 */
final class Aplib {
    private final byte[] src, dst;
    private final int srcEnd, dstStart, dstEnd;
    private int sp, dp, tag;

    private Aplib(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen) {
        this.src = src;
        this.dst = dst;
        this.sp = srcOff;
        this.srcEnd = srcOff + srcLen;
        this.dp = dstOff;
        this.dstStart = dstOff;
        this.dstEnd = dstOff + dstLen;
    }

    /**
     * Decompresses {@code src[srcOff, srcOff + srcLen)} into {@code dst[dstOff, dstOff + dstLen)}; false
     * when the stream runs past either range or has no end marker.
     */
    static boolean unpack(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen) {
        if (srcLen <= 0 || dstLen <= 0) return false;
        return new Aplib(src, srcOff, srcLen, dst, dstOff, dstLen).run();
    }

    /**
     * Like {@link #unpack}, for callers that chain streams (MEW): the positions just past the stream's end
     * in {@code src} and past the last byte written in {@code dst}, or null when the stream is damaged.
     */
    static int[] unpackEnds(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen) {
        if (srcLen <= 0 || dstLen <= 0) return null;
        Aplib a = new Aplib(src, srcOff, srcLen, dst, dstOff, dstLen);
        return a.run() ? new int[] {a.sp, a.dp} : null;
    }

    private boolean run() {
        tag = 0x80;
        long lastDist = 0;
        int lostBit = 1;
        dst[dp++] = src[sp++];
        while (true) {
            int b = bit();
            if (b < 0) return false;
            if (b == 0) { // literal
                if (dp >= dstEnd || sp >= srcEnd) return false;
                dst[dp++] = src[sp++];
                lostBit = 1;
                continue;
            }
            long len, dist;
            if ((b = bit()) < 0) return false;
            if (b == 1) {
                if ((b = bit()) < 0) return false;
                if (b == 1) { // near match of one byte, distance in 4 bits; distance 0 writes a zero
                    lostBit = 1;
                    len = 1;
                    int d = 0x10;
                    while (d < 0x100) {
                        if ((b = bit()) < 0) return false;
                        d = d * 2 + b;
                    }
                    dist = d & 0xff;
                    if (dist == 0) {
                        if (dp >= dstEnd) return false;
                        dst[dp++] = 0;
                        continue;
                    }
                } else { // short match: 7-bit distance and 1-bit length in one byte; distance 0 ends the stream
                    if (sp >= srcEnd) return false;
                    int v = src[sp++] & 0xff;
                    len = (v & 1) + 2;
                    dist = v >>> 1;
                    if (dist == 0) return true;
                    lastDist = dist;
                    lostBit = 0;
                }
            } else {
                long g = gamma();
                if (g < 0) return false;
                g = (g - 1 - lostBit) & 0xffffffffL;
                if (g == 0) { // same distance as the last match
                    if ((len = gamma()) < 0) return false;
                    dist = lastDist;
                } else {
                    if (sp >= srcEnd) return false;
                    dist = ((src[sp++] & 0xff) + ((g - 1) << 8)) & 0xffffffffL;
                    if ((len = gamma()) < 0) return false;
                    if (dist >= 0x7d00) len++;
                    if (dist >= 0x500) len++;
                    if (dist <= 0x7f) len += 2;
                    len &= 0xffffffffL;
                    lastDist = dist;
                }
                lostBit = 0;
            }
            if (len == 0 || len > dstEnd - dp || dist > dp - dstStart || dp - dist + len > dstEnd) return false;
            for (int i = 0; i < len; i++, dp++) dst[dp] = dst[(int) (dp - dist)];
        }
    }

    /** An Elias-gamma number (at least 2), or -1; wraps at 32 bits as the original does. */
    private long gamma() {
        long v = 1;
        int b;
        do {
            if ((b = bit()) < 0) return -1;
            v = (v * 2 + b) & 0xffffffffL;
            if ((b = bit()) < 0) return -1;
        } while (b == 1);
        return v;
    }

    /** The next tag bit, or -1 when a new tag byte is needed and none is left (the last source byte never is one). */
    private int bit() {
        int old = tag;
        tag = (tag << 1) & 0xff;
        if ((old & 0x7f) == 0) {
            if (sp >= srcEnd - 1) return -1;
            old = src[sp++] & 0xff;
            tag = (old * 2 + 1) & 0xff;
        }
        return old >>> 7 & 1;
    }
}
