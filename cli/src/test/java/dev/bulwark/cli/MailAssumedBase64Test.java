package dev.bulwark.cli;

import static dev.bulwark.cli.ClamscanCases.EICAR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV's messageExport assumes base64 ("some virus attachments don't say how they've been encoded") for a body
 * with no Content-Transfer-Encoding or 7bit whose Content-Type has a name= parameter while no Content-Disposition
 * filename= is given, and scans that decoding as a file of its own. Bulwark scanned such a body only as it
 * stands: a base64 attachment whose encoding header was dropped was OK where clamscan finds EICAR. Expectations:
 * clamscan 1.4.6 on the same 16 mails (8 header sets, top level and as a part; a top-level image is not exported).
 */
class MailAssumedBase64Test {
    @Test
    void namedUnencodedBodiesAreAlsoReadAsBase64(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String att = ClamscanCases.base64Lines("hello world\n".repeat(20) + EICAR + "\n");
        String h = "From: a@b\nMIME-Version: 1.0\n";
        Map<String, String> hdrs = new LinkedHashMap<>();
        hdrs.put("name", "Content-Type: application/octet-stream; name=\"a.bin\"\n");
        hdrs.put("fname", "Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"a.bin\"\n");
        hdrs.put("both", "Content-Type: application/octet-stream; name=\"a.bin\"\nContent-Disposition: attachment; filename=\"a.bin\"\n");
        hdrs.put("name7bit", "Content-Type: application/octet-stream; name=\"a.bin\"\nContent-Transfer-Encoding: 7bit\n");
        hdrs.put("textname", "Content-Type: text/plain; name=\"a.txt\"\n");
        hdrs.put("imgname", "Content-Type: image/gif; name=\"a.gif\"\n");
        hdrs.put("unkname", "Content-Type: foo/bar; name=\"a.bin\"\n");
        hdrs.put("nameonly-cd", "Content-Type: application/octet-stream\nContent-Disposition: attachment; name=\"a.bin\"\n");
        for (var e : hdrs.entrySet()) {
            Files.writeString(dir.resolve("top-" + e.getKey() + ".eml"), h + e.getValue() + "\n" + att, StandardCharsets.ISO_8859_1);
            Files.writeString(dir.resolve("part-" + e.getKey() + ".eml"), h + "Content-Type: multipart/mixed; boundary=QQ\n\n--QQ\n"
                    + e.getValue() + "\n" + att + "--QQ--\n", StandardCharsets.ISO_8859_1);
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("top-name.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }
}
