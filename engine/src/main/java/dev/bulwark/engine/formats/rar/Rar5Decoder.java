package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.nio.ByteBuffer;

/**
 * The RAR 5 LZ codec (compression methods 1-5, algorithm version 0): blocks with a checksummed
 * header, Huffman tables coded through a 20-symbol bit-length table, literals, matches with four
 * repeat distances, and DELTA / E8 / E8E9 / ARM filters. Written from the format description in
 * RARLAB's technote; state carries over between members of a solid archive.
 */
final class Rar5Decoder implements Codec {
    private static final int NC = 306, DC = 64, LDC = 16, RC = 44, BC = 20;
    private static final int TABLE = NC + DC + LDC + RC;
    static final int FILTER_DELTA = 0, FILTER_E8 = 1, FILTER_E8E9 = 2, FILTER_ARM = 3;
    /** RAR 5 limits a filter's block to 4 MiB. */
    static final int MAX_FILTER = 0x400000;

    final Window w;
    private final Huffman main = new Huffman(NC), dist = new Huffman(DC), low = new Huffman(LDC),
            rep = new Huffman(RC), bc = new Huffman(BC);
    private final byte[] lens = new byte[TABLE];
    private final byte[] bcLens = new byte[BC];
    private final long[] oldDist = new long[4];
    private int lastLength;
    private boolean tablesRead;
    private BitInput in;
    private long blockEnd; // bit position where the current block's data ends
    private long nextBlock; // layer offset of the next block header
    private boolean lastBlock;
    private boolean ended = true;

    Rar5Decoder(Window w) { this.w = w; }

    /** Begins a member whose packed data is {@code [start, start+size)}; {@code solid} keeps the previous state. */
    @Override
    public void startMember(ByteBuffer b, long start, long size, long unpacked, boolean solid) {
        if (!solid) {
            w.reset();
            tablesRead = false;
            lastLength = 0;
            java.util.Arrays.fill(oldDist, 0);
        }
        w.startMember(unpacked);
        in = new BitInput(b, start, start + size);
        nextBlock = start;
        ended = false;
        lastBlock = false;
        blockEnd = 0;
        readBlockHeader();
    }

    @Override
    public boolean ended() { return ended; }

    @Override
    public Window.FilterRunner runner() { return Rar5Decoder::filter; }

    private static byte[] filter(int type, int arg, byte[] data, byte[] scratch, int len, long fileOffset) {
        switch (type) {
            case FILTER_DELTA -> {
                Filters.delta(data, scratch, len, arg);
                return scratch;
            }
            case FILTER_E8, FILTER_E8E9 -> Filters.e8(data, len, fileOffset, type == FILTER_E8E9, true);
            default -> Filters.arm(data, len, fileOffset);
        }
        return data;
    }

    private void readBlockHeader() {
        in.seek(nextBlock);
        if (in.remaining() < 3) {
            ended = true;
            return;
        }
        int flags = in.bits(8);
        int check = in.bits(8);
        int byteCount = ((flags >> 3) & 3) + 1;
        if (byteCount == 4) throw new MalformedException("rar5: block size field of 4 bytes", nextBlock);
        int size = 0;
        for (int i = 0; i < byteCount; i++) size |= in.bits(8) << (8 * i);
        int sum = 0x5a ^ flags ^ size ^ (size >>> 8) ^ (size >>> 16);
        if ((sum & 0xff) != check) throw new MalformedException("rar5: block header checksum mismatch", nextBlock);
        long dataStart = in.bytePos();
        int bitSize = (flags & 7) + 1;
        blockEnd = size == 0 ? in.bitPos() : in.bitPos() + (size - 1) * 8L + bitSize;
        nextBlock = dataStart + size;
        lastBlock = (flags & 0x40) != 0;
        if ((flags & 0x80) != 0) readTables();
        else if (!tablesRead) throw new MalformedException("rar5: block without tables", dataStart);
    }

