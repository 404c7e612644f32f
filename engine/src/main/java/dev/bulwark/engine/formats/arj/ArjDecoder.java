package dev.bulwark.engine.formats.arj;

import dev.bulwark.engine.formats.archivecommon.BulkInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * ARJ decompression, written from the published format description: methods 1-3 (static Huffman
 * blocks over LZ77 with a 26 KiB dictionary, the LHA "-lh6-" family) and method 4 (unary-prefixed
 * lengths and distances). Output stops at the declared size; reading past the packed data fails.
 */
final class ArjDecoder extends BulkInputStream {
    private static final int WINDOW = 1 << 16, MASK = WINDOW - 1;
    private static final int THRESHOLD = 3, NC = 255 + 256 + 2 - THRESHOLD, NP = 17, NT = 19, CBIT = 9, PBIT = 5, TBIT = 5;
    /** Zero bytes read past the packed data before the stream is declared truncated. */
    private static final int MAX_OVERRUN = 8;

    private final ByteBuffer in;
    private final boolean fast; // method 4
    private long remaining;     // output still to produce (declared original size)
    private int inPos;
    private long bitBuf;        // up to 64 bits, MSB-first
    private int bitCount;
    private int overrun;

    private final byte[] window = new byte[WINDOW];
    private int wpos;
    private int copyLeft, copyDist;

    private int blockSize;
    private final byte[] cLen = new byte[NC], ptLen = new byte[NT];
    private final short[] cTable = new short[1 << 16], ptTable = new short[1 << 16];

    ArjDecoder(ByteBuffer packed, long originalSize, int method) {
        this.in = packed;
        this.remaining = originalSize;
        this.fast = method == 4;
    }

    // ---- bits ----
    private void fill() throws EOFException {
        while (bitCount <= 56) {
            int v;
            if (inPos < in.limit()) v = in.get(inPos++) & 0xff;
            else {
                if (++overrun > MAX_OVERRUN) throw new EOFException("ARJ data truncated");
                v = 0;
            }
            bitBuf |= (long) v << (56 - bitCount);
            bitCount += 8;
        }
    }

    private int peek16() throws EOFException {
        if (bitCount < 16) fill();
        return (int) (bitBuf >>> 48);
    }

    private int bits(int n) throws EOFException {
        if (n == 0) return 0;
        if (bitCount < n) fill();
        int v = (int) (bitBuf >>> (64 - n));
        bitBuf <<= n;
        bitCount -= n;
        return v;
    }

    private void skip(int n) throws EOFException { bits(n); }

    // ---- Huffman tables: a flat 16-bit lookup, canonical codes in symbol order ----
    private static void makeTable(int n, byte[] len, short[] table) throws IOException {
        int[] count = new int[17];
        for (int i = 0; i < n; i++) count[len[i]]++;
        int[] start = new int[18];
        for (int l = 1; l <= 16; l++) start[l + 1] = start[l] + (count[l] << (16 - l));
        if (start[17] > 1 << 16) throw new IOException("ARJ: bad Huffman table");
        java.util.Arrays.fill(table, (short) -1);
        for (int s = 0; s < n; s++) {
            int l = len[s];
            if (l == 0) continue;
            int from = start[l], to = from + (1 << (16 - l));
            for (int k = from; k < to; k++) table[k] = (short) (s << 5 | l);
            start[l] = to;
        }
    }

    private int symbol(short[] table) throws IOException {
        int e = table[peek16()];
        if (e < 0) throw new IOException("ARJ: invalid Huffman code");
        skip(e & 31);
        return e >>> 5;
    }

    private void constant(short[] table, int sym) { java.util.Arrays.fill(table, (short) (sym << 5)); }

    private void readPtLen(int nn, int nbit, int special) throws IOException {
        int n = bits(nbit);
        if (n == 0) {
            int c = bits(nbit);
            java.util.Arrays.fill(ptLen, (byte) 0);
            constant(ptTable, Math.min(c, nn - 1));
            return;
        }
        if (n > nn) throw new IOException("ARJ: bad table size");
        int i = 0;
        while (i < n) {
            int c = peek16() >>> 13;
            if (c == 7) {
                int mask = 1 << 12, buf = peek16();
                while ((mask & buf) != 0) {
                    mask >>= 1;
                    c++;
                    if (c > 16) throw new IOException("ARJ: code length too long");
                }
            }
            skip(c < 7 ? 3 : c - 3);
            ptLen[i++] = (byte) c;
            if (i == special) {
                int z = bits(2);
                if (i + z > nn) throw new IOException("ARJ: bad table");
                while (--z >= 0) ptLen[i++] = 0;
            }
        }
        while (i < nn) ptLen[i++] = 0;
        makeTable(nn, ptLen, ptTable);
    }

    private void readCLen() throws IOException {
        int n = bits(CBIT);
        if (n == 0) {
            int c = bits(CBIT);
            java.util.Arrays.fill(cLen, (byte) 0);
            constant(cTable, Math.min(c, NC - 1));
            return;
        }
        if (n > NC) throw new IOException("ARJ: bad table size");
        int i = 0;
        while (i < n) {
            int c = symbol(ptTable);
            if (c <= 2) {
                int z = c == 0 ? 1 : c == 1 ? bits(4) + 3 : bits(CBIT) + 20;
                if (i + z > NC) throw new IOException("ARJ: bad table");
                while (--z >= 0) cLen[i++] = 0;
            } else {
                cLen[i++] = (byte) (c - 2);
            }
        }
        while (i < NC) cLen[i++] = 0;
        makeTable(NC, cLen, cTable);
    }

    private int decodeC() throws IOException {
        if (blockSize == 0) {
            blockSize = bits(16);
            readPtLen(NT, TBIT, 3);
            readCLen();
            readPtLen(NP, PBIT, -1);
        }
        blockSize--;
        return symbol(cTable);
    }

    private int decodeP() throws IOException {
        int j = symbol(ptTable);
        return j == 0 ? 0 : (1 << (j - 1)) + bits(j - 1);
    }

    /** Method 4: a unary prefix selects the width of the value that follows. */
    private int unary(int start, int stop) throws EOFException {
        int plus = 0, pwr = 1 << start, width = start;
        for (; width < stop; width++) {
            if (bits(1) == 0) break;
            plus += pwr;
            pwr <<= 1;
        }
        return (width != 0 ? bits(width) : 0) + plus;
    }

    // ---- output ----

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (remaining <= 0) return -1;
        int n = 0;
        while (n < len && remaining > 0) {
            if (copyLeft > 0) {
                byte v = window[(wpos - copyDist - 1) & MASK];
                put(b, off + n++, v);
                copyLeft--;
                continue;
            }
            if (fast) {
                int c = unary(0, 7);
                if (c == 0) put(b, off + n++, (byte) bits(8));
                else {
                    copyLeft = c - 1 + THRESHOLD;
                    copyDist = unary(9, 13);
                }
            } else {
                int c = decodeC();
                if (c <= 255) put(b, off + n++, (byte) c);
                else {
                    copyLeft = c - (256 - THRESHOLD);
                    copyDist = decodeP();
                }
            }
        }
        return n;
    }

    private void put(byte[] b, int at, byte v) {
        b[at] = v;
        window[wpos] = v;
        wpos = (wpos + 1) & MASK;
        remaining--;
    }
}
