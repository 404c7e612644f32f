package dev.bulwark.engine.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The normalised text view: fixed examples, and the array path (eight bytes at a time where it can) against
 * the buffer path (one byte at a time, the plain definition) on random text of several alphabets.
 */
class TextNormalizerTest {
    private static byte[] normalize(ByteBuffer in) {
        byte[] out = new byte[in.limit()];
        return Arrays.copyOf(out, TextNormalizer.normalize(in, Long.MAX_VALUE, out));
    }

    private static String norm(String s) {
        return new String(normalize(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1))), StandardCharsets.ISO_8859_1);
    }

    @Test
    void examples() {
        assertEquals("hello world ", norm("Hello  \t\r\nWORLD\n"));
        assertEquals(" abc def", norm("\n\nABC\u0001 \u0000\u00e9 DEF"));
        assertEquals("a b c d e f g h i j k l m n o p", norm("A B C D E F G H I J K L M N O P"));
        // DEL is kept: libclamav's textnorm.c copies 0x7F (clamscan matches a target-7 signature "abc\x7fdef"; see
        // cli DataScannedParityTest.textViewKeepsDel)
        assertEquals("[@az`{~\u007f] ", norm("[@AZ`{~\u007f]      "));
    }

    @Test
    void wordsAtATimeAsByteAtATime() {
        Random r = new Random(3);
        String[] alphabets = {" aA", "abcdefgh XYZ@[`{", " \t\n\r\u000b\fAb", "Az \u007f\u0080\u00ff\u0000\u0001", "Hello, world. "};
        for (int c = 0; c < 5000; c++) {
            String alpha = alphabets[c % alphabets.length];
            // (startup13) inputs shorter than ByteScan.SWAR_MIN take the byte loop: lengths on both sides
            byte[] b = new byte[(c / 5) % 2 == 0 ? r.nextInt(100) : dev.bulwark.engine.filetype.ByteScan.SWAR_MIN - 8 + r.nextInt(100)];
            for (int i = 0; i < b.length; i++) b[i] = r.nextInt(10) == 0 ? (byte) r.nextInt(256) : (byte) alpha.charAt(r.nextInt(alpha.length()));
            ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
            assertArrayEquals(normalize(direct), normalize(ByteBuffer.wrap(b)), () -> Arrays.toString(b));
            byte[] padded = new byte[b.length + 3];
            System.arraycopy(b, 0, padded, 3, b.length);
            assertArrayEquals(normalize(direct), normalize(ByteBuffer.wrap(padded, 3, b.length).slice()));
        }
    }

    @Test
    void limitReadsOnlyTheFirstBytes() {
        byte[] b = "ABC DEF GHI JKL".getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[7];
        assertEquals("abc def", new String(out, 0, TextNormalizer.normalize(ByteBuffer.wrap(b), 7, out), StandardCharsets.ISO_8859_1));
    }
}
