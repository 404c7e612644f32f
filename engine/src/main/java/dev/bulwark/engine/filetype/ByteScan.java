package dev.bulwark.engine.filetype;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Finds the next occurrence of one byte value eight bytes at a time (SWAR), for the marker scans. */
public final class ByteScan {
    /** (startup13) In a holder, created on first use: a tiny scan that takes the scalar paths creates no VarHandle (~0.5 ms of class initialisation and access-mode linking in the interpreter). */
    private static final class LE {
        static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    }
    private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L;
    /** (startup13) Ranges shorter than this are scanned a byte at a time (no VarHandle: see LE). */
    public static final int SWAR_MIN = 256;

    private ByteScan() {}

    /** Whether all eight bytes of {@code x} are text bytes: 0x09-0x0D or 0x20-0x7E. */
    public static boolean textWord(long x) {
        if ((x & HIGHS) != 0) return false;
        // seven-bit bytes: adding c to each byte sets its high bit exactly when the byte is >= 0x80 - c
        long ge09 = x + 0x77 * ONES, ge0e = x + 0x72 * ONES, ge20 = x + 0x60 * ONES, is7f = x + ONES;
        return ((ge20 & ~is7f | ge09 & ~ge0e) & HIGHS) == HIGHS;
    }

    /** Index of the first {@code c} in {@code a[from, to)}, or -1. */
    public static int next(byte[] a, int from, int to, byte c) {
        long pattern = (c & 0xFFL) * ONES;
        int i = from;
        if (to - from >= SWAR_MIN) for (; i + 8 <= to; i += 8) { // short ranges: the byte loop alone
            long x = (long) LE.LONG.get(a, i) ^ pattern;
            long found = (x - ONES) & ~x & HIGHS; // a high bit per byte equal to c (exact for the lowest one)
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        for (; i < to; i++) if (a[i] == c) return i;
        return -1;
    }

    /** Index of the first byte equal to the lower-case letter {@code lower} in either case in {@code a[from, to)}, or -1. */
    public static int nextFolded(byte[] a, int from, int to, byte lower) {
        long pattern = (lower & 0xFFL) * ONES, fold = 0x20 * ONES;
        int i = from;
        if (to - from >= SWAR_MIN) for (; i + 8 <= to; i += 8) { // short ranges: the byte loop alone
            long x = ((long) LE.LONG.get(a, i) | fold) ^ pattern;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        for (; i < to; i++) if ((a[i] | 0x20) == lower) return i;
        return -1;
    }

    /**
     * Start of the first occurrence of {@code m} starting in {@code [from, last]} of the buffer (and lying
     * inside it), or -1. Candidates are found by the byte {@code m[anchor]}: pass the index of a rare byte.
     */
    public static int find(ByteBuffer d, int from, int last, byte[] m, int anchor) {
        last = Math.min(last, d.limit() - m.length);
        from = Math.max(from, 0);
        if (from > last) return -1;
        byte c = m[anchor];
        if (d.hasArray()) {
            byte[] a = d.array();
            int o = d.arrayOffset();
            for (int k = next(a, o + from + anchor, o + last + anchor + 1, c); k >= 0;
                 k = next(a, k + 1, o + last + anchor + 1, c)) {
                int s = k - anchor;
                if (java.util.Arrays.equals(a, s, s + m.length, m, 0, m.length)) return s - o;
            }
            return -1;
        }
        Occurrences at = new Occurrences(d, from + anchor, last + anchor + 1, c);
        for (int k = at.next(); k >= 0; k = at.next()) {
            int s = k - anchor;
            if (equalsAt(d, s, m)) return s;
        }
        return -1;
    }

    private static boolean equalsAt(ByteBuffer d, int s, byte[] m) {
        for (int k = 0; k < m.length; k++) if (d.get(s + k) != m[k]) return false;
        return true;
    }

    /** Successive positions of one byte value in {@code [from, end)} of a buffer: heap buffers directly, others a chunk at a time. */
    static final class Occurrences {
        /** Bytes copied at a time from a buffer that is not on the heap. */
        private static final int CHUNK = 64 << 10;
        private final ByteBuffer d;
        private final byte c;
        private final int end, base;
        private final byte[] a;
        private byte[] chunk;
        private int chunkFrom, chunkLen, next;

        Occurrences(ByteBuffer d, int from, int end, byte c) {
            this.d = d;
            this.c = c;
            this.end = end;
            this.next = Math.max(0, from);
            this.a = d.hasArray() ? d.array() : null;
            this.base = a != null ? d.arrayOffset() : 0;
        }

        /** The next position, or -1. */
        int next() {
            if (a != null) {
                int k = next < end ? ByteScan.next(a, base + next, base + end, c) : -1;
                if (k < 0) return -1;
                next = k - base + 1;
                return k - base;
            }
            while (next < end) {
                if (chunk == null || next >= chunkFrom + chunkLen) {
                    if (chunk == null) chunk = new byte[CHUNK];
                    chunkFrom = next;
                    chunkLen = Math.min(CHUNK, end - next);
                    d.get(chunkFrom, chunk, 0, chunkLen);
                }
                int k = ByteScan.next(chunk, next - chunkFrom, chunkLen, c);
                if (k < 0) {
                    next = chunkFrom + chunkLen;
                    continue;
                }
                next = chunkFrom + k + 1;
                return chunkFrom + k;
            }
            return -1;
        }
    }
}