    private void readTables() {
        Huffman.readBitLengths(in, bcLens, BC);
        bc.build(bcLens, 0, BC);
        for (int i = 0; i < TABLE; ) {
            if (in.overrun()) throw new MalformedException("rar5: tables past the end of data", in.bytePos());
            int n = bc.decode(in);
            if (n < 16) {
                lens[i++] = (byte) n;
            } else if (n < 18) {
                int count = n == 16 ? 3 + in.bits(3) : 11 + in.bits(7);
                if (i == 0) throw new MalformedException("rar5: table repeats before its first length", in.bytePos());
                for (; count > 0 && i < TABLE; count--, i++) lens[i] = lens[i - 1];
            } else {
                int count = n == 18 ? 3 + in.bits(3) : 11 + in.bits(7);
                for (; count > 0 && i < TABLE; count--) lens[i++] = 0;
            }
        }
        main.build(lens, 0, NC);
        dist.build(lens, NC, DC);
        low.build(lens, NC + DC, LDC);
        rep.build(lens, NC + DC + LDC, RC);
        tablesRead = true;
    }

    @Override
    public void decodeUntil(long target) {
        final Window w = this.w;
        final BitInput in = this.in;
        while (w.pos < target && !ended) {
            if (in.bitPos() >= blockEnd || in.overrun()) {
                if (lastBlock || in.overrun()) {
                    ended = true;
                    return;
                }
                readBlockHeader();
                continue;
            }
            int sym = main.decode(in);
            if (sym < 256) {
                w.put((byte) sym);
            } else if (sym >= 262) {
                int len = slotToLength(sym - 262);
                int slot = dist.decode(in);
                long d = 1;
                int dbits;
                if (slot < 4) {
                    dbits = 0;
                    d += slot;
                } else {
                    dbits = slot / 2 - 1;
                    d += (long) (2 | (slot & 1)) << dbits;
                }
                if (dbits > 0) {
                    if (dbits >= 4) {
                        if (dbits > 4) d += (long) in.bits(dbits - 4) << 4;
                        d += low.decode(in);
                    } else {
                        d += in.bits(dbits);
                    }
                }
                if (d > 0x100) {
                    len++;
                    if (d > 0x2000) {
                        len++;
                        if (d > 0x40000) len++;
                    }
                }
                oldDist[3] = oldDist[2];
                oldDist[2] = oldDist[1];
                oldDist[1] = oldDist[0];
                oldDist[0] = d;
                lastLength = len;
                w.copy(d, len);
            } else if (sym == 256) {
                readFilter();
            } else if (sym == 257) {
                if (lastLength != 0) w.copy(oldDist[0], lastLength);
            } else {
                int idx = sym - 258;
                long d = oldDist[idx];
                for (int i = idx; i > 0; i--) oldDist[i] = oldDist[i - 1];
                oldDist[0] = d;
                int len = slotToLength(rep.decode(in));
                lastLength = len;
                w.copy(d, len);
            }
        }
    }

    private int slotToLength(int slot) {
        if (slot < 8) return 2 + slot;
        int lbits = slot / 4 - 1;
        return 2 + ((4 | (slot & 3)) << lbits) + in.bits(lbits);
    }

    private void readFilter() {
        long start = filterNumber();
        long length = filterNumber();
        int type = in.bits(3);
        int channels = type == FILTER_DELTA ? in.bits(5) + 1 : 0;
        if (type > FILTER_ARM) throw new MalformedException("rar5: unknown filter type " + type, in.bytePos());
        if (length > MAX_FILTER) throw new MalformedException("rar5: filter block of " + length + " bytes", in.bytePos());
        w.addFilter(w.pos + start, (int) length, type, channels);
    }

    private long filterNumber() {
        int bytes = in.bits(2) + 1;
        long v = 0;
        for (int i = 0; i < bytes; i++) v |= (long) in.bits(8) << (8 * i);
        return v;
    }
}
