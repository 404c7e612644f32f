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
 * ClamAV splits a multipart part's header line at the first ':' the line holds, else at the first '=', else at the
 * first space (parseEmailHeader: "virus writers exploit this hole"), so "Content-Transfer-Encoding=base64" and
 * "Content-Transfer-Encoding base64" are a part's encoding and "Content-Type=multipart/mixed; ..." its type; a
 * message's own headers need the colon. Bulwark needed the colon everywhere: the base64 attachment behind such a
 * header was OK where clamscan finds EICAR. Expectations: clamscan 1.4.6 on the same 18 mails.
 */
class MailPartHeaderSeparatorTest {
    @Test
    void partHeadersSplitAsClamAVSplitsThem(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String att = ClamscanCases.base64Lines(ClamscanCases.payload());
        String h = "From: a@b\nSubject: t\nMIME-Version: 1.0\n";
        Map<String, String> seps = new LinkedHashMap<>();
        seps.put("colon", ": ");
        seps.put("eq", "=");
        seps.put("sp", " ");
        seps.put("semi", "; ");
        seps.put("tab", "\t");
        seps.put("eqsp", " = ");
        for (var s : seps.entrySet()) {
            String cte = "Content-Transfer-Encoding" + s.getValue() + "base64";
            write(dir.resolve("part-" + s.getKey() + ".eml"), h + "Content-Type: multipart/mixed; boundary=QQ\n\n--QQ\n"
                    + "Content-Type: application/octet-stream\n" + cte + "\n\n" + att + "--QQ--\n");
            write(dir.resolve("top-" + s.getKey() + ".eml"), h + "Content-Type: application/octet-stream\n" + cte + "\n\n" + att);
            write(dir.resolve("ctpart-" + s.getKey() + ".eml"), h + "Content-Type: multipart/mixed; boundary=QQ\n\n--QQ\n"
                    + "Content-Type" + s.getValue() + "multipart/mixed; boundary=RR\n\n--RR\nContent-Type: application/octet-stream\n"
                    + "Content-Transfer-Encoding: base64\n\n" + att + "--RR--\n--QQ--\n");
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("part-eq.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }

    private static void write(Path p, String s) throws Exception {
        Files.writeString(p, s, StandardCharsets.ISO_8859_1);
    }
}
