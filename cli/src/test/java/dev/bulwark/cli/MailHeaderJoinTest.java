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
 * ClamAV joins the line after a kept header (Content-Type, Content-Transfer-Encoding, Content-Disposition; other
 * headers are not read at all, so a quote in Subject changes nothing) to it, without a separator, when the header
 * is still in an open double quote, or ends in ';' (a single message: parseEmailFile), or (an mbox message or a
 * message's message/rfc822 body: parseEmailHeaders) its last line ends in ';' and the next line holds '='. A
 * Content-Transfer-Encoding line taken that way is no header: clamscan is OK where Bulwark decoded the base64
 * attachment. A blank line does not stop a single message's ';' join (it is passed over), and a header still in
 * an open quote at the blank line is parsed there (single message) or lost (parseEmailHeaders). Also: an mbox
 * message's body is searched for a bounce's "Content-Transfer-Encoding" line from its second line. Expectations:
 * clamscan 1.4.6 on the same mails (single, mbox, message/rfc822 body, message/rfc822 part: scanned as a
 * single message, ClamAV's saveTextPart).
 */
class MailHeaderJoinTest {
    @Test
    void headerLinesJoinAsClamAVJoinsThem(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String att = ClamscanCases.base64Lines(ClamscanCases.payload());
        Map<String, String> v = new LinkedHashMap<>();
        v.put("semi", "Content-Type: application/octet-stream;");
        v.put("semisp", "Content-Type: application/octet-stream; ");
        v.put("q1", "Content-Type: application/octet-stream; name=\"a.bin");
        v.put("q2", "Content-Type: application/octet-stream; name=\"a.bin\"");
        v.put("q3", "Content-Type: application/octet-stream; name=\"a\"b\"");
        v.put("cdsemi", "Content-Disposition: attachment;");
        v.put("cdq1", "Content-Disposition: attachment; filename=\"x");
        v.put("subjq1", "Subject: he said \"hi");
        v.put("subjsemi", "Subject: a;");
        v.put("xq1", "X-Foo: \"x");
        v.put("foldq1", "Content-Type: application/octet-stream;\n name=\"a.bin");
        v.put("foldsemi", "Content-Type: application/octet-stream\n ;");
        v.put("foldq2", "Content-Type: application/octet-stream; name=\"a\n b\"");
        v.put("semieq", "Content-Type: application/octet-stream;\nname=x");
        String cte = "Content-Transfer-Encoding: base64\n";
        Map<String, String> after = new LinkedHashMap<>();
        after.put("cte", cte + "\n");
        after.put("eqcte", "X-A: b=c\n" + cte + "\n");
        after.put("blank", "\n" + cte + "\n");
        for (var h : v.entrySet()) {
            for (var a : after.entrySet()) {
                if (h.getKey().equals("semieq") && !a.getKey().equals("cte")) continue;
                String mail = "From: a@b\n" + h.getValue() + "\n" + a.getValue() + att;
                String n = h.getKey() + "-" + a.getKey();
                write(dir.resolve(n + ".eml"), mail);
                write(dir.resolve(n + "-mbox.eml"), "From x@y Thu Jan  1 00:00:00 2026\n" + mail);
                write(dir.resolve(n + "-nest.eml"), "From: o@p\nSubject: outer\nContent-Type: message/rfc822\n\n" + mail);
                // a message/rfc822 part is saved and scanned as a single message (parseEmailFile's joins)
                write(dir.resolve(n + "-mpnest.eml"), "From: o@p\nContent-Type: multipart/mixed; boundary=QQ\n\n--QQ\n"
                        + "Content-Type: message/rfc822\n\n" + mail + "--QQ--\n");
            }
        }
        for (String mb : new String[] {"", "From x@y Thu Jan  1 00:00:00 2026\n"}) {
            String k = mb.isEmpty() ? "" : "-mbox";
            String h = "From: a@b\nContent-Type: application/octet-stream\n";
            write(dir.resolve("cteq" + k + ".eml"), mb + h + "Content-Transfer-Encoding: base64 \"x\n\n" + att);
            write(dir.resolve("ctesemi" + k + ".eml"), mb + h + "Content-Transfer-Encoding: base64;\n\n" + att);
        }
        // after an open quote's blank line the header block goes on: 540 KB of lines without a colon are skipped
        // (and not counted as header bytes) until the encoding header
        String big = ClamscanCases.base64Lines("\0".repeat(400_000));
        write(dir.resolve("resumed-big.eml"), "From: a@b\nContent-Type: application/octet-stream; name=\"a\n\n" + big
                + "Content-Transfer-Encoding: base64\n\n" + att);
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("semi-cte.eml: OK"), c.out());
        assertTrue(c.out().contains("q1-cte-mbox.eml: OK"), c.out());
        assertTrue(c.out().contains("semi-cte-mpnest.eml: OK"), c.out());
        assertTrue(c.out().contains("semi-cte-nest.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("subjq1-cte.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("resumed-big.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }

    private static void write(Path p, String s) throws Exception {
        Files.writeString(p, s, StandardCharsets.ISO_8859_1);
    }
}
