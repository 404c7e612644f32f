package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.archivecommon.MalformedException;

/**
 * PPMd variant H: the context model (contexts of up to {@code maxOrder} symbols, SEE escape
 * estimation, binary contexts) over {@link PpmdHeap}. RAR 3 decodes it with its own range coder
 * ({@link #initDecoder(BitInput)}); 7z's PPMd coder (method 03 04 01) drives the same model with
 * 7-Zip's range coder through {@link #initDecoder(RangeDecoder)}.
 * Contexts: numStats u16 @0, summFreq u16 @2, stats u32 @4, suffix u32 @8; a context with one
 * state keeps it at @2. States: symbol @0, freq @1, successor u32 @2 (6 bytes).
 */
public final class Ppmd7 extends PpmdHeap {
    /** The range coder under the model: RAR's (carry-less with low) or 7-Zip's (Code/Range only). */
    public interface RangeDecoder {
        /** Divides the range by {@code total} and returns the count the coded value falls on. */
        int threshold(int total);

        /** Narrows to [start, start+size) of the last {@link #threshold} total and normalizes. */
        void decode(int start, int size);

        /** A binary decision with probability {@code size0 / 2^totalBits} for 0; returns 0 or 1. */
        int decodeBit(int size0, int totalBits);

        /** Input position for error messages. */
        long position();
    }

    /** Orders 7-Zip accepts for a PPMd model. */
    public static final int MIN_ORDER = 2, MAX_ORDER = 64;

    /** Largest model we allocate (bytes): min(256 MiB, max(16 MiB, the scan size limit)), as for RAR 3 blocks. */
    public static long memoryCap(long maxScanSize) {
        return Math.min(256L << 20, Math.max(16L << 20, maxScanSize));
    }

    private static final int MAX_O = 64, INT_BITS = 7, PERIOD_BITS = 7, TOT_BITS = INT_BITS + PERIOD_BITS;
    private static final int BIN_SCALE = 1 << TOT_BITS, MAX_FREQ = 124;
    private static final long TOP = 1 << 24, BOT = 1 << 15;
    private static final int[] INIT_BIN_ESC = {0x3CDD, 0x1F3F, 0x59BF, 0x48F3, 0x64A1, 0x5ABC, 0x6632, 0x6051};
    private static final int[] EXP_ESCAPE = {25, 14, 9, 7, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2};
    private static final int[] NS2INDX = new int[256], NS2BSINDX = new int[256], HB2FLAG = new int[256];
    private static final int DUMMY_SEE = 25 * 16;

    static {
        NS2BSINDX[0] = 0;
        NS2BSINDX[1] = 2;
        for (int i = 2; i < 11; i++) NS2BSINDX[i] = 4;
        for (int i = 11; i < 256; i++) NS2BSINDX[i] = 6;
        int i = 0;
        for (; i < 3; i++) NS2INDX[i] = i;
        for (int m = i, k = 1; i < 256; i++) {
            NS2INDX[i] = m;
            if (--k == 0) k = ++m - 2;
        }
        for (i = 0x40; i < 0x100; i++) HB2FLAG[i] = 8;
    }

    private final int[] binSumm = new int[128 * 64];
    private final int[] seeSumm = new int[DUMMY_SEE + 1], seeShift = new int[DUMMY_SEE + 1], seeCount = new int[DUMMY_SEE + 1];
    private final int[] ps = new int[256];
    private final byte[] charMask = new byte[256];
    private final byte[] tmp = new byte[6];
    private final String label;
    private int minContext, maxContext, foundState, orderFall, initEsc, prevSuccess, maxOrder, hiBitsFlag, runLength, initRL;
    private boolean ready;
    private RangeDecoder in;
    private final RarRange rar = new RarRange();

    /** A model whose errors name {@code label} (the format). */
    public Ppmd7(String label) { this.label = label; }

    Ppmd7() { this("rar"); }

    boolean ready() { return ready; }

    /** Starts (or restarts) the model: {@code memory} bytes of heap, contexts up to {@code order}. */
    public void init(int memory, int order) {
        alloc(memory);
        maxOrder = order;
        restartModel();
        seeShift[DUMMY_SEE] = PERIOD_BITS;
        seeSumm[DUMMY_SEE] = 0;
        seeCount[DUMMY_SEE] = 64;
        ready = true;
    }

    void invalidate() { ready = false; }

    /** RAR 3: the coder's 4 bytes follow the block header in the bit stream. */
    void initDecoder(BitInput in) {
        rar.init(in);
        this.in = rar;
    }

