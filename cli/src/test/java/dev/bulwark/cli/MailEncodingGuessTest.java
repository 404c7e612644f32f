package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV reads an unknown Content-Transfer-Encoding token as the most similar known one ("bas64", "base-64",
 * "b64" are base64, "quoted-printabel" quoted-printable), and decodes with base64 and quoted-printable both when
 * none is similar enough ("x-foo", "qp"). Bulwark decoded only values containing "base64" or equal to
 * "quoted-printable": an attachment under a misspelt encoding was OK where clamscan finds EICAR. Expectations:
 * clamscan 1.4.6 on the same 32 mails (each value over a base64 and a quoted-printable body). '"base64"' and '64',
 * which ClamAV does not guess (only encodings with the token's first letter are compared): MailEncodingSpellingsTest.
 */
class MailEncodingGuessTest {
    @Test
    void unknownEncodingsAreGuessedAsClamAVDoes(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String payload = ClamscanCases.payload();
        String b64 = ClamscanCases.base64Lines(payload);
        String qp = payload.replace("X5O!", "X5O=21");
        String h = "From: a@b\nSubject: t\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=QQ\n\n--QQ\n"
                + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: ";
        String[] encs = {"bas64", "base-64", "x-foo", "b64", "BASE64", "base64x", "basse64", "quoted-printabel", "qp", "x-uuencod",
            "binry", "7bitt", "base64 7bit", "7bit base64", "x-base64", "base64;"};
        for (int i = 0; i < encs.length; i++) {
            Files.writeString(dir.resolve("b64-" + i + ".eml"), h + encs[i] + "\n\n" + b64 + "--QQ--\n", StandardCharsets.ISO_8859_1);
            Files.writeString(dir.resolve("qp-" + i + ".eml"), h + encs[i] + "\n\n" + qp + "--QQ--\n", StandardCharsets.ISO_8859_1);
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("/b64-0.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }
}
