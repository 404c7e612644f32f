package dev.bulwark.engine.formats.archivecommon;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Bounds-checked little/big-endian reads from a layer buffer (absolute positions). */
public final class Bytes {
    private Bytes() {}

    public static void need(ByteBuffer b, long off, long len) {
        if (!has(b, off, len)) throw new MalformedException("truncated: need " + len + " bytes", off);
    }

    public static boolean has(ByteBuffer b, long off, long len) {
        return off >= 0 && len >= 0 && off <= b.limit() && len <= b.limit() - off; // no overflow for huge values
    }

    public static int u8(ByteBuffer b, long off) { need(b, off, 1); return at(b, (int) off) & 0xff; }

    /**
     * The byte at {@code i}: from the array of a writable heap buffer, else through the buffer. One call site
     * seeing heap, read-only and mapped buffers would have its type speculation fail and be recompiled.
     */
    private static byte at(ByteBuffer b, int i) {
        return b.hasArray() ? b.array()[b.arrayOffset() + i] : b.get(i);
    }

    public static int u16le(ByteBuffer b, long off) {
        need(b, off, 2);
        int o = (int) off;
        return (at(b, o) & 0xff) | (at(b, o + 1) & 0xff) << 8;
    }

    public static long u32le(ByteBuffer b, long off) {
        need(b, off, 4);
        int o = (int) off;
        return (at(b, o) & 0xffL) | (at(b, o + 1) & 0xffL) << 8 | (at(b, o + 2) & 0xffL) << 16 | (at(b, o + 3) & 0xffL) << 24;
    }

    /** Unsigned 64-bit value; values above Long.MAX_VALUE come back negative and must be rejected by callers. */
    public static long u64le(ByteBuffer b, long off) {
        return u32le(b, off) | u32le(b, off + 4) << 32;
    }

    public static int u16be(ByteBuffer b, long off) {
        need(b, off, 2);
        int o = (int) off;
        return (at(b, o) & 0xff) << 8 | (at(b, o + 1) & 0xff);
    }

    public static long u32be(ByteBuffer b, long off) {
        need(b, off, 4);
        int o = (int) off;
        return (at(b, o) & 0xffL) << 24 | (at(b, o + 1) & 0xffL) << 16 | (at(b, o + 2) & 0xffL) << 8 | (at(b, o + 3) & 0xffL);
    }

    /** Text of a name field; bytes are decoded as UTF-8 when flagged, else ISO-8859-1 (one char per byte). */
    public static String text(ByteBuffer b, long off, int len, boolean utf8) {
        need(b, off, len);
        byte[] a = new byte[len];
        b.get((int) off, a, 0, len);
        return new String(a, utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** A read-only view of {@code [off, off+len)} clipped to the buffer (empty for negative offsets); index 0 is {@code off}. */
    public static ByteBuffer slice(ByteBuffer b, long off, long len) {
        int from = off < 0 ? b.limit() : (int) Math.min(off, b.limit()); // a negative (lying) offset gives nothing
        long want = Math.max(0, len);
        int to = (int) Math.min(b.limit(), from + Math.min(want, b.limit()));
        return b.slice(from, to - from).asReadOnlyBuffer();
    }

    /** First index of {@code pattern} in {@code [from, to)}, or -1. */
    public static int indexOf(ByteBuffer b, byte[] pattern, int from, int to) {
        int end = Math.min(to, b.limit()) - pattern.length;
        outer:
        for (int i = Math.max(0, from); i <= end; i++) {
            for (int j = 0; j < pattern.length; j++) if (at(b, i + j) != pattern[j]) continue outer;
            return i;
        }
        return -1;
    }
}
