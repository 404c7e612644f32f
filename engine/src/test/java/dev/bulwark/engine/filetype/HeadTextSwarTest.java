package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HeadText#isAscii} and {@link HeadText#foldHasLt} read eight bytes at a time; they must answer as the
 * byte loops do (ClamAV's control-character table; {@link HeadText#fold}'s '<') for every length and mix.
 */
class HeadTextSwarTest {
    /** Bytes near every boundary of the classes: controls, the allowed ones, 0x1F/0x20, 0x7E/0x7F, high, '<' parts. */
    private static final int[] PICK = {0, 1, 6, 7, 8, 9, 10, 11, 12, 13, 14, 26, 27, 28, 0x1F, 0x20, ' ', 'a', 'Z',
        0x3C, 0x2C, 0x5C, 0x7C, 0x6C, 0x4C, 0x7E, 0x7F, 0x80, 0x81, 0x8B, 0x9F, 0xA0, 0xC3, 0xFE, 0xFF};

    private static boolean asciiByTable(byte[] a, int n) {
        for (int i = 0; i < n; i++) {
            int c = a[i] & 0xFF;
            if (c < 128 && !HeadText.textChar(c)) return false;
        }
        return true;
    }

    @Test
    void sameAnswersAsTheByteLoops() {
        Random r = new Random(8);
        int ascii = 0, lt = 0;
        for (int t = 0; t < 200_000; t++) {
            // (startup13) heads shorter than ByteScan.SWAR_MIN take the byte loops in HeadText itself: lengths on both sides
            int n = (t / 4) % 2 == 0 ? r.nextInt(70) : ByteScan.SWAR_MIN - 8 + r.nextInt(70);
            byte[] a = new byte[n];
            int mode = t % 4;
            for (int i = 0; i < n; i++) {
                a[i] = (byte) switch (mode) {
                    case 0 -> PICK[r.nextInt(PICK.length)];
                    case 1 -> r.nextInt(20) == 0 ? PICK[r.nextInt(PICK.length)] : 0x20 + r.nextInt(0x5F); // mostly text
                    case 2 -> r.nextInt(256);
                    default -> r.nextInt(30) == 0 ? r.nextInt(0x20) : ' ' + r.nextInt(2) * ('\n' - ' ');
                };
            }
            boolean expected = asciiByTable(a, n);
            assertEquals(expected, HeadText.isAscii(a, n), () -> java.util.Arrays.toString(a));
            if (expected) ascii++;
            byte[] folded = new byte[n / 2];
            boolean hasLt = HeadText.fold(a, n & ~1, folded);
            assertEquals(hasLt, HeadText.foldHasLt(a, n & ~1), () -> java.util.Arrays.toString(a));
            if (hasLt) lt++;
        }
        assertEquals(true, ascii > 20_000 && ascii < 180_000, "ascii " + ascii);
        assertEquals(true, lt > 20_000 && lt < 180_000, "with '<' " + lt);
    }
}
