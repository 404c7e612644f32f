package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV's parseEmailBody ends with a bounce check: a message whose body it did not parse as parts (no
 * Content-Type, a type without '/', text/*, image/audio/video, multipart without a boundary parameter or without
 * boundary lines) and whose body holds a Content-Transfer-Encoding line (not 7bit) has the text from that line on
 * scanned as a mail. Bulwark did this only for a top-level message without Content-Type, so an attachment in a
 * multipart mail with a damaged boundary parameter, no boundary lines, or declared text/plain (top level, a
 * message/rfc822 body, or a multipart part) was OK where clamscan finds EICAR in it. Expectations: clamscan 1.4.6,
 * run on the same 88 files (44 with a base64 attachment, 44 with the same attachment labelled 7bit).
 */
class MailBounceTypesTest {
    @Test
    void unparsedBodiesAreCheckedForABounceAsClamAVDoes(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String att = ClamscanCases.base64Lines(ClamscanCases.payload());
        Map<String, String> types = new LinkedHashMap<>();
        types.put("noct", null);
        types.put("plain", "text/plain");
        types.put("plaincs", "text/plain; charset=us-ascii");
        types.put("html", "text/html");
        types.put("textx", "text/x-foo");
        types.put("image", "image/gif");
        types.put("nobound", "multipart/mixed; bxundary=XX");
        types.put("nolines", "multipart/mixed; boundary=ZZ");
        types.put("noslash", "multipart; boundary=XX");
        types.put("appl", "application/octet-stream");
        types.put("msg", "message/partial");
        for (String cte : new String[] {"base64", "7bit"}) {
            String body = "--XX\nContent-Type: text/plain\n\nhi\n--XX\nContent-Type: application/octet-stream; name=a.bin\n"
                    + "Content-Transfer-Encoding: " + cte + "\n\n" + att + "--XX--\n";
            for (var t : types.entrySet()) {
                String ct = t.getValue() == null ? "" : "Content-Type: " + t.getValue() + "\n";
                String inner = "From: x@y\nSubject: i\nMIME-Version: 1.0\n" + ct + "\n" + body;
                String k = t.getKey() + "-" + cte + ".eml";
                write(dir.resolve("top-" + k), "From: a@b\nSubject: t\nMIME-Version: 1.0\n" + ct + "\n" + body);
                write(dir.resolve("top822-" + k), "From: a@b\nSubject: t\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n" + inner);
                write(dir.resolve("part822-" + k), "From: a@b\nSubject: t\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=QQ\n\n"
                        + "--QQ\nContent-Type: message/rfc822\n\n" + inner + "\n--QQ--\n");
                write(dir.resolve("part-" + k), "From: a@b\nSubject: t\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=QQ\n\n"
                        + "--QQ\n" + ct + "\n" + body + "\n--QQ--\n");
            }
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir, MailBounceTypesTest::found);
        assertTrue(c.out().contains("top-nobound-base64.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("part822-plain-base64.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }

    private static void write(Path p, String s) throws Exception {
        Files.writeString(p, s, StandardCharsets.ISO_8859_1);
    }

    /** The result lines (clamscan's stderr warnings about message/partial are not compared). */
    private static Set<String> found(String out) {
        Set<String> r = new TreeSet<>();
        for (String l : out.split("\n")) if (l.endsWith(" FOUND") || l.endsWith(": OK")) r.add(l);
        return r;
    }
}
