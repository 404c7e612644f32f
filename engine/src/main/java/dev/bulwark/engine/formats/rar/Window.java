package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.archivecommon.MalformedException;

/**
 * The sliding dictionary shared by the RAR codecs, and the output side: bytes between {@link #out}
 * and {@link #pos} are decoded but not yet handed out; pending filters hold back their block until
 * it is complete and then hand out the filtered copy (the window keeps the unfiltered bytes, as
 * later matches refer to those).
 *
 * <p>The array starts small and doubles while the stream has not wrapped, up to the dictionary size
 * capped by {@code maxSize} (the caller derives it from the scan limits), so a lying dictionary size
 * allocates nothing it does not fill. Positions are absolute over a solid stream.
 */
final class Window {
    /** Most bytes one decoding step (a literal, a match, a filter) writes; the decoder stops this far from unread data. */
    static final int STEP = 0x2000;
    /** First allocation: small archives never need more. */
    private static final int INITIAL = 1 << 18;
    /** Filters queued and not yet applied; RAR's own unpacker allows 8192. */
    private static final int MAX_FILTERS = 8192;
    /** Member length used when the header gives none; far beyond any scan limit. */
    private static final long UNKNOWN_SIZE = Long.MAX_VALUE / 4;

    /** Applies one filter of a codec in place on {@code data[0..len)}; may use {@code scratch}; returns the buffer holding the result. */
    interface FilterRunner {
        byte[] run(int type, int arg, byte[] data, byte[] scratch, int len, long fileOffset);
    }

    /** A codec that writes into the window. */
    interface Source {
        /** Decodes until {@code pos >= target} or the member's input ends. */
        void decodeUntil(long target);

        /** True once the member's packed data is used up. */
        boolean ended();
    }

    byte[] win;
    int mask;
    private int maxSize;
    private final long maxTotal;
    private final int maxFilterLen;
    private final boolean chain;
    /** Bytes decoded since the start of the (solid) stream. */
    long pos;
    /** Bytes handed out so far. */
    long out;
    private long memberStart;
    private long memberEnd;

    private final long[] fStart = new long[MAX_FILTERS];
    private final int[] fLen = new int[MAX_FILTERS];
    private final int[] fType = new int[MAX_FILTERS];
    private final int[] fArg = new int[MAX_FILTERS];
    private int fHead;
    private int fCount;
    private byte[] bufA = new byte[0];
    private byte[] bufB = new byte[0];
    private byte[] filtered;
    private int filteredPos;
    private int filteredLen;

    /**
     * @param maxSize      largest window (a power of two): min(dictionary, cap from the limits)
     * @param maxTotal     most bytes the whole stream may decode (the scan budget)
     * @param maxFilterLen largest filter block the codec allows
     * @param chain        whether a filter on the same block as the previous one filters its output (RAR 3)
     */
    Window(int maxSize, long maxTotal, int maxFilterLen, boolean chain) {
        this.maxSize = maxSize;
        this.maxTotal = maxTotal;
        this.maxFilterLen = Math.min(maxFilterLen, maxSize / 2);
        this.chain = chain;
        win = new byte[Math.min(INITIAL, maxSize)];
        mask = win.length - 1;
    }

    /** Starts a member of {@code size} bytes at the current decoder position; drops what is left of the previous one. */
    void startMember(long size) {
        out = pos;
        memberStart = pos;
        memberEnd = pos + (size < 0 ? UNKNOWN_SIZE : Math.min(size, UNKNOWN_SIZE)); // unknown: until the data ends
        fCount = 0;
        filteredLen = filteredPos = 0;
    }

    /** Clears everything for a non-solid member. */
    void reset() {
        pos = out = memberStart = memberEnd = 0;
        fCount = 0;
        filteredLen = filteredPos = 0;
    }

    int maxSize() { return maxSize; }

    /** Most bytes the stream may decode (the scan budget); codecs size their own models by it. */
    long maxTotal() { return maxTotal; }

    /** A solid member asks for a bigger dictionary: possible while the stream has not wrapped. */
    void raiseMax(int n) {
        if (pos <= win.length) maxSize = Math.max(maxSize, n);
    }

    /** Grows the array so that decoding up to {@code target} plus one step fits, while the stream has not wrapped. */
    private void prepare(long target) {
        if (win.length >= maxSize || target + STEP <= win.length) return;
        long want = Long.highestOneBit(Math.max(1, target + STEP - 1)) << 1;
        int n = (int) Math.min(maxSize, want);
        win = java.util.Arrays.copyOf(win, n);
        mask = n - 1;
    }

    // ---- writing (called by the codecs in their decoding loops) ----

