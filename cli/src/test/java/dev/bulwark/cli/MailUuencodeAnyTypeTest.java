package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV decodes a uuencoded file ("begin 644 name" line) in a mail body of any type it exports without a base64
 * transfer encoding: application/octet-stream, application/pdf, audio, an unknown type, a message/* part, with
 * no Content-Transfer-Encoding or 7bit, 8bit, binary, quoted-printable or an unknown one. Bulwark looked for
 * uuencode only in text bodies, so EICAR uuencoded in an application/octet-stream attachment without a uuencode
 * Content-Transfer-Encoding was OK where clamscan finds it (54 of 60 cases here). Expectations: clamscan 1.4.6
 * on the same 60 mails (a top-level message/external-body is not exported by ClamAV: OK in both).
 */
class MailUuencodeAnyTypeTest {
    static String uuencode(byte[] d) {
        StringBuilder sb = new StringBuilder("begin 644 a.bin\n");
        for (int i = 0; i < d.length; i += 45) {
            int n = Math.min(45, d.length - i);
            sb.append((char) (32 + n));
            for (int j = i; j < i + n; j += 3) {
                int a = d[j] & 0xff, b = j + 1 < i + n ? d[j + 1] & 0xff : 0, c = j + 2 < i + n ? d[j + 2] & 0xff : 0;
                int[] q = {a >> 2, (a << 4 | b >> 4) & 63, (b << 2 | c >> 6) & 63, c & 63};
                for (int x : q) sb.append(x == 0 ? '`' : (char) (32 + x));
            }
            sb.append('\n');
        }
        return sb.append("`\nend\n").toString();
    }

    @Test
    void uuencodedFileInAnyExportedBody(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String uu = uuencode(ClamscanCases.payload().getBytes(StandardCharsets.ISO_8859_1));
        String h = "From: a@b\nMIME-Version: 1.0\n";
        for (String cte : new String[] {"", "7bit", "8bit", "binary", "quoted-printable", "x-foo"}) {
            for (String ct : new String[] {"application/octet-stream", "audio/x-wav", "application/pdf", "message/external-body", "foo/bar"}) {
                String k = ct.replace('/', '_') + "-" + (cte.isEmpty() ? "none" : cte) + ".eml";
                String hdr = "Content-Type: " + ct + "\n" + (cte.isEmpty() ? "" : "Content-Transfer-Encoding: " + cte + "\n") + "\n";
                Files.writeString(dir.resolve(k), h + hdr + "some text first\n" + uu, StandardCharsets.ISO_8859_1);
                Files.writeString(dir.resolve("part-" + k), h + "Content-Type: multipart/mixed; boundary=XX\n\n--XX\n" + hdr
                        + "some text first\n" + uu + "--XX--\n", StandardCharsets.ISO_8859_1);
            }
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("/application_octet-stream-7bit.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }
}
