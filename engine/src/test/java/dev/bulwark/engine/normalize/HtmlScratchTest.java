package dev.bulwark.engine.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HtmlNormalizer#normalize(ByteBuffer, long, HtmlNormalizer.Scratch)}: one scratch reused over a sequence
 * of documents (large ones leaving bytes behind in its arrays, then smaller ones, then larger ones that outgrow
 * them) gives every document exactly the views a fresh normalisation gives, and really reuses the arrays.
 */
class HtmlScratchTest {
    @Test
    void reusedArraysGiveTheSameViews() {
        Random r = new Random(5);
        List<byte[]> docs = new ArrayList<>(HtmlViewsDifferentialTest.cases());
        for (int i = 0; i < 40; i++) { // sizes up and down, around the chunk size
            StringBuilder sb = new StringBuilder("<html><body>");
            int n = r.nextInt(i % 2 == 0 ? 20_000 : 300);
            while (sb.length() < n) {
                switch (r.nextInt(5)) {
                    case 0 -> sb.append("<p class=\"A").append(r.nextInt(99)).append("\">Some   TEXT &amp; more</p>\n");
                    case 1 -> sb.append("<!-- a comment ").append(r.nextInt()).append(" -->");
                    case 2 -> sb.append("<script>var x = ").append(r.nextInt(1000)).append(" + 'S';</script>");
                    case 3 -> sb.append("<a href=\"http://example.com/").append(r.nextInt(50)).append("\">link</a>\t\t");
                    default -> sb.append("plain words ").append(r.nextInt());
                }
            }
            docs.add(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
        HtmlNormalizer.Scratch scratch = new HtmlNormalizer.Scratch();
        int reused = 0;
        byte[] last = null;
        for (int i = 0; i < docs.size(); i++) {
            long max = i % 7 == 3 ? docs.get(i).length / 2 : 1 << 20; // also cut by the size limit
            HtmlNormalizer.Result fresh = HtmlNormalizer.normalize(ByteBuffer.wrap(docs.get(i)), max);
            HtmlNormalizer.Result got = HtmlNormalizer.normalize(ByteBuffer.wrap(docs.get(i)), max, scratch);
            for (int v = 0; v < 3; v++) {
                assertEquals(fresh.length(v), got.length(v), "document " + i + ", view " + v);
                byte[] a = new byte[got.length(v)], b = new byte[fresh.length(v)];
                got.view(v).get(0, a);
                fresh.view(v).get(0, b);
                assertArrayEquals(b, a, "document " + i + ", view " + v);
            }
            if (last != null && got.view(HtmlNormalizer.Result.NO_COMMENT).array() == last) reused++;
            last = got.view(HtmlNormalizer.Result.NO_COMMENT).array();
        }
        assertSame(last, scratch.noComment, "the last view's array is kept for the next document");
        assertEquals(true, reused > docs.size() / 2, "arrays reused: " + reused + " of " + docs.size());
    }
}
