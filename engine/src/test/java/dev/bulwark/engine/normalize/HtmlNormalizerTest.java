package dev.bulwark.engine.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Truncation at every length, the size limit, and direct buffers; the views themselves are checked against clamscan in HtmlViewsDifferentialTest. */
class HtmlNormalizerTest {
    private static final String[] DOCS = {
        "x <script>HELLO WORLD</script>\n",
        "<html><a href=\"HTTP://x/P\">Link</a><img src=p.gif>&amp;&#65;&#x41;&bogus;<!-- c -->caf\u00c3\u00a9\u00a1C &#256;\n",
        "<script>var a=1,b=[2,3];function f(x,y){var z=x+\"s\"+\"t\";return z.length}f(a,b);//c\n/*d*/(1.5e3</script>",
        "<p a='b\\' c=\"d e\"\tf = g>\u0000<scr\u0000ipt>'\\u00e9\\x41' \"unfinished",
    };

    private static void assertSame(HtmlNormalizer.Result a, HtmlNormalizer.Result b) {
        assertArrayEquals(a.noComment(), b.noComment());
        assertArrayEquals(a.noTags(), b.noTags());
        assertArrayEquals(a.scripts(), b.scripts());
    }

    @Test
    void limitEqualsTruncationAtEveryLength() {
        for (String d : DOCS) {
            byte[] doc = d.getBytes(StandardCharsets.ISO_8859_1);
            for (int k = 0; k <= doc.length; k++) {
                HtmlNormalizer.Result limited = HtmlNormalizer.normalize(ByteBuffer.wrap(doc), k);
                HtmlNormalizer.Result cut = HtmlNormalizer.normalize(ByteBuffer.wrap(Arrays.copyOf(doc, k)), Long.MAX_VALUE);
                assertSame(limited, cut);
            }
        }
    }

    @Test
    void directBufferAndSliceReadLikeAnArray() {
        Random r = new Random(7);
        for (String d : DOCS) {
            byte[] doc = d.getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer direct = ByteBuffer.allocateDirect(doc.length).put(doc).flip();
            assertSame(HtmlNormalizer.normalize(ByteBuffer.wrap(doc), Long.MAX_VALUE), HtmlNormalizer.normalize(direct, Long.MAX_VALUE));
            byte[] padded = new byte[doc.length + 5];
            r.nextBytes(padded);
            System.arraycopy(doc, 0, padded, 3, doc.length);
            ByteBuffer slice = ByteBuffer.wrap(padded, 3, doc.length).slice();
            assertSame(HtmlNormalizer.normalize(ByteBuffer.wrap(doc), Long.MAX_VALUE), HtmlNormalizer.normalize(slice, Long.MAX_VALUE));
        }
    }

    @Test
    void chunksWithoutBlanksAndLongNamesStayBounded() {
        byte[] doc = new byte[40_000];
        Arrays.fill(doc, (byte) 'a');
        doc[0] = '<';
        doc[20_000] = '<';
        HtmlNormalizer.Result r = HtmlNormalizer.normalize(ByteBuffer.wrap(doc), Long.MAX_VALUE);
        org.junit.jupiter.api.Assertions.assertEquals(doc.length, r.noComment().length); // tag bytes are written as read
    }
}
