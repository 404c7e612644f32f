package dev.bulwark.engine.formats.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The parser skips junk lines at the top of a message until a header ClamAV keeps (Content-Type,
 * Content-Transfer-Encoding, Content-Disposition with comments in the name removed; From, Received, De as written). Names of
 * other lengths are skipped without being read as strings; this checks that every kept spelling is still found
 * after junk headers of every length, and that junk alone (also of the kept lengths) is not parsed.
 */
class MailUsefulHeaderTest {
    private static final MailExtractor X = new MailExtractor();
    private static final List<String> KEPT = List.of("Content-Type", "content-transfer-encoding", "CONTENT-DISPOSITION",
            "From", "FROM", "Received", "rEcEiVeD", "De", "dE", "Content-Type (a comment)", "Con(x)tent-Type",
            " Content-Type".substring(1));

    private static RecordingContext run(String mail) {
        return Contract.run(X, mail.getBytes(StandardCharsets.ISO_8859_1), FileType.MAIL);
    }

    /** Junk header lines whose names have every length from 0 to 70, none a kept name (also near misses). */
    private static String junk(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int len = 0; len <= 70; len++) {
            StringBuilder name = new StringBuilder();
            for (int k = 0; k < len; k++) name.append((char) ('a' + r.nextInt(26)));
            sb.append(name).append(": value ").append(len).append('\n');
        }
        // same lengths as kept names, different words
        sb.append("Received(y): 0\nFrom (c): 0\nDx: 1\nFrom-: 2\nReceivex: 3\nContent-Tipe: 4\nContent-Disposiiion: 5\nContent-Transfer-Encodinh: 6\n");
        // a name longer than what is read, with a comment past the read part
        sb.append("x".repeat(70)).append("(Content-Type): 7\n");
        return sb.toString();
    }

    @Test
    void keptHeaderFoundAfterJunkOfEveryLength() {
        SplittableRandom r = new SplittableRandom(7);
        for (String name : KEPT) {
            String value = name.toLowerCase().startsWith("content") && !name.toLowerCase().contains("type") ? "7bit" : "text/plain";
            RecordingContext ctx = run(junk(r) + name + ": " + value + "\n\nhello body\n");
            assertEquals(1, ctx.children.size(), name + ": " + ctx.notes);
        }
    }

    @Test
    void junkAloneIsNotParsed() {
        RecordingContext ctx = run(junk(new SplittableRandom(8)) + "\nhello body\n");
        assertEquals(0, ctx.children.size(), ctx.notes.toString());
    }
}
