package dev.bulwark.engine.formats.docio;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte buffer with a hard capacity, for decoders whose output size is not known in
 * advance. Writes beyond the capacity are dropped and remembered ({@link #overflowed()}), so a
 * lying size field or a decompression bomb can never allocate more than the capacity.
 */
public final class ByteSink {
    private static final int INITIAL = 4096; // small first allocation: most members are tiny

    private final int cap;
    private byte[] buf;
    private int len;
    private boolean overflow;

    /** @param capacity maximum bytes kept (clamped to the largest Java array) */
    public ByteSink(long capacity) {
        this.cap = (int) Math.max(0, Math.min(capacity, Integer.MAX_VALUE - 16));
        this.buf = new byte[Math.min(cap, INITIAL)];
    }

    /** Appends one byte; returns false (and drops it) once the capacity is reached. */
    public boolean put(int b) {
        if (len == buf.length && !grow(1)) {
            overflow = true;
            return false;
        }
        buf[len++] = (byte) b;
        return true;
    }

    /** Appends what fits of {@code n} bytes; returns false if anything was dropped. */
    public boolean put(byte[] src, int off, int n) {
        if (n <= 0) return true;
        if (len + (long) n > buf.length) grow(n);
        int k = Math.min(n, buf.length - len);
        System.arraycopy(src, off, buf, len, k);
        len += k;
        if (k < n) {
            overflow = true;
            return false;
        }
        return true;
    }

    /** Appends bytes from a buffer region (absolute indices). */
    public boolean put(ByteBuffer src, int off, int n) {
        if (n <= 0) return true;
        if (len + (long) n > buf.length) grow(n);
        int k = Math.min(n, buf.length - len);
        src.get(off, buf, len, k);
        len += k;
        if (k < n) {
            overflow = true;
            return false;
        }
        return true;
    }

    private boolean grow(int need) {
        if (buf.length >= cap) return false;
        long want = Math.max((long) buf.length * 2, (long) len + need);
        int n = (int) Math.min(want, cap);
        buf = Arrays.copyOf(buf, n);
        return n > len;
    }

    /** Makes room for {@code n} more bytes at once (within the capacity), so a writer of many pieces copies once. */
    public void reserve(long n) {
        if (len + n > buf.length && buf.length < cap) buf = Arrays.copyOf(buf, (int) Math.min(len + n, cap));
    }

    public int size() { return len; }

    public boolean isEmpty() { return len == 0; }

    /** True when some output was dropped because the capacity was reached. */
    public boolean overflowed() { return overflow; }

    /** Byte at index {@code i} (0 &le; i &lt; size). */
    public int get(int i) { return buf[i] & 0xff; }

    /** A read-only view of the bytes written so far (shares the array: do not write afterwards). */
    public ByteBuffer view() {
        return ByteBuffer.wrap(buf, 0, len).slice().asReadOnlyBuffer();
    }

    /** A copy of the bytes written so far. */
    public byte[] toArray() { return Arrays.copyOf(buf, len); }

    public void clear() {
        len = 0;
        overflow = false;
    }
}
