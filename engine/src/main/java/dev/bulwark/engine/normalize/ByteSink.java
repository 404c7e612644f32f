package dev.bulwark.engine.normalize;

import java.util.Arrays;

/** A growable output buffer for the normalisers: one array, doubled when full, never one allocation per byte. */
final class ByteSink {
    private byte[] buf;
    private int len;

    ByteSink(int initial) {
        buf = new byte[Math.max(16, initial)];
    }

    /** A sink that writes into {@code reuse} (its old content is never read) when it holds {@code initial} bytes. */
    ByteSink(int initial, byte[] reuse) {
        int n = Math.max(16, initial);
        buf = reuse != null && reuse.length >= n ? reuse : new byte[n];
    }

    void put(int b) {
        if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
        buf[len++] = (byte) b;
    }

    void put(byte[] b, int from, int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        System.arraycopy(b, from, buf, len, n);
        len += n;
    }

    void put(String ascii) {
        for (int i = 0; i < ascii.length(); i++) put(ascii.charAt(i));
    }

    int length() {
        return len;
    }

    /**
     * The buffer, with room for at least {@code n} more bytes after {@link #length()}: a fast path writes
     * there directly and then calls {@link #setLength}. Valid until the next call that may grow the buffer.
     */
    byte[] room(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        return buf;
    }

    /** After writing into {@link #room}: the new length (at most the buffer's size). */
    void setLength(int n) {
        len = n;
    }

    /** The buffer itself; its first {@link #length()} bytes are the content. */
    byte[] array() {
        return buf;
    }

    int at(int i) {
        return buf[i] & 0xFF;
    }

    /** Drops the last byte, if any (ClamAV rewinds its output by one byte for a comment's '<'). */
    void unput() {
        if (len > 0) len--;
    }

    /** Moves {@code n} bytes from {@code src} to {@code dst} inside the buffer (for {@code dst <= src}). */
    void move(int src, int dst, int n) {
        System.arraycopy(buf, src, buf, dst, n);
    }

    void truncate(int n) {
        if (n < len) len = Math.max(0, n);
    }

    boolean endsWith(String ascii) {
        int n = ascii.length();
        if (len < n) return false;
        for (int i = 0; i < n; i++) if (buf[len - n + i] != ascii.charAt(i)) return false;
        return true;
    }

    String latin1(int from, int to) {
        return new String(buf, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, len);
    }
}
