package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time newline search against a byte loop, over bytes chosen to trip a zero-byte test. */
class NewlineSearchTest {
    private static int naive(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] == '\n') return i;
        return to;
    }

    @Test
    void findsTheFirstNewlineAtEveryAlignmentAndLength() {
        Random r = new Random(3);
        // neighbours of '\n' and bytes whose borrow reaches the next byte (0x0B, 0x8A, 0x00, 0x80, 0xFF)
        byte[] tricky = {'\n', 0x0B, 0x09, (byte) 0x8A, 0x00, (byte) 0x80, (byte) 0xFF, 0x01, 'a', 0x0A ^ 0x01};
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[r.nextInt(40)];
            int density = 1 + r.nextInt(30);
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextInt(density) == 0 ? (byte) '\n' : tricky[1 + r.nextInt(tricky.length - 1)];
                if (r.nextInt(4) == 0) b[i] = (byte) r.nextInt(256);
            }
            int from = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            int to = from + r.nextInt(b.length - from + 1);
            assertEquals(naive(b, from, to), DatabaseLoader.newline(b, from, to), () -> java.util.HexFormat.of().formatHex(b));
        }
    }
}