    /** Decodes with {@code rc} (already initialised) from now on. */
    public void initDecoder(RangeDecoder rc) { this.in = rc; }

    private void restartModel() {
        java.util.Arrays.fill(freeList, 0);
        text = alignOffset;
        hiUnit = text + size;
        loUnit = unitsStart = hiUnit - size / 8 / UNIT * 7 * UNIT;
        glueCount = 0;
        orderFall = maxOrder;
        runLength = initRL = -(maxOrder < 12 ? maxOrder : 12) - 1;
        prevSuccess = 0;
        minContext = maxContext = hiUnit -= UNIT;
        u32(minContext + 8, 0);
        u16(minContext, 256);
        u16(minContext + 2, 257);
        foundState = loUnit;
        loUnit += 256 / 2 * UNIT;
        u32(minContext + 4, foundState);
        for (int i = 0; i < 256; i++) {
            int s = foundState + i * 6;
            u8(s, i);
            u8(s + 1, 1);
            u32(s + 2, 0);
        }
        for (int i = 0; i < 128; i++) {
            for (int k = 0; k < 8; k++) {
                int val = BIN_SCALE - INIT_BIN_ESC[k] / (i + 2);
                for (int j = 0; j < 64; j += 8) binSumm[i * 64 + k + j] = val;
            }
        }
        for (int i = 0; i < 25; i++) {
            for (int k = 0; k < 16; k++) {
                seeShift[i * 16 + k] = PERIOD_BITS - 4;
                seeSumm[i * 16 + k] = (5 * i + 10) << (PERIOD_BITS - 4);
                seeCount[i * 16 + k] = 4;
            }
        }
    }

    // ---- range decoder (RAR's variant) ----

    private final class RarRange implements RangeDecoder {
        private long low, code, range;
        private BitInput bits;

        void init(BitInput in) {
            bits = in;
            low = 0;
            range = 0xffffffffL;
            code = 0;
            for (int i = 0; i < 4; i++) code = (code << 8 | in.bits(8)) & 0xffffffffL;
        }

        @Override
        public long position() { return bits.bytePos(); }

        @Override
        public int threshold(int total) {
            range = range / total;
            if (range == 0) throw new MalformedException("rar: PPMd range underflow", bits.bytePos());
            return (int) Math.min(Integer.MAX_VALUE, ((code - low) & 0xffffffffL) / range);
        }

        @Override
        public void decode(int start, int size) {
            low = (low + start * range) & 0xffffffffL;
            range = (range * size) & 0xffffffffL;
            while (true) {
                if ((low ^ ((low + range) & 0xffffffffL)) >= TOP) {
                    if (range >= BOT) break;
                    range = (-low) & (BOT - 1);
                }
                code = (code << 8 | bits.bits(8)) & 0xffffffffL;
                range = (range << 8) & 0xffffffffL;
                low = (low << 8) & 0xffffffffL;
            }
            if (range == 0) throw new MalformedException("rar: PPMd range underflow", bits.bytePos());
        }

        @Override
        public int decodeBit(int size0, int totalBits) {
            range >>>= totalBits;
            long count = ((code - low) & 0xffffffffL) / range;
            if (count < size0) {
                decode(0, size0);
                return 0;
            }
            decode(size0, (1 << totalBits) - size0);
            return 1;
        }
    }

    // ---- model ----

    private int stats(int c) { return u32(c + 4); }
    private int suffix(int c) { return u32(c + 8); }
    private int successor(int s) { return u32(s + 2); }

    private void swapStates(int a, int b) {
        for (int i = 0; i < 6; i++) {
            byte t = m[a + i];
            m[a + i] = m[b + i];
            m[b + i] = t;
        }
    }

    private int findState(int c, int symbol) {
        int n = u16(c);
        if (n == 1) return c + 2;
        int s = stats(c);
        for (int i = 0; i < n; i++, s += 6) if (u8(s) == symbol) return s;
        throw new MalformedException(label + ": PPMd model inconsistent", 0);
    }

