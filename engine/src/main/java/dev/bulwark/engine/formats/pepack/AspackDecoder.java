package dev.bulwark.engine.formats.pepack;

import java.util.Arrays;

/**
 * ASPack 2.x block decompressor: an LZ77 stream whose literals, match lengths and match distances are
 * coded with four canonical prefix-code tables (at most 15-bit codes, read MSB first through a 24-bit
 * window). The tables are transmitted at the start of each block, as code lengths that are themselves
 * prefix-coded (19-symbol pre-table), and may be retransmitted inside a block (symbol 720 and up).
 * Distances come from a slot table derived from the packer's code (the "stuff" bytes) plus a history of
 * the last three distances. Arithmetic is unsigned 32-bit, shifts by out-of-range counts behave as on
 * x86 (count mod 32), and the tables survive from one block to the next, as in the unpacker this
 * mirrors, so that damaged streams decode to the same bytes.
 *
 * <p>One instance per unpacked file; not thread-safe.
 */
final class AspackDecoder {
    /** Symbols per table: literals and matches, long-length extras, distance low bits, pre-table. */
    private static final int[] SIZES = {721, 28, 8, 19};
    private static final int MAIN = 0, LENGTHS = 1, LOWBITS = 2, PRE = 3;
    /** Code lengths transmitted per table set: the first three tables back to back. */
    private static final int LENGTH_COUNT = 757;
    /** Offsets of the extra-length bit counts and bases, and of the distance slot bit counts, in "stuff". */
    private static final int EXTRA_BASE = 0, EXTRA_BITS = 0x1c, SLOT_BITS = 0x38;
    /** Bytes of packer code the decoder reads ("stuff"). */
    static final int STUFF_SIZE = 0x72;
    static final int SLOTS = 58;
    /** The input copy is padded with zeros so that the bit reader can look ahead past the stream. */
    static final int INPUT_PAD = 0x10e;

    private final int[][] starts = new int[4][];
    private final byte[][] ends = new byte[4][256];
    private final int[][] limit = new int[4][24];
    private final int[][] first = new int[4][24];
    private final byte[] previous = new byte[LENGTH_COUNT];
    private final byte[] preLengths = new byte[19];
    /** Index 0 is a zero that the run-repeat code may copy; lengths proper start at 1. */
    private final byte[] lengths = new byte[LENGTH_COUNT + 1];
    private final int[] slotBase = new int[SLOTS];
    private final int[] count = new int[18], next = new int[18];
    private boolean lowBitsCoded;

    private byte[] in;
    private int ip, inEnd, bitpos, window;
    private boolean failed;

    /** {@code slotBits} holds the 58 distance slot widths (ClamAV reads them only while they lie in the image). */
    AspackDecoder(int[] slotBits) {
        for (int i = 0; i < SIZES.length; i++) starts[i] = new int[SIZES[i]];
        int base = 0;
        for (int i = 0; i < SLOTS; i++) {
            slotBase[i] = base;
            if (slotBits[i] >= 0) base += 1 << slotBits[i];
        }
        window = 0x10000;
    }

    /**
     * Decodes one block: {@code in[0, inEnd)} (the block's packed bytes plus padding) into
     * {@code out[at, at + size)}. The packer code at {@code out[stuff, stuff + STUFF_SIZE)} is read as
     * it is at each step (a block may overwrite it). False when the stream is damaged.
     */
    boolean block(byte[] input, int inputEnd, byte[] out, int at, int size, int stuff) {
        in = input;
        ip = 0;
        inEnd = inputEnd;
        failed = false;
        for (int i = 0; i < 4; i++) {
            Arrays.fill(limit[i], 0);
            Arrays.fill(first[i], 0);
        }
        Arrays.fill(previous, (byte) 0);
        bitpos = 0x20;
        return readTables() && decode(out, at, size, stuff);
    }

    private boolean decode(byte[] out, int at, int size, int stuff) {
        int done = 0;
        int h0 = 0, h1 = 0, h2 = 0;
        while (done < size) {
            int sym = symbol(MAIN);
            if (failed) return false;
            if (sym >= 0 && sym < 256) {
                out[at + done++] = (byte) sym;
                continue;
            }
            if (Integer.compareUnsigned(sym, 720) >= 0) {
                if (!readTables()) return false;
                continue;
            }
            int slot = (sym - 256) >>> 3;
            int len = ((sym - 256) & 7) + 2;
            if (len == 9) {
                int e = symbol(LENGTHS);
                if (failed || Integer.compareUnsigned(e, 0x56) >= 0) return false;
                int n = out[stuff + EXTRA_BITS + e] & 0xff;
                if (!fill()) return false;
                len += (out[stuff + EXTRA_BASE + e] & 0xff) + (peek() >>> (24 - n));
                bitpos += n;
            }
            int dist = slotBase[slot];
            int n = out[stuff + SLOT_BITS + slot] & 0xff;
            if (!lowBitsCoded || n < 3) {
                if (!fill()) return false;
                dist += peek() >>> (24 - n);
                bitpos += n;
            } else {
                n -= 3;
                if (!fill()) return false;
                dist += (peek() >>> (24 - n)) * 8;
                bitpos += n;
                dist += symbol(LOWBITS);
                if (failed) return false;
            }
            int back;
            if (Integer.compareUnsigned(dist, 3) < 0) { // a recent distance
                back = dist == 0 ? h0 : dist == 1 ? h1 : h2;
                if (dist == 1) h1 = h0;
                else if (dist == 2) h2 = h0;
                if (dist != 0) h0 = back;
            } else {
                h2 = h1;
                h1 = h0;
                h0 = back = dist - 3;
            }
            back++;
            if (back == 0 || Integer.compareUnsigned(back, done) > 0 || Integer.compareUnsigned(len, size - done) > 0) {
                return false;
            }
            for (int p = at + done, end = p + len; p < end; p++) out[p] = out[p - back];
            done += len;
        }
        return true;
    }

