package dev.bulwark.engine.formats.pepack;

/**
 * The LZMA range decoder that MEW and Upack both carry (each with its own probability layout), and
 * MEW's LZMA stream decoder built on it. Everything lives in one working buffer, as in the packers'
 * own stubs: the compressed input, the adaptive probabilities (16-bit words for MEW, 32-bit for Upack)
 * and the output, all addressed by offset, all bounds-checked against the buffer. Probability tables
 * are therefore part of the unpacked image where the packer put them there, as ClamAV's are.
 *
 * <p>The two packers read their input differently: MEW's decoder shifts in one byte when the range
 * gets small and needs one byte ahead before each bit; Upack's recomputes the code from a 4-byte
 * big-endian window at each bit. Both are the same arithmetic; {@link #upack} only changes which
 * reads count as running off the buffer.
 */
final class Lzma {
    private static final int TOP = 1 << 24;
    /** Probability size: 11 bits, start at one half. */
    private static final int ONE = 0x800, HALF = 0x400;
    /** MEW's probability block: 0x1b9b dwords of two 0x400 words each (lc = 4, lp = 0, pb = 2). */
    static final int MEW_PROBS_BYTES = 0x1b9b * 4;
    /** MEW's offsets (bytes) inside its probability block. */
    private static final int IS_REP = 0x180, IS_REP_G0 = 0x198, IS_REP_G1 = 0x1b0, IS_REP_G2 = 0x1c8, POS_SLOT = 0x360,
            SPEC_POS = 0x55e, ALIGN = 0x644, LEN = 0x664, REP_LEN = 0xa68, LITERAL = 0xe6c;
    /** MEW call-filter length below which no call is fixed. */
    private static final int MIN_FILTER = 5;
    /** Empty or damaged block headers read per stream: a real MEW stream has a handful of blocks. */
    private static final int MAX_BLOCKS = 4096;
    /**
     * Bytes all blocks of a stream may write, as a multiple of the buffer: MEW writes each byte of the
     * image once; hostile blocks could each rewrite the whole buffer from a few input bytes.
     */
    private static final int MAX_REWRITES = 4;

    final byte[] buf;
    private final boolean upack;
    private int pos, range, code;
    boolean failed;

    private Lzma(byte[] buf, boolean upack) {
        this.buf = buf;
        this.upack = upack;
    }

    /** MEW: 5 bytes at {@code at}, the first ignored, then the code big-endian; range all ones. */
    static Lzma mew(byte[] buf, long at) {
        Lzma d = new Lzma(buf, false);
        if (at < 0 || at + 5 > buf.length) d.failed = true;
        else {
            d.code = be32(buf, (int) at + 1);
            d.pos = (int) at + 5;
            d.range = -1;
        }
        return d;
    }

    /** Upack: the input at {@code at}, with the range and the "low" value its stub keeps beside it. */
    static Lzma upack(byte[] buf, long at, int range, int low) {
        Lzma d = new Lzma(buf, true);
        if (at < 0 || at + 4 > buf.length) d.failed = true;
        else {
            d.code = be32(buf, (int) at) - low;
            d.pos = (int) at + 4;
            d.range = range;
        }
        return d;
    }

    /** One bit with the adaptive probability at byte offset {@code at} (16-bit for MEW, 32-bit for Upack). */
    int bit(long at) {
        if (failed || at < 0 || at + 4 > buf.length || (upack ? pos > buf.length : pos >= buf.length)) {
            failed = true;
            return 0;
        }
        int p = (int) at;
        int prob = upack ? le32(buf, p) : (buf[p] & 0xff) | (buf[p + 1] & 0xff) << 8;
        int bound = (range >>> 11) * prob;
        int bit;
        if (Integer.compareUnsigned(code, bound) < 0) {
            range = bound;
            prob = upack ? prob + ((ONE - prob) >>> 5) : prob + ((ONE - prob) >> 5);
            bit = 0;
        } else {
            range -= bound;
            code -= bound;
            prob -= prob >>> 5;
            bit = 1;
        }
        buf[p] = (byte) prob;
        buf[p + 1] = (byte) (prob >>> 8);
        if (upack) {
            buf[p + 2] = (byte) (prob >>> 16);
            buf[p + 3] = (byte) (prob >>> 24);
        }
        normalize();
        return bit;
    }

    private void normalize() {
        if (Integer.compareUnsigned(range, TOP) < 0) {
            // MEW checked this byte before the bit; Upack reads it lazily and fails at its next bit if it is missing
            code = code << 8 | (pos < buf.length ? buf[pos] & 0xff : 0);
            pos++;
            range <<= 8;
        }
    }