    private int createSuccessors(boolean skip) {
        int c = minContext;
        int upBranch = successor(foundState);
        int numPs = 0;
        if (!skip) ps[numPs++] = foundState;
        int fSymbol = u8(foundState);
        while (suffix(c) != 0) {
            c = suffix(c);
            int s = findState(c, fSymbol);
            int succ = successor(s);
            if (succ != upBranch) {
                c = succ;
                if (numPs == 0) return c;
                break;
            }
            if (numPs >= MAX_O) throw new MalformedException(label + ": PPMd context too deep", 0);
            ps[numPs++] = s;
        }
        int upSymbol = u8(upBranch);
        int upSucc = upBranch + 1;
        int upFreq;
        if (u16(c) == 1) {
            upFreq = u8(c + 3);
        } else {
            int s = findState(c, upSymbol);
            int cf = u8(s + 1) - 1;
            int s0 = u16(c + 2) - u16(c) - cf;
            upFreq = 1 + (2 * cf <= s0 ? (5 * cf > s0 ? 1 : 0) : (2 * cf + 3 * s0 - 1) / (2 * s0));
        }
        do {
            int c1;
            if (hiUnit != loUnit) c1 = hiUnit -= UNIT;
            else if (freeList[0] != 0) c1 = removeNode(0);
            else if ((c1 = allocUnitsRare(0)) == 0) return 0;
            u16(c1, 1);
            u8(c1 + 2, upSymbol);
            u8(c1 + 3, upFreq);
            u32(c1 + 4, upSucc);
            u32(c1 + 8, c);
            u32(ps[--numPs] + 2, c1);
            c = c1;
        } while (numPs != 0);
        return c;
    }

    private void updateModel() {
        int fSymbol = u8(foundState), fFreq = u8(foundState + 1);
        int fSuccessor = successor(foundState);
        if (fFreq < MAX_FREQ / 4 && suffix(minContext) != 0) {
            int c = suffix(minContext);
            if (u16(c) == 1) {
                int s = c + 2;
                if (u8(s + 1) < 32) u8(s + 1, u8(s + 1) + 1);
            } else {
                int s = stats(c);
                if (u8(s) != fSymbol) {
                    s = findState(c, fSymbol);
                    if (u8(s + 1) >= u8(s - 6 + 1)) {
                        swapStates(s, s - 6);
                        s -= 6;
                    }
                }
                if (u8(s + 1) < MAX_FREQ - 9) {
                    u8(s + 1, u8(s + 1) + 2);
                    u16(c + 2, u16(c + 2) + 2);
                }
            }
        }
        if (orderFall == 0) {
            minContext = maxContext = createSuccessors(true);
            if (minContext == 0) {
                restartModel();
                return;
            }
            u32(foundState + 2, minContext);
            return;
        }
        u8(text++, fSymbol);
        int successor = text;
        if (text >= unitsStart) {
            restartModel();
            return;
        }
        if (fSuccessor != 0) {
            if (fSuccessor <= successor) {
                int cs = createSuccessors(false);
                if (cs == 0) {
                    restartModel();
                    return;
                }
                fSuccessor = cs;
            }
            if (--orderFall == 0) {
                successor = fSuccessor;
                if (maxContext != minContext) text--;
            }
        } else {
            u32(foundState + 2, successor);
            fSuccessor = minContext;
        }
        int ns = u16(minContext);
        int s0 = u16(minContext + 2) - ns - (fFreq - 1);
        for (int c = maxContext; c != minContext; c = suffix(c)) {
            int ns1 = u16(c);
            if (ns1 != 1) {
                if ((ns1 & 1) == 0) {
                    int oldNU = ns1 >> 1;
                    int i = U2I[oldNU - 1];
                    if (i != U2I[oldNU]) {
                        int ptr = allocUnits(i + 1);
                        if (ptr == 0) {
                            restartModel();
                            return;
                        }
                        int oldPtr = stats(c);
                        System.arraycopy(m, oldPtr, m, ptr, oldNU * UNIT);
                        insertNode(oldPtr, i);
                        u32(c + 4, ptr);
                    }
                }
                int sf = u16(c + 2);
                u16(c + 2, sf + (2 * ns1 < ns ? 1 : 0) + 2 * ((4 * ns1 <= ns ? 1 : 0) & (sf <= 8 * ns1 ? 1 : 0)));
            } else {
                int s = allocUnits(0);
                if (s == 0) {
                    restartModel();
                    return;
                }
                System.arraycopy(m, c + 2, m, s, 6);
                u32(c + 4, s);
                int f = u8(s + 1);
                u8(s + 1, f < MAX_FREQ / 4 - 1 ? f << 1 : MAX_FREQ - 4);
                u16(c + 2, u8(s + 1) + initEsc + (ns > 3 ? 1 : 0));
            }
            long cf = 2L * fFreq * (u16(c + 2) + 6);
            long sf = (long) s0 + u16(c + 2);
            if (cf < 6 * sf) {
                cf = 1 + (cf > sf ? 1 : 0) + (cf >= 4 * sf ? 1 : 0);
                u16(c + 2, u16(c + 2) + 3);
            } else {
                cf = 4 + (cf >= 9 * sf ? 1 : 0) + (cf >= 12 * sf ? 1 : 0) + (cf >= 15 * sf ? 1 : 0);
                u16(c + 2, (int) (u16(c + 2) + cf));
            }
            int s = stats(c) + ns1 * 6;
            u32(s + 2, successor);
            u8(s, fSymbol);
            u8(s + 1, (int) cf);
            u16(c, ns1 + 1);
        }
        maxContext = minContext = fSuccessor;
    }

