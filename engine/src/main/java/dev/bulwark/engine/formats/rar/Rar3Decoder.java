package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.nio.ByteBuffer;

/**
 * The RAR 2.9 / 3.x / 4.x LZ codec (unpack version 29, methods 0x31-0x35): Huffman tables sent as
 * differences to the previous ones, literals, long and short matches, four repeat distances, a
 * repeated low-distance nibble, and VM filter blocks (of which the standard ones run, see
 * {@link Rar3Filters}), and PPMd variant H blocks ({@link Ppmd7}) with their escape codes for
 * matches, filters and the switch back to LZ. State carries over between members of a solid archive.
 */
final class Rar3Decoder implements Codec {
    private static final int NC = 299, DC = 60, LDC = 17, RC = 28, BC = 20;
    private static final int TABLE = NC + DC + LDC + RC;
    /** A low-distance symbol of 16 repeats the previous low distance this many more times. */
    private static final int LOW_DIST_REPEATS = 15;
    private static final int[] LEN_BASE = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96,
            112, 128, 160, 192, 224};
    private static final int[] LEN_BITS = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5};
    private static final int[] SHORT_BASE = {0, 4, 8, 16, 32, 64, 128, 192};
    private static final int[] SHORT_BITS = {2, 2, 3, 4, 5, 6, 6, 6};
    private static final int[] DIST_BASE = new int[DC];
    private static final int[] DIST_BITS = new int[DC];

    static {
        // distance slots per bit count: 4 with none, 2 each for 1..15 bits, 14 with 16, 12 with 18
        int[] counts = {4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 14, 0, 12};
        int slot = 0, base = 0;
        for (int bits = 0; bits < counts.length; bits++) {
            for (int j = 0; j < counts[bits]; j++, slot++) {
                DIST_BASE[slot] = base;
                DIST_BITS[slot] = bits;
                base += 1 << bits;
            }
        }
    }

    private final Window w;
    private final Rar3Filters filters;
    private final Huffman main = new Huffman(NC), dist = new Huffman(DC), low = new Huffman(LDC),
            rep = new Huffman(RC), bc = new Huffman(BC);
    private final byte[] table = new byte[TABLE];
    private final byte[] oldTable = new byte[TABLE];
    private final byte[] bcLens = new byte[BC];
    private final long[] oldDist = new long[4];
    private long lastDist;
    private int lastLength;
    private int prevLowDist;
    private int lowDistRepeats;
    private boolean tablesRead;
    private BitInput in;
    private boolean ended = true;
    private final Ppmd7 ppm;
    private boolean ppmBlock;
    private int escChar = 2;
    /** PPMd model memory: RAR allows up to 256 MiB; a smaller scan budget allows less (at least 16 MiB). */
    private static final long MAX_PPM_MEMORY = 256L << 20, MIN_PPM_MEMORY = 16L << 20;

    Rar3Decoder(Window w) {
        this(w, null);
    }

    /**
     * (fuzz16) A decoder that takes over {@code previous}'s PPMd model (its heap only grows; the model is
     * invalidated, a new member must restart it): a model per decoder allocated and zeroed up to 256 MiB each time
     * the dictionary size changed between members (300 members alternating 64/128 KiB, each opening a 256 MiB
     * PPMd block: 30 s for a 20 KB archive).
     */
    Rar3Decoder(Window w, Codec previous) {
        this.w = w;
        this.filters = new Rar3Filters(w);
        this.ppm = previous instanceof Rar3Decoder r ? r.ppm : new Ppmd7();
        ppm.invalidate();
    }

    @Override
    public Window.FilterRunner runner() { return filters; }

    @Override
    public boolean ended() { return ended; }

    @Override
    public void startMember(ByteBuffer b, long start, long size, long unpacked, boolean solid) {
        if (!solid) {
            w.reset();
            java.util.Arrays.fill(oldDist, 0);
            java.util.Arrays.fill(oldTable, (byte) 0);
            lastDist = 0;
            lastLength = 0;
            prevLowDist = 0;
            lowDistRepeats = 0;
            tablesRead = false;
            ppmBlock = false;
            escChar = 2;
            ppm.invalidate();
            filters.reset();
        } else if (!ended && in != null) {
            decodeUntil(w.pos + 1); // the previous member's end marker tells whether new tables follow
        }
        w.startMember(unpacked);
        in = new BitInput(b, start, start + size);
        ended = false;
        if (!tablesRead || ppmBlock) readTables(); // a PPMd coder restarts with each member's data
    }

    private void readTables() {
        in.alignByte();
        int head = in.peek(16);
        if ((head & 0x8000) != 0) {
            startPpm();
            return;
        }
        ppmBlock = false;
        prevLowDist = 0;
        lowDistRepeats = 0;
        if ((head & 0x4000) == 0) java.util.Arrays.fill(oldTable, (byte) 0);
        in.skip(2);
        Huffman.readBitLengths(in, bcLens, BC);
        bc.build(bcLens, 0, BC);
        for (int i = 0; i < TABLE; ) {
            if (in.overrun()) throw new MalformedException("rar: tables past the end of data", in.bytePos());
            int n = bc.decode(in);
            if (n < 16) {
                table[i] = (byte) ((n + oldTable[i]) & 0xf);
                i++;
            } else if (n < 18) {
                int count = n == 16 ? 3 + in.bits(3) : 11 + in.bits(7);
                if (i == 0) throw new MalformedException("rar: table repeats before its first length", in.bytePos());
                for (; count > 0 && i < TABLE; count--, i++) table[i] = table[i - 1];
            } else {
                int count = n == 18 ? 3 + in.bits(3) : 11 + in.bits(7);
                for (; count > 0 && i < TABLE; count--) table[i++] = 0;
            }
        }
        if (in.overrun()) throw new MalformedException("rar: tables past the end of data", in.bytePos());
        tablesRead = true;
        main.build(table, 0, NC);
        dist.build(table, NC, DC);
        low.build(table, NC + DC, LDC);
        rep.build(table, NC + DC + LDC, RC);
        System.arraycopy(table, 0, oldTable, 0, TABLE);
    }

    /** A PPMd block header: order and flags, model size when the model restarts, escape byte; then the coder's 4 bytes. */
    private void startPpm() {
        int flags = in.bits(8);
        boolean reset = (flags & 0x20) != 0;
        int maxMB = reset ? in.bits(8) : 0;
        if (!reset && !ppm.ready()) throw new MalformedException("rar: PPMd block continues a model that was never started", in.bytePos());
        if ((flags & 0x40) != 0) escChar = in.bits(8);
        ppm.initDecoder(in);
        if (reset) {
            int order = (flags & 0x1f) + 1;
            if (order > 16) order = 16 + (order - 16) * 3;
            long memory = (long) (maxMB + 1) << 20;
            long limit = Math.min(MAX_PPM_MEMORY, Math.max(MIN_PPM_MEMORY, w.maxTotal()));
            if (order == 1 || memory > limit) {
                ppm.invalidate();
                throw new MalformedException("rar: PPMd model of order " + order + " and " + (maxMB + 1) + " MiB refused", in.bytePos());
            }
            ppm.init((int) memory, order);
        }
        ppmBlock = true;
    }

    private void decodePpm(long target) {
        while (w.pos < target && !ended && ppmBlock) {
            if (in.overrun()) {
                ended = true;
                return;
            }
            int ch = ppm.decodeChar();
            if (ch == escChar) {
                int next = ppm.decodeChar();
                switch (next) {
                    case 0 -> {
                        readTables();
                        continue;
                    }
                    case 2 -> {
                        ended = true;
                        return;
                    }
                    case 3 -> {
                        filters.read(ppm::decodeChar, w.pos);
                        continue;
                    }
                    case 4 -> {
                        int d = ppm.decodeChar() << 16;
                        d |= ppm.decodeChar() << 8;
                        d |= ppm.decodeChar();
                        int len = ppm.decodeChar();
                        w.copy(d + 2L, len + 32);
                        continue;
                    }
                    case 5 -> {
                        w.copy(1, ppm.decodeChar() + 4);
                        continue;
                    }
                    default -> { } // 1: the escape byte itself
                }
            }
            w.put((byte) ch);
        }
    }

    @Override
    public void decodeUntil(long target) {
        final Window w = this.w;
        while (w.pos < target && !ended) {
            if (ppmBlock) {
                decodePpm(target);
                continue;
            }
            final BitInput in = this.in;
            if (in.overrun()) {
                ended = true;
                return;
            }
            int sym = main.decode(in);
            if (sym < 256) {
                w.put((byte) sym);
            } else if (sym >= 271) {
                int s = sym - 271;
                if (s >= LEN_BASE.length) throw new MalformedException("rar: bad length symbol", in.bytePos());
                int len = LEN_BASE[s] + 3;
                if (LEN_BITS[s] > 0) len += in.bits(LEN_BITS[s]);
                int ds = dist.decode(in);
                long d = DIST_BASE[ds] + 1L;
                int bits = DIST_BITS[ds];
                if (bits > 0) {
                    if (ds > 9) {
                        if (bits > 4) d += (long) in.bits(bits - 4) << 4;
                        if (lowDistRepeats > 0) {
                            lowDistRepeats--;
                            d += prevLowDist;
                        } else {
                            int ld = low.decode(in);
                            if (ld == 16) {
                                lowDistRepeats = LOW_DIST_REPEATS - 1;
                                d += prevLowDist;
                            } else {
                                d += ld;
                                prevLowDist = ld;
                            }
                        }
                    } else {
                        d += in.bits(bits);
                    }
                }
                if (d >= 0x2000) {
                    len++;
                    if (d >= 0x40000) len++;
                }
                match(d, len, true);
            } else if (sym == 256) {
                endOfBlock();
            } else if (sym == 257) {
                filters.read(in, w.pos);
            } else if (sym == 258) {
                if (lastLength != 0) w.copy(lastDist, lastLength);
            } else if (sym < 263) {
                int idx = sym - 259;
                long d = oldDist[idx];
                for (int i = idx; i > 0; i--) oldDist[i] = oldDist[i - 1];
                oldDist[0] = d;
                int ls = rep.decode(in);
                int len = LEN_BASE[ls] + 2;
                if (LEN_BITS[ls] > 0) len += in.bits(LEN_BITS[ls]);
                match(d, len, false);
            } else {
                int s = sym - 263;
                long d = SHORT_BASE[s] + 1 + in.bits(SHORT_BITS[s]);
                match(d, 2, true);
            }
        }
    }

    private void match(long d, int len, boolean insert) {
        if (insert) {
            oldDist[3] = oldDist[2];
            oldDist[2] = oldDist[1];
            oldDist[1] = oldDist[0];
            oldDist[0] = d;
        }
        lastDist = d;
        lastLength = len;
        w.copy(d, len);
    }

    /** Symbol 256: either new tables follow, or the member ends (and a bit says whether the next member brings tables). */
    private void endOfBlock() {
        if (in.bits(1) == 1) {
            readTables();
            return;
        }
        boolean newTable = in.bits(1) == 1;
        tablesRead = !newTable;
        ended = true;
    }
}
