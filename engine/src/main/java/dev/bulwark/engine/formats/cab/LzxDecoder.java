package dev.bulwark.engine.formats.cab;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * LZX decompression (as used by CAB folders and CHM content), written from the published format
 * description: verbatim, aligned-offset and uncompressed blocks, delta-coded Huffman lengths,
 * three repeated offsets and the E8 call translation. Output is produced one frame (at most
 * 32 KiB) at a time; after a frame the bit stream is realigned to 16 bits as the format requires.
 */
public final class LzxDecoder {
    /** Output bytes per frame. */
    public static final int FRAME = 32 * 1024;
    private static final int VERBATIM = 1, ALIGNED = 2, UNCOMPRESSED = 3;
    private static final int NUM_CHARS = 256, LENGTH_SYMBOLS = 249, PRETREE = 20, ALIGNED_SYMBOLS = 8, MIN_MATCH = 2;
    private static final int MAX_SLOTS = 50;
    private static final int[] EXTRA = new int[MAX_SLOTS + 1], BASE = new int[MAX_SLOTS + 1];
    /** Zero bytes read past the packed data before the input is declared truncated. */
    private static final int MAX_OVERRUN = 16;

    static {
        for (int i = 0; i <= MAX_SLOTS; i++) EXTRA[i] = i < 4 ? 0 : Math.min((i - 2) >> 1, 17);
        for (int i = 1; i <= MAX_SLOTS; i++) BASE[i] = BASE[i - 1] + (1 << EXTRA[i - 1]);
    }

    private final byte[] window;
    private final int mask;
    private final int mainSymbols;
    private final byte[] mainLen, lengthLen = new byte[LENGTH_SYMBOLS], alignedLen = new byte[ALIGNED_SYMBOLS], preLen = new byte[PRETREE];
    private final short[] mainTable = new short[1 << 16], lengthTable = new short[1 << 16], alignedTable = new short[1 << 16], preTable = new short[1 << 16];

    private ByteBuffer in = ByteBuffer.allocate(0);
    private int inPos, overrun;
    private long bitBuf;
    private int bitCount;

    private int wpos;
    private long r0, r1, r2;
    private boolean headerRead;
    private long e8Size;
    private int blockType, blockRemaining;
    private boolean rawPad;
    private int copyLeft;
    private long copyDist;
    private long framesDone, outputDone;
    /** Window bytes written since the last reset (0..window.length are dirty from position 0): reset clears only these. */
    private long dirty;

    /** @param windowBits 15 to 21 (CAB stores it in the folder's compression type; CHM in its control data) */
    public LzxDecoder(int windowBits) throws IOException {
        if (windowBits < 15 || windowBits > 21) throw new IOException("LZX window of 2^" + windowBits + " bytes unsupported");
        window = new byte[1 << windowBits];
        mask = window.length - 1;
        int slots = windowBits == 21 ? 50 : windowBits == 20 ? 42 : windowBits * 2;
        mainSymbols = NUM_CHARS + slots * 8;
        mainLen = new byte[mainSymbols];
        reset();
    }

    /**
     * Starts a new stream: clears window, trees, repeated offsets and the E8 header (CHM reset points, a
     * reused CAB decoder). Only the window bytes written since the last reset are cleared (writes start at
     * position 0), so a reset costs what the stream before it decoded, not the window's size (fuzz17: 65,535
     * LZX folders of 2 MiB windows each cleared and allocated the whole window).
     */
    public void reset() {
        Arrays.fill(window, 0, (int) Math.min(dirty, window.length), (byte) 0);
        dirty = 0;
        Arrays.fill(mainLen, (byte) 0);
        Arrays.fill(lengthLen, (byte) 0);
        wpos = 0;
        r0 = r1 = r2 = 1;
        headerRead = false;
        blockType = 0;
        blockRemaining = 0;
        copyLeft = 0;
        framesDone = 0;
        outputDone = 0;
    }

    /** Packed bytes to read from next; the bit buffer starts afresh (frames start 16-bit aligned). */
    public void setInput(ByteBuffer packed) {
        in = packed;
        inPos = 0;
        bitBuf = 0;
        bitCount = 0;
        overrun = 0;
    }

