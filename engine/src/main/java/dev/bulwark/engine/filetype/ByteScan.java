package dev.bulwark.engine.filetype;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Finds the next occurrence of one byte value eight bytes at a time (SWAR), for the marker scans. */
final class ByteScan {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L;

    private ByteScan() {}

    /** Index of the first {@code c} in {@code a[from, to)}, or -1. */
    static int next(byte[] a, int from, int to, byte c) {
        long pattern = (c & 0xFFL) * ONES;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONG_LE.get(a, i) ^ pattern;
            long found = (x - ONES) & ~x & HIGHS; // a high bit per byte equal to c (exact for the lowest one)
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        for (; i < to; i++) if (a[i] == c) return i;
        return -1;
    }

    /** Index of the first byte equal to the lower-case letter {@code lower} in either case in {@code a[from, to)}, or -1. */
    static int nextFolded(byte[] a, int from, int to, byte lower) {
        long pattern = (lower & 0xFFL) * ONES, fold = 0x20 * ONES;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = ((long) LONG_LE.get(a, i) | fold) ^ pattern;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        for (; i < to; i++) if ((a[i] | 0x20) == lower) return i;
        return -1;
    }
}