    /** {@code n} bits at probability one half, most significant first. */
    int direct(int n) {
        int v = 0;
        for (int i = 0; i < n && !failed; i++) {
            if (upack && pos > buf.length) failed = true;
            range >>>= 1;
            v <<= 1;
            if (Integer.compareUnsigned(code, range) >= 0) {
                code -= range;
                v |= 1;
            }
            if (!upack && Integer.compareUnsigned(range, TOP) < 0 && pos >= buf.length) failed = true;
            else normalize();
        }
        return v;
    }

    /**
     * A bit tree: starting from node {@code start}, bits are appended until the node reaches
     * {@code limit}; returns node - limit. Probabilities are {@code width} bytes apart from {@code base}.
     */
    int tree(long base, int start, int limit, int width) {
        int m = start;
        while (!failed && Integer.compareUnsigned(m, limit) < 0) m = m << 1 | bit(base + (long) m * width);
        return m - limit;
    }

    /** A reversed bit tree of {@code n} bits (least significant first), MEW layout. */
    int reverse(long base, int n) {
        int m = 1, v = 0;
        for (int i = 0; i < n && !failed; i++) {
            int b = bit(base + 2L * m);
            m = m << 1 | b;
            v |= b << i;
        }
        return v;
    }

    /**
     * MEW's LZMA streams, decoded in place in {@code buf} (the packer's memory image from its first
     * section on, {@code vma} being that section's address). {@code at} holds, for the "special"
     * variant, the length of the call filter; then the address of the probabilities; then blocks
     * (output length, output address, input length, one unused byte, the range coder's 5 bytes),
     * ended by a zero length. The special variant has one block and un-filters E8/E9 calls in it.
     */
    static boolean mewStreams(byte[] buf, long at, long vma, boolean special) {
        long s = at;
        long filter = 0;
        if (special) {
            if (!in(buf, s, 4)) return false;
            filter = le32u(buf, (int) s);
            s += 4;
        }
        if (!in(buf, s, 4)) return false;
        long probs = (le32u(buf, (int) s) - vma) & 0xffffffffL;
        s += 4;
        boolean fresh = false;
        long work = (long) MAX_REWRITES * buf.length;
        for (int block = 0; block < MAX_BLOCKS; block++) {
            if (!in(buf, s, special ? 12 : 16)) return false;
            long outLen = le32u(buf, (int) s);
            if (!special && outLen == 0) return true;
            long dst = (le32u(buf, (int) s + 4) - vma) & 0xffffffffL;
            long inLen = le32u(buf, (int) s + 8);
            long rc = s + 13;
            s = rc + inLen;
            if (!in(buf, probs, MEW_PROBS_BYTES)) return false;
            if (!fresh) { // repeated empty blocks would write the same values again
                for (int i = 0; i < MEW_PROBS_BYTES; i += 2) {
                    buf[(int) probs + i] = (byte) HALF;
                    buf[(int) probs + i + 1] = (byte) (HALF >>> 8);
                }
                fresh = true;
            }
            if (!in(buf, rc, 5)) return false;
            if (outLen == 0) continue;
            fresh = false;
            Lzma d = mew(buf, rc);
            long written = d.mewBlock(probs, dst, outLen, work);
            if (written < 0) return false;
            work -= written;
            if (special) {
                if (filter >= MIN_FILTER && in(buf, dst, filter)) unfilter(buf, (int) dst, (int) filter);
                return true;
            }
        }
        return false;
    }

