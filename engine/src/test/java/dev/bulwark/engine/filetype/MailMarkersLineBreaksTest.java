package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The header rules that start at a line break check only the line breaks found once per layer and followed by a
 * byte their first part continues with ({@link MailMarkers#lineBreaks}); a buffer without an array still walks
 * every line break per rule. Both must give the same type and the same head hits on documents made of the
 * rules' parts in every case, cut short, near the start bounds (1,024 and 2,048) and past them.
 */
class MailMarkersLineBreaksTest {
    private static final String[] PARTS = {"\n", "\r\n", "\nFrom: ", "\nfrom: ", "\nFROM: ", "\nFrom:", "\nFro",
        "\nMIME-Version: ", "\nmime-version: ", "\nMime-Versio", "MIME-Version: ", "\nContent-Type: ", "\ncontent-type: ",
        "\nContent-Typ", "\nReceived: ", "\nreceived: ", "\nMessage-Id: ", "\nmessage-ID: ", "\nMessage-", "Delivered-To:",
        "Received:", "\nm", "\nf", "\nr", "\nR", "\nM", "\nF", "\nX-Mailer: ", "text ", "more words here ", "\u0001\u00ff",
        "\nfrom the docs\n", "\nmake\n", "\nreturn x;\n"};

    @Test
    void heapBuffersGiveTheSameTypesAndHitsAsTheBufferWalk() {
        Random rnd = new Random(12);
        int typed = 0;
        for (int doc = 0; doc < 20_000; doc++) {
            byte[] d = document(rnd);
            ByteBuffer heap = ByteBuffer.wrap(d), walk = ByteBuffer.wrap(d).asReadOnlyBuffer();
            for (boolean mailRules : new boolean[] {true, false}) {
                FileType expected = MailMarkers.find(walk, mailRules);
                assertEquals(expected, MailMarkers.find(heap, mailRules), () -> new String(d, StandardCharsets.ISO_8859_1));
                if (expected != null) typed++;
            }
            List<EmbeddedTypeFinder.Hit> a = new ArrayList<>(), b = new ArrayList<>();
            MailMarkers.headHits(walk, a);
            MailMarkers.headHits(heap, b);
            assertEquals(a, b, () -> new String(d, StandardCharsets.ISO_8859_1));
        }
        assertEquals(true, typed > 2_000, "documents typed as mail: " + typed); // the rules were exercised
    }

    @Test
    void slicedBuffersStartAtTheirOffset() {
        byte[] d = ("junk\nFrom: a\n" + "x".repeat(50) + "\nContent-Type: y\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer slice = ByteBuffer.wrap(d, 5, d.length - 5).slice(); // starts at "From: ": no line break before it
        assertEquals(MailMarkers.find(slice.asReadOnlyBuffer()), MailMarkers.find(slice));
        assertEquals(FileType.MAIL, MailMarkers.find(ByteBuffer.wrap(d)));
    }

    private static byte[] document(Random rnd) {
        StringBuilder s = new StringBuilder();
        int target = rnd.nextInt(4) == 0 ? rnd.nextInt(40) : rnd.nextInt(3_500);
        while (s.length() < target) {
            if (rnd.nextInt(5) == 0) s.append("y".repeat(rnd.nextInt(rnd.nextBoolean() ? 60 : 1_100)));
            else s.append(PARTS[rnd.nextInt(PARTS.length)]);
        }
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