    private void rescale() {
        int stats = stats(minContext);
        int s = foundState;
        System.arraycopy(m, s, tmp, 0, 6);
        for (; s != stats; s -= 6) System.arraycopy(m, s - 6, m, s, 6);
        System.arraycopy(tmp, 0, m, s, 6);
        int escFreq = u16(minContext + 2) - u8(s + 1);
        int adder = orderFall != 0 ? 1 : 0;
        u8(s + 1, (u8(s + 1) + 4 + adder) >> 1);
        int sumFreq = u8(s + 1);
        int i = u16(minContext) - 1;
        do {
            s += 6;
            escFreq -= u8(s + 1);
            u8(s + 1, (u8(s + 1) + adder) >> 1);
            sumFreq += u8(s + 1);
            if (u8(s + 1) > u8(s - 6 + 1)) {
                int s1 = s;
                System.arraycopy(m, s1, tmp, 0, 6);
                do {
                    System.arraycopy(m, s1 - 6, m, s1, 6);
                    s1 -= 6;
                } while (s1 != stats && (tmp[1] & 0xff) > u8(s1 - 6 + 1));
                System.arraycopy(tmp, 0, m, s1, 6);
            }
        } while (--i != 0);
        if (u8(s + 1) == 0) {
            int numStats = u16(minContext);
            do {
                i++;
                s -= 6;
            } while (u8(s + 1) == 0);
            escFreq += i;
            u16(minContext, numStats - i);
            if (u16(minContext) == 1) {
                System.arraycopy(m, stats, tmp, 0, 6);
                int f = tmp[1] & 0xff;
                do {
                    f -= f >> 1;
                    escFreq >>= 1;
                } while (escFreq > 1);
                tmp[1] = (byte) f;
                insertNode(stats, U2I[((numStats + 1) >> 1) - 1]);
                System.arraycopy(tmp, 0, m, minContext + 2, 6);
                foundState = minContext + 2;
                return;
            }
            int n0 = (numStats + 1) >> 1, n1 = (u16(minContext) + 1) >> 1;
            if (n0 != n1) u32(minContext + 4, shrinkUnits(stats, n0, n1));
        }
        u16(minContext + 2, sumFreq + escFreq - (escFreq >> 1));
        foundState = stats(minContext);
    }

    private void nextContext() {
        int c = successor(foundState);
        if (orderFall == 0 && c > text) minContext = maxContext = c;
        else updateModel();
    }

