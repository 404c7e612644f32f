package dev.bulwark.engine.formats.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.formats.uuencode.UuDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** (mend13) MailParser.uuBegin (searched in every encoded body) finds the line UuDecoder.findBegin finds, heap or direct. */
class MailUuBeginTest {
    @Test
    void findsWhatTheLineByLineSearchFinds() {
        Random r = new Random(5);
        String[] pieces = {"begin 644 a.com\n", "begin 64 x\r\n", "begin 6444 x\n", "begin x\n", "xbegin 644 a\n", " begin 644 a\n",
            "QUJD\n", "begin ", "begin 644", "\n", "\r", "abc def\n", "begin 777 \n"};
        for (int round = 0; round < 3000; round++) {
            StringBuilder s = new StringBuilder();
            for (int k = r.nextInt(8); k > 0; k--) s.append(pieces[r.nextInt(pieces.length)]);
            byte[] a = s.toString().getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer heap = ByteBuffer.wrap(a), direct = ByteBuffer.allocateDirect(a.length).put(a).flip();
            for (int from = 0; from <= a.length; from += 1 + r.nextInt(3)) {
                int to = from + r.nextInt(a.length - from + 1);
                int want = UuDecoder.findBegin(heap, from, to);
                assertEquals(want, MailParser.uuBegin(heap, from, to), s + " [" + from + "," + to + ")");
                assertEquals(want, MailParser.uuBegin(direct, from, to), s + " [" + from + "," + to + ") direct");
            }
        }
    }
}
