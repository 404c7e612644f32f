package dev.bulwark.engine.formats.mime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * (corpus16) TransferDecoders reads a heap buffer's array directly (whole runs of unchanged lines copied at once,
 * lines read eight bytes at a time with their NULs left out); a direct buffer still goes through ByteBuffer.get, the
 * reading compat15 wrote. Both must give the same bytes for every body: random bodies of LF, CR, NUL, blanks, ';',
 * '=' and text, long lines past ClamAV's 999-byte reads, every flag, ranges cut before a line end, small sinks.
 */
class MailLinesArrayPathTest {

    private static final byte[] ALPHABET = "\n\n\n\r\0 \t;=aZ<\u000b3".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private static byte[] body(Random r) {
        int len = r.nextInt(r.nextInt(10) == 0 ? 3000 : 200);
        byte[] b = new byte[len];
        int mode = r.nextInt(3);
        for (int i = 0; i < len; i++) {
            if (mode == 0) b[i] = ALPHABET[r.nextInt(ALPHABET.length)];
            else if (mode == 1) b[i] = r.nextInt(30) == 0 ? ALPHABET[r.nextInt(ALPHABET.length)] : (byte) ('a' + r.nextInt(26));
            else b[i] = r.nextInt(r.nextInt(2) == 0 ? 60 : 1200) == 0 ? (byte) '\n' : (byte) ('A' + r.nextInt(26));
        }
        return b;
    }

    private static byte[] run(ByteBuffer in, int from, int to, long cap, boolean qp, boolean cr, boolean cb, boolean ds) {
        ByteSink out = new ByteSink(cap);
        if (qp) TransferDecoders.quotedPrintableMail(in, from, to, out, cr, cb, ds);
        else TransferDecoders.identityMail(in, from, to, out, cr, cb, ds);
        return out.toArray();
    }

    @Test
    void arrayAndBufferReadsGiveTheSameBytes() {
        Random r = new Random(16);
        int compared = 0;
        for (int round = 0; round < 4000; round++) {
            byte[] b = body(r);
            // a heap buffer with an array offset, and a direct one holding the same bytes
            byte[] padded = new byte[b.length + 7];
            System.arraycopy(b, 0, padded, 7, b.length);
            ByteBuffer heap = ByteBuffer.wrap(padded, 7, b.length).slice();
            ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
            int from = b.length == 0 ? 0 : r.nextInt(Math.max(1, b.length / 4));
            int to = b.length == 0 ? 0 : from + r.nextInt(b.length - from + 1);
            long cap = r.nextInt(4) == 0 ? 1 + r.nextInt(300) : 1 << 20;
            boolean qp = r.nextInt(4) == 0, cr = r.nextBoolean(), cb = r.nextBoolean(), ds = r.nextBoolean();
            assertEquals(true, heap.hasArray());
            assertArrayEquals(run(direct, from, to, cap, qp, cr, cb, ds), run(heap, from, to, cap, qp, cr, cb, ds),
                    "round " + round + " qp=" + qp + " cr=" + cr + " cb=" + cb + " ds=" + ds);
            compared++;
        }
        assertEquals(4000, compared);
    }

    @Test
    void plainBodyIsCopiedAsItStands() {
        byte[] b = "Hello\nworld\n\nagain\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertArrayEquals(b, run(ByteBuffer.wrap(b), 0, b.length, 1 << 20, false, true, false, false));
        byte[] nul = "a\0b\ncd\0\0\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertArrayEquals("ab\ncd\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                run(ByteBuffer.wrap(nul), 0, nul.length, 1 << 20, false, true, false, false));
    }
}
