package dev.bulwark.engine.filetype;

/**
 * The loops of type detection over a layer's first bytes, on a plain array: ClamAV's text classes (textdet.c),
 * the tar header checksum and the UTF-16 fold. Kept apart from {@link FileTypeDetector}, which runs once per
 * layer and is left to the C1 compiler ({@code bin/scan-jit.json}): these small loops are compiled on their own.
 */
final class HeadText {
    private HeadText() {}

    /** 1 for the bytes below 128 that plain text does not hold (controls other than BEL BS HT LF FF CR ESC, DEL). */
    private static final byte[] CONTROL = new byte[256];

    static {
        for (int c = 0; c < 128; c++) CONTROL[c] = (byte) (textChar(c) ? 0 : 1);
    }

    /** Bit c set for the bytes below 128 that appear in plain text (BEL BS HT LF FF CR ESC, 0x20-0x7E). */
    private static final long TEXT_LOW = 1L << 7 | 1L << 8 | 1L << 9 | 1L << 10 | 1L << 12 | 1L << 13 | 1L << 27 | 0xFFFF_FFFF_0000_0000L;
    private static final long TEXT_HIGH = 0x7FFF_FFFF_FFFF_FFFFL; // 0x40-0x7E

    static boolean textChar(int c) {
        return c < 64 ? (TEXT_LOW >>> c & 1) != 0 : c < 128 && (TEXT_HIGH >>> (c - 64) & 1) != 0;
    }

    /** No byte of {@code a[0, n)} is a control character (bytes from 0x80 up are allowed). */
    static boolean isAscii(byte[] a, int n) {
        int i = 0;
        // eight bytes at a time where they are high, 0x20-0x7E or HT LF FF CR; a short head a byte at a time (no VarHandle)
        if (n >= ByteScan.SWAR_MIN) for (; i + 8 <= n; i += 8) {
            long x = (long) LE.LONG.get(a, i), y = x & ~HIGHS; // y: each byte's low seven bits, no carries below
            long printable = (y + 0x60 * ONES) & ~(y + ONES); // >= 0x20 and not 0x7F
            long blank = (y + 0x77 * ONES) & ~(y + 0x72 * ONES) & ((y ^ 0x0B * ONES) + 0x7F * ONES); // 0x09-0x0D but VT
            if (((x | printable | blank) & HIGHS) == HIGHS) continue;
            for (int k = i; k < i + 8; k++) if (CONTROL[a[k] & 0xFF] != 0) return false; // BEL, BS or ESC pass here
        }
        for (; i < n; i++) if (CONTROL[a[i] & 0xFF] != 0) return false;
        return true;
    }

    /** (startup13) In a holder, created on first use: a tiny scan that takes the scalar paths creates no VarHandle (~0.5 ms of class initialisation and access-mode linking in the interpreter). */
    private static final class LE {
        static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    }
    private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L;
    private static final long LANES = 0x00FF00FF00FF00FFL, LANE_ONES = 0x0001000100010001L, LANE_HIGHS = 0x8000800080008000L;

    /**
     * Whether {@link #fold} of {@code a[0, n)} ({@code n} even) gives a '<', without writing the fold: four code
     * units at a time, each folded in its 16-bit lane ({@code (odd << 4) + even} stays below 0x10F0).
     */
    static boolean foldHasLt(byte[] a, int n) {
        int i = 0;
        if (n >= ByteScan.SWAR_MIN) for (; i + 8 <= n; i += 8) { // a short head: two bytes at a time (no VarHandle)
            long x = (long) LE.LONG.get(a, i);
            long f = (((x >>> 8 & LANES) << 4) + (x & LANES)) & LANES ^ '<' * LANE_ONES;
            if (((f - LANE_ONES) & ~f & LANE_HIGHS) != 0) return true; // a lane of zero: a '<' (exact for "any")
        }
        for (; i + 1 < n; i += 2) if ((byte) ((a[i + 1] << 4) + a[i]) == '<') return true;
        return false;
    }

    /** ClamAV's UTF-8 test: no control character, only valid sequences, at least one of them. */
    static boolean isUtf8(byte[] a, int n) {
        boolean gotOne = false;
        for (int i = 0; i < n; i++) {
            int c = a[i] & 0xFF;
            if (c < 0x80) {
                if (CONTROL[c] != 0) return false;
                continue;
            }
            if ((c & 0x40) == 0) return false; // a continuation byte cannot start a sequence
            int following = (c & 0x20) == 0 ? 1 : (c & 0x10) == 0 ? 2 : (c & 0x08) == 0 ? 3 : (c & 0x04) == 0 ? 4 : (c & 0x02) == 0 ? 5 : -1;
            if (following < 0) return false;
            for (int j = 0; j < following; j++) {
                if (++i >= n) return gotOne;
                int k = a[i] & 0xFF;
                if ((k & 0x80) == 0 || (k & 0x40) != 0) return false;
            }
            gotOne = true;
        }
        return gotOne;
    }

    /** 1 little-endian, 2 big-endian, 0 not UTF-16 (see {@link FileTypeDetector#classifyText}). */
    static int utf16(byte[] a, int n) {
        if (n < 2) return 0;
        int b0 = a[0] & 0xFF, b1 = a[1] & 0xFF;
        boolean le = b0 == 0xFF && b1 == 0xFE, bom = le || b0 == 0xFE && b1 == 0xFF;
        int hiAt = le ? 1 : 0, loAt = 1 - hiAt, bad = 0;
        for (int i = 2; i + 1 < n; i += 2) {
            int hi = a[i + hiAt] & 0xFF, lo = a[i + loAt] & 0xFF;
            if (hi != 0) {
                if (hi == 0xFF && lo == 0xFE) return 0;
                continue;
            }
            if (CONTROL[lo] != 0) {
                if (!bom) return 0;
                bad++;
            }
        }
        if (bom && bad >= n / 2) return 0;
        return le ? 1 : 2;
    }

    /**
     * ustar/old tar: a 512-byte header (of {@code a[0, n)}) whose checksum field matches. (daemon16) The field is
     * read first: a head without an octal digit there, or with a NUL first byte, is not a tar header whatever its
     * sum, so the 504-byte sum is only taken for the few that have one; the result is the same.
     */
    static boolean isTar(byte[] a, int n) {
        if (n < 512 || a[0] == 0) return false;
        long stored = 0;
        int i = 148;
        while (i < 156 && a[i] == ' ') i++;
        int digits = 0;
        for (; i < 156; i++) {
            int c = a[i];
            if (c < '0' || c > '7') break;
            stored = stored * 8 + (c - '0');
            digits++;
        }
        if (digits == 0) return false;
        long sum = 8 * ' ';
        for (int k = 0; k < 148; k++) sum += a[k] & 0xFF;
        for (int k = 156; k < 512; k++) sum += a[k] & 0xFF;
        return stored == sum;
    }

    /** ClamAV's UTF-16 fold of {@code a[0, n)} into {@code out} (see {@link FileTypeDetector#foldUtf16}); true when a '<' came out. */
    static boolean fold(byte[] a, int n, byte[] out) {
        int lt = 0;
        for (int i = 0, j = 0; i + 1 < n; i += 2, j++) {
            byte f = (byte) ((a[i + 1] << 4) + a[i]);
            out[j] = f;
            lt |= f == '<' ? 1 : 0;
        }
        return lt != 0;
    }
}