    void put(byte v) { win[(int) (pos++ & mask)] = v; }

    /** Copies a match; a distance reaching before the stream start or beyond the window is corrupt data. */
    void copy(long dist, int len) {
        if (dist <= 0 || dist > pos || dist > win.length) throw new MalformedException("rar: match distance " + dist + " out of range", pos);
        byte[] w = win;
        int m = mask;
        int d = (int) (pos & m);
        int s = (int) ((pos - dist) & m);
        if (dist >= len && s + len <= w.length && d + len <= w.length) {
            System.arraycopy(w, s, w, d, len);
        } else {
            for (int i = 0; i < len; i++) w[(d + i) & m] = w[(s + i) & m];
        }
        pos += len;
    }

    /** Queues a filter over [start, start+len) of the stream. */
    void addFilter(long start, int len, int type, int arg) {
        if (len < 4 || len > maxFilterLen) throw new MalformedException("rar: filter block of " + len + " bytes", pos);
        if (start < out || fCount == MAX_FILTERS) throw new MalformedException("rar: bad filter position", pos);
        int i = (fHead + fCount++) % MAX_FILTERS;
        fStart[i] = start;
        fLen[i] = len;
        fType[i] = type;
        fArg[i] = arg;
    }

    // ---- reading ----

    /** Reads decoded, filtered bytes of the current member; -1 at its end. */
    int read(byte[] dst, int off, int len, Source src, FilterRunner runner) {
        while (true) {
            if (out >= memberEnd) return -1;
            int max = (int) Math.min(len, memberEnd - out);
            if (filteredPos < filteredLen) {
                int n = Math.min(max, filteredLen - filteredPos);
                System.arraycopy(filtered, filteredPos, dst, off, n);
                filteredPos += n;
                out += n;
                return n;
            }
            long limit = pos;
            if (fCount > 0) {
                long fs = fStart[fHead];
                int fl = fLen[fHead];
                if (fs < out) { // overlaps an earlier filter's block: corrupt, drop it
                    dropFilter();
                    continue;
                }
                if (fs == out) {
                    if (fs + fl > memberEnd) { // block runs past the member: its bytes go out unfiltered, as libarchive does
                        dropFilter();
                        continue;
                    }
                    if (pos >= fs + fl) {
                        runFilters(runner);
                        continue;
                    }
                    if (src.ended()) {
                        dropFilter();
                        continue;
                    }
                    decode(src, fs + fl);
                    continue;
                }
                limit = Math.min(limit, fs);
            }
            if (limit > out) {
                int n = (int) Math.min(max, limit - out);
                int p = (int) (out & mask);
                int first = Math.min(n, win.length - p);
                System.arraycopy(win, p, dst, off, first);
                if (first < n) System.arraycopy(win, 0, dst, off + first, n - first);
                out += n;
                return n;
            }
            if (src.ended()) return -1;
            decode(src, out + (1 << 20));
        }
    }

    private void decode(Source src, long target) {
        if (pos >= maxTotal) throw new MalformedException("rar: stream decodes past the scan size limit", pos);
        target = Math.min(target, memberEnd);
        prepare(target);
        target = Math.min(target, out + win.length - STEP);
        long before = pos;
        src.decodeUntil(target);
        if (pos == before && !src.ended()) throw new MalformedException("rar: decoder made no progress", pos);
    }

    private void dropFilter() {
        fHead = (fHead + 1) % MAX_FILTERS;
        fCount--;
    }

    private void runFilters(FilterRunner runner) {
        long fs = fStart[fHead];
        int fl = fLen[fHead];
        if (bufA.length < fl) {
            bufA = new byte[Math.max(fl, Math.min(maxFilterLen, bufA.length * 2))];
            bufB = new byte[bufA.length];
        }
        int p = (int) (fs & mask);
        int first = Math.min(fl, win.length - p);
        System.arraycopy(win, p, bufA, 0, first);
        if (first < fl) System.arraycopy(win, 0, bufA, first, fl - first);
        byte[] data = bufA;
        do {
            byte[] other = data == bufA ? bufB : bufA;
            data = runner.run(fType[fHead], fArg[fHead], data, other, fl, fs - memberStart);
            dropFilter();
        } while (chain && fCount > 0 && fStart[fHead] == fs && fLen[fHead] == fl);
        filtered = data;
        filteredPos = 0;
        filteredLen = fl;
    }

    /** Decodes and discards the rest of the current member (to reach the next one in a solid stream). */
    void skipRest(Source src, FilterRunner runner) {
        byte[] sink = new byte[1 << 16];
        while (read(sink, 0, sink.length, src, runner) > 0) {
            // discard
        }
    }
}
