package dev.bulwark.engine.exe;

import java.nio.ByteBuffer;

/**
 * Bounds-checked absolute reads of unsigned little- and big-endian integers from a layer buffer.
 * Callers check {@link #has} first; the getters themselves never throw for an in-range request and
 * return 0 for bytes outside the buffer, so a missed check can only produce a wrong value, not a crash.
 */
final class Bytes {
    private Bytes() {}

    /** True when {@code [off, off+len)} lies inside the buffer (len may be 0; off may be any long). */
    static boolean has(ByteBuffer b, long off, long len) {
        return off >= 0 && len >= 0 && off <= b.limit() && len <= b.limit() - off;
    }

    static int u8(ByteBuffer b, long off) {
        if (off < 0 || off >= b.limit()) return 0;
        // a writable heap buffer's array directly: one call site seeing heap, read-only and mapped buffers
        // would have its type speculation fail and be recompiled
        return (b.hasArray() ? b.array()[b.arrayOffset() + (int) off] : b.get((int) off)) & 0xff;
    }

    static int u16le(ByteBuffer b, long off) {
        return u8(b, off) | u8(b, off + 1) << 8;
    }

    /** Unsigned 32-bit little-endian value in a long. */
    static long u32le(ByteBuffer b, long off) {
        return (u16le(b, off) | (long) u16le(b, off + 2) << 16) & 0xffffffffL;
    }

    static long u64le(ByteBuffer b, long off) {
        return u32le(b, off) | u32le(b, off + 4) << 32;
    }

    static int u16(ByteBuffer b, long off, boolean bigEndian) {
        return bigEndian ? u8(b, off) << 8 | u8(b, off + 1) : u16le(b, off);
    }

    static long u32(ByteBuffer b, long off, boolean bigEndian) {
        if (!bigEndian) return u32le(b, off);
        return ((long) u16(b, off, true) << 16 | u16(b, off + 2, true)) & 0xffffffffL;
    }

    static long u64(ByteBuffer b, long off, boolean bigEndian) {
        if (!bigEndian) return u64le(b, off);
        return u32(b, off, true) << 32 | u32(b, off + 4, true);
    }

    /** Length of the NUL-terminated string at {@code off}, looking at most {@code max} bytes. */
    static int strlen(ByteBuffer b, long off, int max) {
        int n = 0;
        while (n < max && off + n < b.limit() && b.get((int) (off + n)) != 0) n++;
        return n;
    }

    /** Copies {@code len} bytes (caller checked {@link #has}). */
    static byte[] copy(ByteBuffer b, long off, int len) {
        byte[] out = new byte[len];
        b.get((int) off, out, 0, len);
        return out;
    }
}
