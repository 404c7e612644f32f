package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV takes an unknown MIME major type for the most similar known one when its simil() rates it 50% or more
 * ("multiqart/mixed" is multipart, "messag/rfc822" a message), "plain" for text, "x-..." as an extension, and
 * anything else for application. Bulwark treated every unknown major type as an opaque body, so a mail whose
 * "multipart" or "message" had one wrong letter hid its base64 attachment: OK where clamscan finds EICAR.
 * Expectations: clamscan 1.4.6 on the same 66 mails (22 spellings as a top-level multipart, an rfc822 part and an
 * attachment's type).
 */
class MailMimeTypeGuessTest {
    @Test
    void unknownMajorTypesAreGuessedAsClamAVDoes(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String att = ClamscanCases.base64Lines(ClamscanCases.payload());
        String h = "From: a@b\nSubject: t\nMIME-Version: 1.0\n";
        String[] majors = {"multiqart", "mutlipart", "multi", "multipar", "mlp", "textt", "txet", "applicaton", "aplication", "imgae", "foo",
            "x-foo", "plain", "messag", "massage", "vidoe", "audoi", "zzzzzzzz", "multipartmultipart", "MULTIQART", "pmultipart", "part"};
        for (String m : majors) {
            String part = "--XX\nContent-Type: text/plain\n\nhi\n--XX\nContent-Type: application/octet-stream; name=a.bin\n"
                    + "Content-Transfer-Encoding: base64\n\n" + att + "--XX--\n";
            write(dir.resolve("top-" + m + ".eml"), h + "Content-Type: " + m + "/mixed; boundary=XX\n\n" + part);
            String inner = "From: x@y\nSubject: i\nMIME-Version: 1.0\nContent-Type: " + m + "/rfc822\n\n"
                    + "From: q@r\nSubject: z\nMIME-Version: 1.0\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + att;
            write(dir.resolve("msg-" + m + ".eml"), h + "Content-Type: multipart/mixed; boundary=QQ\n\n--QQ\nContent-Type: message/rfc822\n\n"
                    + inner + "\n--QQ--\n");
            write(dir.resolve("att-" + m + ".eml"), h + "Content-Type: multipart/mixed; boundary=QQ\n\n--QQ\nContent-Type: " + m
                    + "/octet-stream\nContent-Transfer-Encoding: base64\n\n" + att + "--QQ--\n");
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("top-multiqart.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }

    private static void write(Path p, String s) throws Exception {
        Files.writeString(p, s, StandardCharsets.ISO_8859_1);
    }
}