    /** Decodes the next {@code size} (at most {@link #FRAME}) bytes into {@code out}. */
    public int decodeFrame(byte[] out, int size) throws IOException {
        if (size > FRAME || size < 0) throw new IOException("LZX frame of " + size + " bytes");
        if (!headerRead) {
            headerRead = true;
            e8Size = bits(1) == 1 ? ((long) bits(16) << 16 | bits(16)) : 0;
        }
        dirty += size; // each window write is one output byte, at most size of them
        int n = 0;
        while (n < size) {
            if (copyLeft > 0) {
                int from = (int) ((wpos - copyDist) & mask);
                int k = Math.min(copyLeft, size - n);
                for (int i = 0; i < k; i++) {
                    byte v = window[(from + i) & mask];
                    window[wpos] = v;
                    wpos = (wpos + 1) & mask;
                    out[n++] = v;
                }
                copyLeft -= k;
                continue;
            }
            if (blockRemaining == 0) {
                startBlock();
                continue;
            }
            if (blockType == UNCOMPRESSED) {
                int k = Math.min(blockRemaining, size - n);
                if (inPos + k > in.limit()) throw new EOFException("LZX uncompressed block truncated");
                in.get(inPos, out, n, k);
                for (int i = 0; i < k; i++) {
                    window[wpos] = out[n + i];
                    wpos = (wpos + 1) & mask;
                }
                inPos += k;
                n += k;
                blockRemaining -= k;
                if (blockRemaining == 0 && rawPad) inPos++;
                continue;
            }
            int main = symbol(mainTable);
            if (main < NUM_CHARS) {
                window[wpos] = (byte) main;
                wpos = (wpos + 1) & mask;
                out[n++] = (byte) main;
                blockRemaining--;
                continue;
            }
            main -= NUM_CHARS;
            int length = main & 7;
            if (length == 7) length += symbol(lengthTable);
            length += MIN_MATCH;
            long offset = offset(main >>> 3);
            if (length > blockRemaining) throw new IOException("LZX match runs past its block");
            blockRemaining -= length;
            copyLeft = length;
            copyDist = offset;
        }
        if (blockType != UNCOMPRESSED) align();
        translateE8(out, size);
        framesDone++;
        outputDone += size;
        return size;
    }

    private long offset(int slot) throws IOException {
        long off;
        switch (slot) {
            case 0 -> { return r0; }
            case 1 -> { off = r1; r1 = r0; r0 = off; return off; }
            case 2 -> { off = r2; r2 = r0; r0 = off; return off; }
            default -> {
                if (slot > MAX_SLOTS) throw new IOException("LZX position slot " + slot);
                int extra = EXTRA[slot];
                off = BASE[slot] - 2L;
                if (blockType == ALIGNED && extra >= 3) {
                    off += ((long) bits(extra - 3) << 3) + symbol(alignedTable);
                } else {
                    off += bits(extra);
                }
                r2 = r1;
                r1 = r0;
                r0 = off;
                return off;
            }
        }
    }

    private void startBlock() throws IOException {
        if (blockType == UNCOMPRESSED) { // back to bit mode after raw bytes
            bitBuf = 0;
            bitCount = 0;
        }
        blockType = bits(3);
        blockRemaining = bits(16) << 8 | bits(8);
        switch (blockType) {
            case ALIGNED -> {
                for (int i = 0; i < ALIGNED_SYMBOLS; i++) alignedLen[i] = (byte) bits(3);
                makeTable(alignedLen, ALIGNED_SYMBOLS, alignedTable);
                trees();
            }
            case VERBATIM -> trees();
            case UNCOMPRESSED -> {
                int r = bitCount % 16;
                bits(r == 0 ? 16 : r); // realign: 1 to 16 bits
                inPos -= bitCount / 8;  // give back whole unread words
                bitBuf = 0;
                bitCount = 0;
                if (inPos + 12 > in.limit()) throw new EOFException("LZX uncompressed block header truncated");
                r0 = Integer.toUnsignedLong(in.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(inPos));
                r1 = Integer.toUnsignedLong(in.getInt(inPos + 4));
                r2 = Integer.toUnsignedLong(in.getInt(inPos + 8));
                inPos += 12;
                rawPad = (blockRemaining & 1) != 0;
            }
            default -> throw new IOException("LZX block type " + blockType);
        }
    }

