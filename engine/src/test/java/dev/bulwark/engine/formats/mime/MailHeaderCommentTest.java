package dev.bulwark.engine.formats.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * (daemon16) {@link MailParser#withoutComments} replaced {@code replaceAll("\\([^)]*\\)", "")} on header names: the
 * same string for names made of '(' , ')', letters and blanks in every order (nested, unclosed, empty comments).
 */
class MailHeaderCommentTest {
    private static final Pattern COMMENT = Pattern.compile("\\([^)]*\\)");

    @Test
    void sameAsTheRegex() {
        SplittableRandom r = new SplittableRandom(16);
        String alphabet = "(()) a-Tx\t";
        for (int t = 0; t < 200_000; t++) {
            StringBuilder sb = new StringBuilder();
            for (int n = r.nextInt(20), i = 0; i < n; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            String s = sb.toString();
            assertEquals(COMMENT.matcher(s).replaceAll(""), MailParser.withoutComments(s), s);
        }
        assertEquals("Content-Type ", MailParser.withoutComments("Content-Type (a comment)"));
        assertEquals("Content-Type", MailParser.withoutComments("Con(x)tent-Type"));
        assertEquals("ad)e", MailParser.withoutComments("a(b(c)d)e"));
        assertEquals("a(b", MailParser.withoutComments("a(b"));
    }
}
