package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (compat15) Quoted-printable mail bodies decoded as libclamav 1.4 decodes them (message.c decodeLine), line by
 * line over the lines its reader keeps: every line not ended by a soft break gets '\n' (a multipart part's last
 * line too; CR LF becomes '\n'), "=" then a blank is '=' and a line end, not a soft break, "=4Z" is
 * {@code 0x40 | 0x3D}, "=ZZ" is '=' then "ZZ"; a line of white space is one space; a blank line after a blank line
 * is dropped unless the message is text, and in a single message a line of only blanks and ';' after another one
 * is dropped. Between the lines LINEA and LINEB of a body go the odd lines; signatures name each way the decoded
 * lines can join (LINEA\n\nLINEB, LINEA\n \nLINEB, ...), so any difference in line structure shows. Expectations:
 * clamscan 1.4.6 --allmatch on the same mails (before the change 788 of 1,008 such mails differed).
 */
class MailQuotedPrintableLinesTest {
    static final String MBOX = "From x@y Thu Jan  1 00:00:00 2026";

    static Map<String, List<String>> mids() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("n", List.of());
        m.put("b", List.of(""));
        m.put("bb", List.of("", ""));
        m.put("bbb", List.of("", "", ""));
        m.put("w", List.of("   "));
        m.put("wt", List.of(" \t "));
        m.put("ww", List.of("  ", "  "));
        m.put("bw", List.of("", "  "));
        m.put("soft", List.of("=", ""));
        m.put("ss", List.of(";", ";"));
        m.put("sb", List.of(";", "", ";"));
        m.put("trail", List.of("x  "));
        m.put("eqsp", List.of("= "));
        m.put("eqtab", List.of("=\t"));
        m.put("bad4Z", List.of("=4Z"));
        m.put("eqZZ", List.of("=ZZ"));
        m.put("eqA", List.of("=A"));
        m.put("eqeq41", List.of("==41"));
        m.put("lower", List.of("=4a=4B"));
        m.put("long", List.of("y".repeat(998) + "=41z"));
        m.put("long2", List.of("y".repeat(999) + "=41z"));
        return m;
    }

    static final String[] JOINS = {"LINEA\nLINEB", "LINEA\n\nLINEB", "LINEA\n\n\nLINEB", "LINEA\n \nLINEB",
            "LINEA\n \n \nLINEB", "LINEA\n\n \nLINEB", "LINEA\n   \nLINEB", "LINEA\n  \n  \nLINEB", "LINEA\n \t \nLINEB",
            "LINEA\n;\nLINEB", "LINEA\n;\n;\nLINEB", "LINEA\n;\n\nLINEB", "LINEA\n;\n\n;\nLINEB", "LINEA\nx  \nLINEB",
            "LINEA\n=\nLINEB", "LINEA\n=\n\nLINEB", "LINEA\n}\nLINEB", "LINEA\n=ZZ\nLINEB", "LINEA\n=\u00ac\nLINEB",
            "LINEA\nJK\nLINEB", "LINEA\n\u00ef\u00ea\nLINEB", "LINEA\r\n", "TAILMARK\n", "TAILMARK\n\n", "TAILMARK\n\n\n",
            "yyyyAz", "yyyy=41z", "yyyyz", "yyyy\nAz"};

    @Test
    void quotedPrintableLinesDecodeAsClamscanDecodesThem(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        Map<String, String> cts = new LinkedHashMap<>();
        cts.put("app", "Content-Type: application/octet-stream; name=a.bin");
        cts.put("txt", "Content-Type: text/plain");
        for (var mid : mids().entrySet()) {
            for (var ct : cts.entrySet()) {
                for (String eol : List.of("\n", "\r\n")) {
                    for (int endBlank = 0; endBlank < 2; endBlank++) {
                        List<String> body = new ArrayList<>(List.of("HEADMARK", "LINEA"));
                        body.addAll(mid.getValue());
                        body.addAll(List.of("LINEB", ClamscanCases.EICAR, "TAILMARK"));
                        if (endBlank == 1) body.add("");
                        String n = mid.getKey() + "-" + ct.getKey() + "-" + (eol.length() == 1 ? "lf" : "crlf") + "-" + endBlank;
                        writeMails(dir, n, eol, ct.getValue() + eol + "Content-Transfer-Encoding: quoted-printable" + eol,
                                String.join(eol, body) + eol);
                    }
                }
            }
        }
        String dbPath = database(tmp);
        String[] args = {"--no-summary", "--allmatch", "-d", dbPath, dir.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(args), w = ScanCommandTest.bulwark(args);
        assertEquals(ClamscanCases.lines(c.out()), ClamscanCases.lines(w.out()));
        assertEquals(c.rc(), w.rc());
        // "= " is no soft break; "=4Z" decodes to '}'; a multipart part's last line ends with '\n'
        assertTrue(c.out().contains("eqsp-app-lf-0-s.eml: J14.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains("bad4Z-app-lf-0-m.eml: J16.UNOFFICIAL FOUND"), c.out());
        assertTrue(!c.out().contains("n-app-lf-0-m.eml: Tail.UNOFFICIAL FOUND"), c.out());
    }

    /**
     * The same lines in bodies without a transfer encoding, 7bit, 8bit and binary: exportText writes the lines ClamAV's
     * reader kept, each followed by '\n' (before, Bulwark passed the body's bytes through: CR LF, the part's last line
     * without '\n', every blank and white-space line as it stood; 604 of 672 such mails differed).
     */
    @Test
    void unencodedLinesExportAsClamscanExportsThem(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        Map<String, String> cts = new LinkedHashMap<>();
        cts.put("app", "Content-Type: application/octet-stream; name=a.bin");
        cts.put("txt", "Content-Type: text/plain");
        cts.put("appn", "Content-Type: application/octet-stream");
        List<String> keep = List.of("n", "b", "bb", "bbb", "w", "ww", "bw", "ss", "sb", "trail", "long2");
        for (var mid : mids().entrySet()) {
            if (!keep.contains(mid.getKey())) continue;
            for (var ct : cts.entrySet()) {
                for (String enc : new String[] {null, "7bit", "8bit", "binary"}) {
                    for (String e : List.of("\n", "\r\n")) {
                        List<String> body = new ArrayList<>(List.of("HEADMARK", "LINEA"));
                        body.addAll(mid.getValue());
                        body.addAll(List.of("LINEB", ClamscanCases.EICAR, "TAILMARK"));
                        String h = ct.getValue() + e + (enc == null ? "" : "Content-Transfer-Encoding: " + enc + e);
                        String n = mid.getKey() + "-" + ct.getKey() + "-" + enc + "-" + (e.length() == 1 ? "lf" : "crlf");
                        writeMails(dir, n, e, h, String.join(e, body) + e);
                    }
                }
            }
        }
        String dbPath = database(tmp);
        String[] args = {"--no-summary", "--allmatch", "-d", dbPath, dir.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(args), w = ScanCommandTest.bulwark(args);
        assertEquals(ClamscanCases.lines(c.out()), ClamscanCases.lines(w.out()));
        assertEquals(c.rc(), w.rc());
    }

    /**
     * Four mails carrying one body: a single-part mail and the body as a multipart's only part, each plain and with an
     * mbox "From " line first. {@code partHeaders} are the part's header lines, each ending with {@code e}.
     */
    static void writeMails(Path dir, String name, String e, String partHeaders, String body) throws Exception {
        String single = "From: a@b" + e + partHeaders + e + body;
        String multi = "From: a@b" + e + "Content-Type: multipart/mixed; boundary=QQ" + e + e + "--QQ" + e + partHeaders + e + body
                + "--QQ--" + e;
        write(dir.resolve(name + "-s.eml"), single);
        write(dir.resolve(name + "-s-mbox.eml"), MBOX + e + single);
        write(dir.resolve(name + "-m.eml"), multi);
        write(dir.resolve(name + "-m-mbox.eml"), MBOX + e + multi);
    }

    static void write(Path p, String s) throws Exception {
        Files.writeString(p, s, StandardCharsets.ISO_8859_1);
    }

    /** EICAR, "HEADMARK" at the body's start, "TAILMARK" as its last 8 bytes, and each of {@link #JOINS} anywhere. */
    private static String database(Path tmp) throws java.io.IOException {
        HexFormat hex = HexFormat.of();
        StringBuilder db = new StringBuilder(ClamscanCases.EICAR_NDB);
        db.append("Head:0:0:").append(hex.formatHex("HEADMARK".getBytes(StandardCharsets.US_ASCII))).append('\n');
        db.append("Tail:0:EOF-8:").append(hex.formatHex("TAILMARK".getBytes(StandardCharsets.US_ASCII))).append('\n');
        for (int i = 0; i < JOINS.length; i++) {
            db.append("J").append(i).append(":0:*:").append(hex.formatHex(JOINS[i].getBytes(StandardCharsets.ISO_8859_1))).append('\n');
        }
        return Files.writeString(tmp.resolve("q.ndb"), db).toString();
    }
}
