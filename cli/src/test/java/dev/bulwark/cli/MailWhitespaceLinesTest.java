package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (engine14) Lines of white space only and lines of only ';' (and blanks) in a multipart part's headers, read as
 * ClamAV's multipart loop reads them: a line of white space is kept as one space, so folded to a header line it
 * ends the part's headers ("headers not terminated by blank line") while as the part's first line it is a
 * continuation and the headers go on; a blank line followed by a "Content..." line is a fake end of the headers;
 * in a single message (parseEmailFile) a line of only blanks and ';' after another one is gone, so ";" then a line
 * of spaces no longer ends the headers, while in an mbox message's body it does. Each sequence of lines is put at
 * five places of a part (before its Content-Type, between it and its Content-Transfer-Encoding, before the blank
 * line, after it, before the first boundary) under three Content-Types (plain, ending in ';', an open quote), as a
 * single message and in an mbox. Expectations: clamscan 1.4.6 on the same mails (before the change 51 of 414
 * differed).
 */
class MailWhitespaceLinesTest {
    static final Map<String, String> SEQUENCES = new LinkedHashMap<>();
    static final Map<String, String> CONTENT_TYPES = new LinkedHashMap<>();

    static {
        SEQUENCES.put("n", "");
        SEQUENCES.put("w", "   \n");
        SEQUENCES.put("ww", "   \n   \n");
        SEQUENCES.put("t", "\t\n");
        SEQUENCES.put("s", ";\n");
        SEQUENCES.put("ss", ";\n;\n");
        SEQUENCES.put("sw", ";\n   \n");
        SEQUENCES.put("ws", "   \n;\n");
        SEQUENCES.put("sbs", ";\n\n;\n");
        SEQUENCES.put("wbw", "   \n\n   \n");
        SEQUENCES.put("ssp", " ;\n");
        SEQUENCES.put("sss", ";\n;\n;\n");
        SEQUENCES.put("swt", "; \t\n");
        SEQUENCES.put("b", "\n");
        CONTENT_TYPES.put("a", "Content-Type: application/octet-stream");
        CONTENT_TYPES.put("b", "Content-Type: application/octet-stream;");
        CONTENT_TYPES.put("q", "Content-Type: application/octet-stream; name=\"a");
    }

    static final String MBOX = "From x@y Thu Jan  1 00:00:00 2026\n";

    @Test
    void partHeaderLinesOfWhiteSpaceAndSemicolons(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String att = ClamscanCases.base64Lines(ClamscanCases.payload());
        for (var s : SEQUENCES.entrySet()) {
            for (var ct : CONTENT_TYPES.entrySet()) {
                for (int pos = 0; pos < 5; pos++) {
                    if (pos == 3 && s.getKey().equals("b")) continue; // two blank lines before base64: nothing new
                    String[] x = {"", "", "", "", ""};
                    x[pos] = s.getValue();
                    String mail = "From: a@b\nContent-Type: multipart/mixed; boundary=QQ\n\n" + x[4] + "--QQ\n" + x[0]
                            + ct.getValue() + "\n" + x[1] + "Content-Transfer-Encoding: base64\n" + x[2] + "\n" + x[3]
                            + att + "--QQ--\n";
                    String n = "p" + pos + "-" + s.getKey() + "-" + ct.getKey();
                    write(dir.resolve(n + ".eml"), mail);
                    write(dir.resolve(n + "-mbox.eml"), MBOX + mail);
                }
            }
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("p1-w-a.eml: OK"), c.out());
        assertTrue(c.out().contains("p0-w-a.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("p1-sw-a.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("p1-sw-a-mbox.eml: OK"), c.out());
        assertTrue(c.out().contains("p1-sbs-a.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("p1-sbs-a-mbox.eml: OK"), c.out());
    }

    /**
     * The same sequences among a message's own headers (single message: parseEmailFile; mbox: parseEmailHeaders):
     * before its Content-Type, between it and its Content-Transfer-Encoding, before the blank line; and in a
     * multipart message's headers before, between and after an X- header, the last without the blank line before
     * the first boundary. ClamAV skips a line that is no header (the headers go on to the blank line); drops a line
     * of only blanks and ';' after another one (in an mbox message the line before still took it for folded, so the
     * next line is joined to that header; the body's first line is looked for past such lines too); ends a single
     * message's headers at a boundary line after a line of white space once a boundary is known; and a further
     * Content-Type with a known major type replaces the type, its arguments adding to the first ones. Expectations:
     * clamscan 1.4.6 (before the change 72 of 504 differed).
     */
    @Test
    void messageHeaderLinesOfWhiteSpaceAndSemicolons(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String att = ClamscanCases.base64Lines(ClamscanCases.payload());
        for (var s : SEQUENCES.entrySet()) {
            for (var ct : CONTENT_TYPES.entrySet()) {
                for (int pos = 0; pos < 3; pos++) {
                    String[] x = {"", "", ""};
                    x[pos] = s.getValue();
                    String t = "From: a@b\n" + x[0] + ct.getValue() + "\n" + x[1] + "Content-Transfer-Encoding: base64\n" + x[2]
                            + "\n" + att;
                    String m = "From: a@b\nContent-Type: multipart/mixed; boundary=QQ\n" + x[0] + "X-A: 1\n" + x[1]
                            + (pos != 2 ? "\n" : x[2]) + "--QQ\n" + ct.getValue() + "\nContent-Transfer-Encoding: base64\n\n"
                            + att + "--QQ--\n";
                    String n = pos + "-" + s.getKey() + "-" + ct.getKey();
                    write(dir.resolve("t" + n + ".eml"), t);
                    write(dir.resolve("t" + n + "-mbox.eml"), MBOX + t);
                    write(dir.resolve("m" + n + ".eml"), m);
                    write(dir.resolve("m" + n + "-mbox.eml"), MBOX + m);
                }
            }
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("t0-s-b.eml: OK"), c.out());
        assertTrue(c.out().contains("t1-sw-b.eml: OK"), c.out());
        assertTrue(c.out().contains("t1-ww-a-mbox.eml: OK"), c.out());
        assertTrue(c.out().contains("m2-n-a.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("m2-w-b.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }

    static void write(Path p, String s) throws Exception {
        Files.writeString(p, s, StandardCharsets.ISO_8859_1);
    }
}