    /** Reads a table set: the pre-table, then the 757 code lengths (as deltas, zero runs and repeats). */
    private boolean readTables() {
        int keep = bits(1);
        if (failed) return false;
        if (keep == 0) Arrays.fill(previous, (byte) 0);
        for (int i = 0; i < 19; i++) {
            preLengths[i] = (byte) bits(4);
            if (failed) return false;
        }
        if (!table(preLengths, 0, PRE)) return false;
        int c = 0;
        while (c < LENGTH_COUNT) {
            int v = symbol(PRE);
            if (failed) return false;
            if (Integer.compareUnsigned(v, 16) < 0) {
                lengths[1 + c] = (byte) ((previous[c] + v) & 0xf);
                c++;
                continue;
            }
            int run;
            boolean repeat = v == 16;
            if (repeat) run = 3 + bits(2);
            else if (v == 17) run = 3 + bits(3);
            else run = 11 + bits(7);
            if (failed) return false;
            for (; run > 0 && c < LENGTH_COUNT; run--, c++) lengths[1 + c] = repeat ? lengths[c] : 0;
        }
        if (!table(lengths, 1, MAIN) || !table(lengths, 722, LENGTHS) || !table(lengths, 750, LOWBITS)) return false;
        lowBitsCoded = false;
        for (int i = 0; i < 8; i++) if (lengths[750 + i] != 3) lowBitsCoded = true;
        System.arraycopy(lengths, 1, previous, 0, LENGTH_COUNT);
        return true;
    }

    /**
     * Builds the canonical code of table {@code t} from code lengths {@code len[off, off + size)}:
     * per length the first left-aligned 24-bit code past it ({@code limit}) and the index of its first
     * symbol ({@code first}), a lookup of the length by the top 8 bits for codes up to 8 bits, and the
     * symbols sorted by code. The code must be complete (the limits reach exactly 2^24).
     */
    private boolean table(byte[] len, int off, int t) {
        int size = SIZES[t];
        int[] lim = limit[t], fst = first[t];
        byte[] end = ends[t];
        Arrays.fill(count, 0);
        Arrays.fill(next, 0);
        for (int i = 0; i < size; i++) {
            int l = len[off + i] & 0xff;
            if (l > 17) return false;
            count[l]++;
        }
        lim[0] = 0;
        fst[0] = 0;
        int sum = 0, filled = 0;
        for (int i = 0, shift = 23; shift >= 9; i++, shift--) {
            sum += count[i + 1] << shift;
            if (Integer.compareUnsigned(sum, 0x1000000) > 0) return false;
            lim[i + 1] = sum;
            fst[i + 1] = next[i + 1] = count[i] + fst[i];
            if (shift >= 16) {
                int to = sum >>> 16;
                if (to != filled) {
                    if (to < filled || to > 256) return false;
                    Arrays.fill(end, filled, to, (byte) (i + 1));
                }
                filled = to;
            }
        }
        if (sum != 0x1000000) return false;
        int[] st = starts[t];
        for (int i = 0; i < size; i++) {
            int l = len[off + i] & 0xff;
            if (l == 0) continue;
            if (next[l] >= size) return false;
            st[next[l]++] = i;
        }
        return true;
    }

    /** Decodes one symbol of table {@code t}; sets {@link #failed} on a bad code or the end of input. */
    private int symbol(int t) {
        if (!fill()) return fail();
        int[] lim = limit[t];
        int code = (window >>> (8 - bitpos)) & 0xfffe00;
        int n;
        if (code < lim[8]) {
            n = ends[t][code >>> 16] & 0xff;
            if (n == 0 || n >= 24) return fail();
        } else if (code < lim[10]) { // the unpacker's comparison order (limits need not grow: sums wrap)
            n = code < lim[9] ? 9 : 10;
        } else {
            n = 11;
            while (n < 15 && code >= lim[n]) n++;
        }
        bitpos += n;
        int idx = ((code - lim[n - 1]) >>> (24 - n)) + first[t][n];
        if (Integer.compareUnsigned(idx, SIZES[t]) >= 0) return fail();
        return starts[t][idx];
    }

    /** {@code n} bits (at most 8) from the stream. */
    private int bits(int n) {
        if (!fill()) return fail();
        int v = (peek() >>> (24 - n)) & 0xff;
        bitpos += n;
        return v;
    }

    /** The next 24 bits of the stream (valid after {@link #fill}). */
    private int peek() {
        return (window >>> (8 - bitpos)) & 0xffffff;
    }

    /** Shifts whole bytes into the window until fewer than 8 bits are consumed; false at the end of input. */
    private boolean fill() {
        while (bitpos >= 8) {
            if (ip >= inEnd) return false;
            window = window << 8 | (in[ip++] & 0xff);
            bitpos -= 8;
        }
        return true;
    }

    private int fail() {
        failed = true;
        return 0;
    }
}
