package dev.bulwark.engine.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HtmlNormalizer.Result#view}, the scanner's uncopied views, holds exactly what the copying accessors return,
 * as an array-backed buffer starting at 0 (what the matcher reads without copying).
 */
class HtmlResultViewsTest {
    @Test
    void viewsAreTheAccessorsBytesWithoutACopy() {
        Random r = new Random(11);
        List<byte[]> docs = HtmlViewsDifferentialTest.cases();
        for (int i = 0; i < docs.size(); i += 1 + r.nextInt(3)) {
            HtmlNormalizer.Result res = HtmlNormalizer.normalize(ByteBuffer.wrap(docs.get(i)), 1 << 20);
            byte[][] copies = {res.noComment(), res.noTags(), res.scripts()};
            for (int v = 0; v < 3; v++) {
                ByteBuffer b = res.view(v);
                assertEquals(copies[v].length, res.length(v));
                assertEquals(0, b.position());
                assertEquals(copies[v].length, b.remaining());
                assertTrue(b.hasArray() && !b.isReadOnly() && b.arrayOffset() == 0, "the matcher reads the array");
                byte[] got = new byte[b.remaining()];
                b.get(0, got);
                assertArrayEquals(copies[v], got, "document " + i + ", view " + v);
            }
        }
        HtmlNormalizer.Result empty = HtmlNormalizer.normalize(ByteBuffer.wrap(new byte[0]), 100);
        assertEquals(0, empty.length(HtmlNormalizer.Result.SCRIPTS));
        assertFalse(empty.view(HtmlNormalizer.Result.NO_TAGS).hasRemaining());
    }
}
