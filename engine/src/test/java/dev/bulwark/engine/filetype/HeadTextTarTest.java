package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * (daemon16) {@link HeadText#isTar} reads the checksum field before it sums the header; it must answer as the
 * summing-first reference ({@link FileTypeDetectorReference#isTar}) for real-looking tar headers, headers with a
 * wrong, space-padded, NUL-ended or empty checksum field, a NUL first byte, short heads and random bytes.
 */
class HeadTextTarTest {
    private static void header(byte[] a, Random r, int mode) {
        long sum = 8 * ' ';
        for (int i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += a[i] & 0xFF;
        String f = switch (mode) {
            case 0 -> String.format("%06o", sum) + "\0 ";
            case 1 -> String.format("%07o", sum) + "\0";
            case 2 -> "  " + String.format("%o", sum) + "\0";
            case 3 -> String.format("%06o", sum + 1 + r.nextInt(3)) + "\0 "; // wrong sum
            case 4 -> "        "; // blanks only: no digit
            case 5 -> "\0\0\0\0\0\0\0\0";
            default -> String.format("%06o", sum).replace('0', '8') + "\0 "; // not octal
        };
        byte[] b = f.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, a, 148, Math.min(8, b.length));
    }

    @Test
    void sameAnswerAsSummingFirst() {
        Random r = new Random(16);
        int tar = 0;
        for (int t = 0; t < 100_000; t++) {
            int n = t % 50 == 0 ? 400 + r.nextInt(112) : 512 + r.nextInt(3) * 100;
            byte[] a = new byte[n];
            if (t % 3 == 0) r.nextBytes(a);
            else for (int i = 0; i < n; i++) a[i] = (byte) (r.nextInt(4) == 0 ? 0 : ' ' + r.nextInt(95));
            if (n >= 512 && t % 7 != 0) header(a, r, r.nextInt(7));
            if (t % 11 == 0) a[0] = 0;
            boolean want = FileTypeDetectorReference.isTar(ByteBuffer.wrap(a));
            assertEquals(want, HeadText.isTar(a, n), "case " + t);
            if (want) tar++;
        }
        assertTrue(tar > 10_000, "tar headers " + tar);
    }
}