    private void trees() throws IOException {
        lengths(mainLen, 0, NUM_CHARS);
        lengths(mainLen, NUM_CHARS, mainSymbols);
        makeTable(mainLen, mainSymbols, mainTable);
        lengths(lengthLen, 0, LENGTH_SYMBOLS);
        makeTable(lengthLen, LENGTH_SYMBOLS, lengthTable);
    }

    /** Delta-coded code lengths through the 20-symbol pretree. */
    private void lengths(byte[] len, int first, int last) throws IOException {
        for (int i = 0; i < PRETREE; i++) preLen[i] = (byte) bits(4);
        makeTable(preLen, PRETREE, preTable);
        int x = first;
        while (x < last) {
            int z = symbol(preTable);
            if (z == 17 || z == 18) {
                int run = z == 17 ? bits(4) + 4 : bits(5) + 20;
                if (x + run > last) throw new IOException("LZX length run overflows");
                while (run-- > 0) len[x++] = 0;
            } else if (z == 19) {
                int run = bits(1) + 4;
                int d = symbol(preTable);
                if (d > 16 || x + run > last) throw new IOException("LZX bad length run");
                int v = (len[x] - d + 17) % 17;
                while (run-- > 0) len[x++] = (byte) v;
            } else {
                len[x] = (byte) ((len[x] - z + 17) % 17);
                x++;
            }
        }
    }

    private void translateE8(byte[] out, int size) {
        if (e8Size == 0 || framesDone >= 32768 || size <= 10) return;
        long cur = outputDone;
        for (int i = 0; i < size - 10; ) {
            if (out[i] != (byte) 0xe8) { i++; cur++; continue; }
            int abs = (out[i + 1] & 0xff) | (out[i + 2] & 0xff) << 8 | (out[i + 3] & 0xff) << 16 | out[i + 4] << 24;
            if (abs >= -cur && abs < e8Size) {
                long rel = abs >= 0 ? abs - cur : abs + e8Size;
                out[i + 1] = (byte) rel;
                out[i + 2] = (byte) (rel >> 8);
                out[i + 3] = (byte) (rel >> 16);
                out[i + 4] = (byte) (rel >> 24);
            }
            i += 5;
            cur += 5;
        }
    }

    // ---- bits: 16-bit little-endian words, most significant bit first ----
    private void fill() throws EOFException {
        while (bitCount <= 48) {
            int w;
            if (inPos + 1 < in.limit()) {
                w = (in.get(inPos) & 0xff) | (in.get(inPos + 1) & 0xff) << 8;
            } else {
                if (++overrun > MAX_OVERRUN) throw new EOFException("LZX input truncated");
                w = inPos < in.limit() ? in.get(inPos) & 0xff : 0;
            }
            inPos += 2;
            bitBuf |= (long) w << (48 - bitCount);
            bitCount += 16;
        }
    }

    private int bits(int n) throws EOFException {
        if (n == 0) return 0;
        if (bitCount < n) fill();
        int v = (int) (bitBuf >>> (64 - n));
        bitBuf <<= n;
        bitCount -= n;
        return v;
    }

    private void align() throws EOFException {
        int r = bitCount % 16;
        if (r != 0) bits(r);
    }

    private int symbol(short[] table) throws IOException {
        if (bitCount < 16) fill();
        int e = table[(int) (bitBuf >>> 48)];
        if (e < 0) throw new IOException("LZX invalid Huffman code");
        bits(e & 31);
        return e >>> 5;
    }

    /** Canonical Huffman codes in symbol order, looked up through the next 16 bits. */
    private static void makeTable(byte[] len, int n, short[] table) throws IOException {
        int[] count = new int[17];
        for (int i = 0; i < n; i++) count[len[i]]++;
        count[0] = 0;
        int[] start = new int[18];
        for (int l = 1; l <= 16; l++) start[l + 1] = start[l] + (count[l] << (16 - l));
        if (start[17] > 1 << 16) throw new IOException("LZX oversubscribed Huffman table");
        Arrays.fill(table, (short) -1);
        for (int s = 0; s < n; s++) {
            int l = len[s];
            if (l == 0) continue;
            int from = start[l], to = from + (1 << (16 - l));
            Arrays.fill(table, from, to, (short) (s << 5 | l));
            start[l] = to;
        }
    }
}
