package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HeadRules#isHtml} returns early when no HTML tag rule hits; it must agree with the full rule set's type
 * on heads that mix tags with the rules that outrank HTML (mail, MHTML, embedded objects such as MZ, PDF, SFX
 * markers), in every order.
 */
class HeadRulesIsHtmlTest {
    private static final String[] PARTS = {"<html", "<HTML>", "<body>", "<script", "<a href=x>", "<a x href", "<iframe",
        "<br", "<", "<p", "\nFrom: a", "\nMIME-Version: 1\n", "\nContent-Type: x\n", "MIME-Version: ", "\nReceived: x",
        "%PDF-", "MZ", "PK\u0003\u0004", "Rar!", "\u0060\u00ea", "<%@ LANGUAGE =", "text ", "\n", "\u0000", "y"};

    @Test
    void sameAnswerAsTheFullRules() {
        Random rnd = new Random(5);
        int html = 0, other = 0;
        for (int doc = 0; doc < 30_000; doc++) {
            StringBuilder s = new StringBuilder();
            int target = rnd.nextInt(1_100);
            while (s.length() < target) s.append(PARTS[rnd.nextInt(PARTS.length)]);
            byte[] head = s.toString().getBytes(StandardCharsets.ISO_8859_1);
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(head).asReadOnlyBuffer()}) {
                FileType full = HeadRules.type(b, FileType.TEXT_ASCII, true, null);
                boolean expected = full == FileType.HTML;
                assertEquals(expected, HeadRules.isHtml(b, true, null), s::toString);
                assertEquals(false, HeadRules.isHtml(b, false, null));
                if (expected) html++;
                else if (full != null) other++;
            }
        }
        // both outcomes, and heads whose tags are outranked, occurred
        assertEquals(true, html > 1_000 && other > 1_000, html + " html, " + other + " outranked");
    }
}
