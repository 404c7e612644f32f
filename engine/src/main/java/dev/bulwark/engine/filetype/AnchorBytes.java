package dev.bulwark.engine.filetype;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The embedded-type rules without "MZ…PE" ({@link EmbeddedTypeFinder}) found by an anchor: one byte of each
 * rule's fixed part that plain text never holds, at a fixed offset from the rule's start. Every match of a
 * rule has its anchor, so looking only at anchor positions finds every match; in mostly plain text a whole
 * 8-byte word without a byte outside the text bytes (HT..CR, space..'~') is skipped in a few operations.
 *
 * <p>Anchors: ZIP {@code PK\3\4} its 0x03; CAB {@code MSCF\0…} its first NUL; RAR {@code Rar!\x1a…} 0x1a; ARJ
 * 0x60 0xea its 0xea; AutoIt and NSIS their first byte (0xa3, 0xef); InstallShield-MSI the NUL ending
 * "InstallShield"; ISO 9660 its 0x01; 7z {@code 7z\xbc…} 0xbc.
 */
final class AnchorBytes {
    static final int ZIP = 1, CAB = 2, RAR = 3, ARJ = 4, AUTOIT = 5, NSIS = 6, MSI = 7, ISO = 8, SEVENZIP = 9;
    /** Offset of each rule's anchor from the rule's start. */
    static final int[] OFFSET = new int[10];
    /** Per byte value: the rules anchored at it, one per byte of the int (low first), 0 when none. */
    static final int[] RULES = new int[256];
    /**
     * A layer whose sampled words are at most one in this many not plain text is searched by anchors (a
     * speed choice only: both searches find the same hits).
     */
    private static final int TEXT_RATIO = 8;
    /** Bytes sampled from the start of a layer for that choice. */
    private static final int SAMPLE = 2048;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        anchor(ZIP, 0x03, 2);
        anchor(CAB, 0x00, 4);
        anchor(RAR, 0x1a, 4);
        anchor(ARJ, 0xea, 1);
        anchor(AUTOIT, 0xa3, 0);
        anchor(NSIS, 0xef, 0);
        anchor(MSI, 0x00, 13);
        anchor(ISO, 0x01, 0);
        anchor(SEVENZIP, 0xbc, 2);
    }

    private static void anchor(int rule, int b, int offset) {
        OFFSET[rule] = offset;
        int rules = RULES[b], shift = 0;
        while ((rules >>> shift & 0xFF) != 0) shift += 8;
        RULES[b] = rules | rule << shift;
    }

    private AnchorBytes() {}

    /** Whether all eight bytes at {@code a[i]} are text bytes (0x09-0x0D, 0x20-0x7E), none an anchor. */
    static boolean quiet(byte[] a, int i) {
        return ByteScan.textWord((long) LONG_LE.get(a, i));
    }

    /** Whether the layer's first bytes are mostly plain text (the anchored search then pays). */
    static boolean mostlyText(byte[] a, int base, int n) {
        int words = Math.min(n, SAMPLE) >>> 3, loud = 0;
        for (int w = 0; w < words; w++) if (!quiet(a, base + (w << 3))) loud++;
        return words > 0 && loud * TEXT_RATIO <= words;
    }
}