    /** Decodes one byte; a corrupt stream is an error. */
    public int decodeChar() {
        if (minContext <= text || minContext >= alignOffset + size) throw new MalformedException(label + ": PPMd context out of range", in.position());
        int numStats = u16(minContext);
        if (numStats != 1) {
            int s = stats(minContext);
            int summ = u16(minContext + 2);
            int count = in.threshold(summ);
            int hiCnt = u8(s + 1);
            if (count < hiCnt) {
                in.decode(0, hiCnt);
                foundState = s;
                int symbol = u8(s);
                prevSuccess = 2 * hiCnt > summ ? 1 : 0;
                runLength += prevSuccess;
                u16(minContext + 2, summ + 4);
                u8(s + 1, hiCnt + 4);
                if (hiCnt + 4 > MAX_FREQ) rescale();
                nextContext();
                return symbol;
            }
            prevSuccess = 0;
            for (int i = numStats - 1; i > 0; i--) {
                s += 6;
                if ((hiCnt += u8(s + 1)) > count) {
                    in.decode(hiCnt - u8(s + 1), u8(s + 1));
                    foundState = s;
                    int symbol = u8(s);
                    update1(s);
                    return symbol;
                }
            }
            if (count >= summ) throw new MalformedException(label + ": PPMd data error", in.position());
            hiBitsFlag = HB2FLAG[u8(foundState)];
            in.decode(hiCnt, summ - hiCnt);
            java.util.Arrays.fill(charMask, (byte) -1);
            int st = stats(minContext);
            for (int i = 0; i < numStats; i++) charMask[u8(st + i * 6)] = 0;
        } else {
            int one = minContext + 2;
            int bi = (u8(one + 1) - 1) * 64 + prevSuccess + NS2BSINDX[u16(suffix(minContext)) - 1]
                    + (hiBitsFlag = HB2FLAG[u8(foundState)]) + 2 * HB2FLAG[u8(one)] + ((runLength >> 26) & 0x20);
            int prob = binSumm[bi];
            if (in.decodeBit(prob, TOT_BITS) == 0) {
                binSumm[bi] = prob + (1 << INT_BITS) - ((prob + (1 << (PERIOD_BITS - 2))) >> PERIOD_BITS);
                foundState = one;
                int symbol = u8(one);
                int f = u8(one + 1);
                u8(one + 1, f + (f < 128 ? 1 : 0));
                prevSuccess = 1;
                runLength++;
                nextContext();
                return symbol;
            }
            prob -= (prob + (1 << (PERIOD_BITS - 2))) >> PERIOD_BITS;
            binSumm[bi] = prob;
            initEsc = EXP_ESCAPE[prob >> 10];
            java.util.Arrays.fill(charMask, (byte) -1);
            charMask[u8(one)] = 0;
            prevSuccess = 0;
        }
        return escaped();
    }

    private void update1(int s) {
        u8(s + 1, u8(s + 1) + 4);
        u16(minContext + 2, u16(minContext + 2) + 4);
        if (u8(s + 1) > u8(s - 6 + 1)) {
            swapStates(s, s - 6);
            foundState = s -= 6;
            if (u8(s + 1) > MAX_FREQ) rescale();
        }
        nextContext();
    }

    private int escaped() {
        while (true) {
            int numMasked = u16(minContext);
            do {
                orderFall++;
                if (suffix(minContext) == 0) throw new MalformedException(label + ": PPMd escape past the root context", in.position());
                minContext = suffix(minContext);
            } while (u16(minContext) == numMasked);
            int ns = u16(minContext);
            int hiCnt = 0;
            int s = stats(minContext);
            int num = ns - numMasked;
            for (int i = 0, j = 0; i != num; j++, s += 6) {
                if (j >= ns) throw new MalformedException(label + ": PPMd model inconsistent", in.position());
                if (charMask[u8(s)] != 0) {
                    hiCnt += u8(s + 1);
                    ps[i++] = s;
                }
            }
            int see;
            int escFreq;
            if (ns != 256) {
                int nonMasked = ns - numMasked;
                see = NS2INDX[nonMasked - 1] * 16 + (nonMasked < u16(suffix(minContext)) - ns ? 1 : 0)
                        + 2 * (u16(minContext + 2) < 11 * ns ? 1 : 0) + 4 * (numMasked > nonMasked ? 1 : 0) + hiBitsFlag;
                int r = seeSumm[see] >>> seeShift[see];
                seeSumm[see] = (seeSumm[see] - r) & 0xffff;
                escFreq = r + (r == 0 ? 1 : 0);
            } else {
                see = DUMMY_SEE;
                escFreq = 1;
            }
            int freqSum = escFreq + hiCnt;
            int count = in.threshold(freqSum);
            if (count < hiCnt) {
                int k = 0;
                int acc = u8(ps[0] + 1);
                while (acc <= count) acc += u8(ps[++k] + 1);
                s = ps[k];
                in.decode(acc - u8(s + 1), u8(s + 1));
                if (seeShift[see] < PERIOD_BITS && --seeCount[see] == 0) {
                    seeSumm[see] = (seeSumm[see] << 1) & 0xffff;
                    seeCount[see] = 3 << seeShift[see]++;
                }
                foundState = s;
                int symbol = u8(s);
                u8(s + 1, u8(s + 1) + 4);
                u16(minContext + 2, u16(minContext + 2) + 4);
                if (u8(s + 1) > MAX_FREQ) rescale();
                runLength = initRL;
                updateModel();
                return symbol;
            }
            if (count >= freqSum) throw new MalformedException(label + ": PPMd data error", in.position());
            in.decode(hiCnt, freqSum - hiCnt);
            seeSumm[see] = (seeSumm[see] + freqSum) & 0xffff;
            for (int i = 0; i < num; i++) charMask[u8(ps[i])] = 0;
        }
    }
}