    /**
     * One block: LZMA with lc = 4, lp = 0, pb = 2, no end marker needed (a distance of all ones ends it).
     * Returns the bytes written, or -1 when the data is damaged or would write more than {@code work}.
     */
    private long mewBlock(long probs, long dst, long outLen, long work) {
        int state = 0, rep0 = 1, rep1 = 1, rep2 = 1, rep3 = 1, prev = 0;
        boolean afterMatch = false;
        long pos = 0;
        while (pos < outLen) {
            if (pos > work) return -1;
            int posState = (int) (pos & 3);
            if (bit(probs + ((state << 4) + posState) * 2L) == 0) {
                long lit = probs + LITERAL + (long) ((prev & 0xff) >> 4) * 0x600;
                state = state < 4 ? 0 : state - (state >= 10 ? 6 : 3);
                int sym;
                if (!afterMatch) sym = tree(lit, 1, 0x100, 2);
                else {
                    long from = dst + ((pos - rep0) & 0xffffffffL);
                    if (!in(buf, from, 1)) return -1;
                    sym = matched(lit, buf[(int) from] & 0xff);
                    afterMatch = false;
                }
                if (failed || !in(buf, dst + pos, 1)) return -1;
                prev = sym & 0xff;
                buf[(int) (dst + pos++)] = (byte) prev;
                continue;
            }
            afterMatch = true;
            int len;
            if (bit(probs + IS_REP + state * 2L) == 0) {
                rep3 = rep2;
                rep2 = rep1;
                rep1 = rep0;
                state = state >= 7 ? 10 : 7;
                len = length(probs + LEN, posState);
                int slot = tree(probs + POS_SLOT + (Math.min(len, 3) << 7), 1, 64, 2);
                int dist = slot;
                if (slot >= 4) {
                    int n = (slot >> 1) - 1;
                    dist = (2 | (slot & 1)) << n;
                    if (slot >= 14) {
                        dist += direct(n - 4) << 4;
                        dist += reverse(probs + ALIGN, 4);
                    } else dist += reverse(probs + SPEC_POS + (dist - slot) * 2L, n);
                }
                rep0 = dist + 1;
            } else {
                if (bit(probs + IS_REP_G0 + state * 2L) == 0) {
                    if (bit(probs + (((state + 0xf) << 4) + posState) * 2L) == 0) { // one byte at rep0
                        state = state >= 7 ? 11 : 9;
                        long from = dst + ((pos - rep0) & 0xffffffffL);
                        if (failed || !in(buf, from, 1) || !in(buf, dst + pos, 1)) return -1;
                        prev = buf[(int) from] & 0xff;
                        buf[(int) (dst + pos++)] = (byte) prev;
                        continue;
                    }
                } else {
                    int d;
                    if (bit(probs + IS_REP_G1 + state * 2L) == 0) d = rep1;
                    else {
                        if (bit(probs + IS_REP_G2 + state * 2L) == 0) d = rep2;
                        else {
                            d = rep3;
                            rep3 = rep2;
                        }
                        rep2 = rep1;
                    }
                    rep1 = rep0;
                    rep0 = d;
                }
                len = length(probs + REP_LEN, posState);
                state = state >= 7 ? 11 : 8;
            }
            if (failed) return -1;
            if (rep0 == 0) break; // end marker
            long n = (len + 2) & 0xffffffffL, left = outLen - pos;
            long from = dst + ((pos - rep0) & 0xffffffffL), to = dst + pos;
            // ClamAV checks the rest of the block, whatever the length: kept so that both reject the same streams
            if (n < left && (!in(buf, from, n) || !in(buf, to, n))) return -1;
            if (!in(buf, from, left) || !in(buf, to, left)) return -1;
            long k = Math.min(n, left);
            for (long i = 0; i < k; i++) buf[(int) (to + i)] = buf[(int) (from + i)];
            prev = buf[(int) (from + k - 1)] & 0xff;
            pos += k;
        }
        if (failed || pos > work) return -1;
        return pos;
    }

    /** A literal coded against the byte at the last distance, until the first bit that differs. */
    private int matched(long lit, int matchByte) {
        int sym = 1;
        while (sym < 0x100 && !failed) {
            int mb = matchByte >> 7 & 1;
            matchByte <<= 1;
            int b = bit(lit + (0x100 + (mb << 8) + sym) * 2L);
            sym = sym << 1 | b;
            if (mb != b) break;
        }
        return sym < 0x100 ? tree(lit, sym, 0x100, 2) + 0x100 : sym;
    }

    /** Match length - 2: 3 bits per position state below 8, 3 more below 16, else 8 bits. */
    private int length(long base, int posState) {
        if (bit(base) == 0) return tree(base + 4 + posState * 16L, 1, 8, 2);
        if (bit(base + 2) == 0) return tree(base + 0x104 + posState * 16L, 1, 8, 2) + 8;
        return tree(base + 0x204, 1, 0x100, 2) + 16;
    }

    /** MEW's call filter: each E8/E9 is followed by a big-endian absolute target, made relative again. */
    private static void unfilter(byte[] b, int at, int len) {
        for (int i = 0; i < len - MIN_FILTER; i++) {
            int op = b[at + i] & 0xff;
            if (op != 0xe8 && op != 0xe9) continue;
            int v = be32(b, at + i + 1) - i - 1;
            b[at + i + 1] = (byte) v;
            b[at + i + 2] = (byte) (v >>> 8);
            b[at + i + 3] = (byte) (v >>> 16);
            b[at + i + 4] = (byte) (v >>> 24);
            i += 4;
        }
    }

    /** ClamAV's containment test: a non-empty range inside the buffer. */
    static boolean in(byte[] b, long at, long len) {
        return len > 0 && at >= 0 && len <= b.length && at + len <= b.length;
    }

    static int be32(byte[] b, int o) {
        return (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
    }

    static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    static long le32u(byte[] b, int o) {
        return le32(b, o) & 0xffffffffL;
    }
}
