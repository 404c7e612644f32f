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
 * A base64 body under Content-Transfer-Encoding x-uuencode (or x-uue) without a "begin" line: ClamAV's messageExport
 * takes such a body for text and, when the entity has a file name (a filename= or name= parameter, or any
 * Content-Disposition, which parseMimeHeader gives "filename=unknown"), decodes it as base64 too. Without a name,
 * clamscan also finds it in a body saved as text (a message's without a type, text, media or multipart; a part's
 * text/*, multipart/*, message/*). Bulwark exported the body undecoded: OK where clamscan finds EICAR.
 * A message's message/rfc822 body under any transfer encoding is not decoded: clamscan is OK where Bulwark
 * decoded it and found EICAR. Expectations: clamscan 1.4.6 on the same 204 mails.
 */
class MailUuencodeBase64Test {
    @Test
    void uuencodedBodyWithoutBeginIsDecodedAsBase64(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String att = ClamscanCases.base64Lines(ClamscanCases.payload());
        Map<String, String> cts = new LinkedHashMap<>();
        cts.put("tp", "text/plain");
        cts.put("tpn", "text/plain; name=\"a.txt\"");
        cts.put("th", "text/html");
        cts.put("txt", "text");
        cts.put("ao", "application/octet-stream");
        cts.put("aon", "application/octet-stream; name=\"a.bin\"");
        cts.put("img", "image/png");
        cts.put("mp", "multipart/mixed");
        cts.put("msg", "message/rfc822");
        cts.put("unk", "foo/bar");
        cts.put("none", null);
        Map<String, String> cds = new LinkedHashMap<>();
        cds.put("nocd", null);
        cds.put("cdf", "attachment; filename=\"a.bin\"");
        cds.put("cda", "attachment");
        for (var ct : cts.entrySet()) {
            for (var cd : cds.entrySet()) {
                for (String enc : new String[] {"x-uuencode", "x-uue", "uuencode"}) {
                    String h = (ct.getValue() == null ? "" : "Content-Type: " + ct.getValue() + "\n")
                            + (cd.getValue() == null ? "" : "Content-Disposition: " + cd.getValue() + "\n")
                            + "Content-Transfer-Encoding: " + enc + "\n\n" + att;
                    String n = ct.getKey() + "-" + cd.getKey() + "-" + enc;
                    write(dir.resolve(n + "-top.eml"), "From: a@b\n" + h);
                    write(dir.resolve(n + "-part.eml"), "From: a@b\nContent-Type: multipart/mixed; boundary=QQ\n\n--QQ\n" + h
                            + "--QQ--\n");
                }
            }
        }
        // a message's message/rfc822 body is never decoded (ClamAV parses the raw body as a message)
        for (String enc : new String[] {"base64", "bas64", "foo", "quoted-printable", "uuencode", "x-uuencode"}) {
            write(dir.resolve("rfc822-" + enc + ".eml"), "From: a@b\nContent-Type: message/rfc822\nContent-Transfer-Encoding: "
                    + enc + "\n\n" + att);
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("tp-nocd-x-uuencode-part.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("ao-nocd-x-uuencode-part.eml: OK"), c.out());
        assertTrue(c.out().contains("ao-cda-x-uue-top.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("rfc822-base64.eml: OK"), c.out());
    }

    private static void write(Path p, String s) throws Exception {
        Files.writeString(p, s, StandardCharsets.ISO_8859_1);
    }
}
