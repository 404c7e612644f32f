package dev.bulwark.cli;

import static dev.bulwark.cli.ClamscanCases.EICAR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (mend13) A NUL inside a base64 body line. ClamAV reads a file that starts with "From " (an mbox) with fmap_gets
 * into C strings, so the NUL ends what it keeps of that line (of that 999-byte read): the rest is lost and the
 * decoding from there shifts or not with the kept length. A single message is read with getline_from_mbox, which
 * skips NULs (the base64 decoder skipping them matches; truncating there too, as a naive copy did, is wrong).
 * Bulwark skipped the NUL in both: 24 of these mbox mails differed from clamscan 1.4.6 (FOUND where it is OK and
 * the other way round); now none. Expectations: clamscan 1.4.6 on the same mails.
 */
class MailNulInBase64LineTest {
    @Test
    void aNulEndsAnMboxLineButIsSkippedInASingleMessage(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String[] lines = ClamscanCases.base64Lines("hello world\n".repeat(20) + EICAR + "\n").split("\n");
        Map<String, List<String>> muts = new LinkedHashMap<>();
        for (int li : new int[] {0, 1, 3}) {
            for (int pos : new int[] {0, 1, 2, 3, 40, 75, 76}) {
                String l = lines[li];
                List<String> ins = new ArrayList<>(List.of(lines));
                ins.set(li, l.substring(0, pos) + "\0" + l.substring(pos));
                muts.put("ins-l" + li + "-p" + pos, ins);
                if (pos < l.length()) {
                    List<String> rep = new ArrayList<>(List.of(lines));
                    rep.set(li, l.substring(0, pos) + "\0" + l.substring(pos + 1));
                    muts.put("rep-l" + li + "-p" + pos, rep);
                }
            }
        }
        List<String> longLine = new ArrayList<>(List.of(lines)); // the NUL's read ends at 999 bytes, the rest is a line
        longLine.set(1, lines[1].substring(0, 20) + "\0" + "A".repeat(1100) + lines[1].substring(20));
        muts.put("long", longLine);
        List<String> nuls = new ArrayList<>(List.of(lines));
        nuls.set(1, lines[1].substring(0, 20) + "\0".repeat(1100) + lines[1].substring(20));
        muts.put("long-nuls", nuls);
        for (var m : muts.entrySet()) {
            String body = String.join("\n", m.getValue()) + "\n";
            for (boolean mbox : new boolean[] {false, true}) {
                String h = (mbox ? "From someone@x Mon Jan  1 00:00:00 2024\n" : "") + "From: a@b\nMIME-Version: 1.0\n";
                String n = m.getKey() + (mbox ? "-mbox" : "");
                Files.writeString(dir.resolve(n + ".eml"), h + "Content-Type: application/octet-stream\n"
                        + "Content-Transfer-Encoding: base64\n\n" + body, StandardCharsets.ISO_8859_1);
                Files.writeString(dir.resolve(n + "-part.eml"), h + "Content-Type: multipart/mixed; boundary=QQ\n\n--QQ\n"
                        + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + body + "--QQ--\n",
                        StandardCharsets.ISO_8859_1);
            }
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        // the line keeps 1 or 75 characters: shifted, nothing found; it keeps 0 or 40: aligned, found
        assertTrue(c.out().contains("ins-l1-p1-mbox.eml: OK"), c.out());
        assertTrue(c.out().contains("rep-l1-p40-mbox-part.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("ins-l1-p1.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }
}
