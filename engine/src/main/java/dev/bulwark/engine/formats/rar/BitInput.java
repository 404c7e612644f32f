package dev.bulwark.engine.formats.rar;

import java.nio.ByteBuffer;

/**
 * Most-significant-bit-first reader over one member's packed bytes, as both RAR codecs read them.
 * Bytes past the end read as zero; {@link #overrun()} tells the decoder it went past the data, so a
 * truncated member ends instead of decoding zeros forever.
 */
final class BitInput {
    /** Zero bytes a reader may invent past the end before callers must have noticed the overrun. */
    private static final long OVERRUN_SLACK = 16;

    private final ByteBuffer b;
    private final long start;
    private final long end;
    private long next;
    private long acc;
    private int cnt;

    BitInput(ByteBuffer b, long start, long end) {
        this.b = b;
        this.start = start;
        this.end = Math.min(end, b.limit());
        this.next = start;
    }

    private void fill() {
        while (cnt <= 56) {
            int v = next < end ? b.get((int) next) & 0xff : 0;
            next++;
            acc = (acc << 8) | v;
            cnt += 8;
        }
    }

    /** The next {@code n} bits (1..31) without consuming them. */
    int peek(int n) {
        if (cnt < n) fill();
        return (int) (acc >>> (cnt - n)) & ((1 << n) - 1);
    }

    /** Consumes {@code n} bits that {@link #peek} has already made available. */
    void skip(int n) {
        if (cnt < n) fill();
        cnt -= n;
    }

    int bits(int n) {
        int v = peek(n);
        cnt -= n;
        return v;
    }

    /** Bits consumed since the start of the member's data. */
    long bitPos() { return (next - start) * 8 - cnt; }

    /** Absolute layer offset of the next unread whole byte (after {@link #alignByte}). */
    long bytePos() { return next - cnt / 8; }

    void alignByte() { cnt -= cnt & 7; }

    void seek(long absolute) {
        next = absolute;
        acc = 0;
        cnt = 0;
    }

    /** Bytes left before the end of the data, counted from the read position. */
    long remaining() { return end - bytePos(); }

    long end() { return end; }

    /** True once the reader consumed bits past the end of the data (plus a little lookahead). */
    boolean overrun() { return next - cnt / 8 > end + OVERRUN_SLACK || bitPos() > (end - start) * 8; }
}
