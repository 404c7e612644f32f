package dev.bulwark.engine.signatures.yara.modules;

/** Bounds-checked little-endian reads over the scanned data; out-of-range reads return -1 (never throw). */
final class Bytes {
    private Bytes() {}

    static int u8(ScanInput in, long off) {
        return in.has(off, 1) ? in.u8(off) : -1;
    }

    static int u16(ScanInput in, long off) {
        return in.has(off, 2) ? in.u8(off) | in.u8(off + 1) << 8 : -1;
    }

    static long u32(ScanInput in, long off) {
        if (!in.has(off, 4)) return -1;
        return (in.u8(off) | in.u8(off + 1) << 8 | in.u8(off + 2) << 16 | (long) in.u8(off + 3) << 24) & 0xFFFFFFFFL;
    }

    /** Returns Long.MIN_VALUE when out of range (every 64-bit value is legal). */
    static long u64(ScanInput in, long off) {
        if (!in.has(off, 8)) return Long.MIN_VALUE;
        return u32(in, off) | u32(in, off + 4) << 32;
    }

    static int u16be(ScanInput in, long off) {
        return in.has(off, 2) ? in.u8(off) << 8 | in.u8(off + 1) : -1;
    }

    static long u32be(ScanInput in, long off) {
        if (!in.has(off, 4)) return -1;
        return ((long) in.u8(off) << 24 | in.u8(off + 1) << 16 | in.u8(off + 2) << 8 | in.u8(off + 3)) & 0xFFFFFFFFL;
    }

    /** NUL-terminated string at off, at most max bytes; null if off is outside the data. */
    static byte[] cstr(ScanInput in, long off, int max) {
        if (!in.has(off, 1)) return null;
        int n = 0;
        while (n < max && in.has(off + n, 1) && in.u8(off + n) != 0) n++;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = (byte) in.u8(off + i);
        return out;
    }

    static byte[] slice(ScanInput in, long off, long n) {
        if (!in.has(off, n) || n > Integer.MAX_VALUE) return null;
        byte[] out = new byte[(int) n];
        System.arraycopy(in.data(), in.off() + (int) off, out, 0, (int) n);
        return out;
    }

    /** UTF-16LE string of n code units at off (ASCII-folded to bytes like YARA does); null if out of range. */
    static byte[] utf16(ScanInput in, long off, int units) {
        if (!in.has(off, 2L * units)) return null;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < units; i++) sb.append((char) u16(in, off + 2L * i));
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
