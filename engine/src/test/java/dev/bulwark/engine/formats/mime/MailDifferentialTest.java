package dev.bulwark.engine.formats.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.binhex.BinHexExtractor;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Mail variants: does our MIME parsing reach clam.exe exactly when clamscan's does? */
class MailDifferentialTest {
    /** {@code superset}: we reach clam.exe where clamscan does not (documented divergences). */
    record Case(String label, String mail, boolean superset) {
        Case(String label, String mail) { this(label, mail, false); }

        @Override public String toString() { return label; }
    }

    private static String b64(int lineLen, String eol) {
        String s = Base64.getEncoder().encodeToString(Samples.read("clam.exe"));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i += lineLen) sb.append(s, i, Math.min(s.length(), i + lineLen)).append(eol);
        return sb.toString();
    }

    private static String qp() {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (byte x : Samples.read("clam.exe")) {
            int c = x & 0xff;
            String t = (c >= 33 && c <= 126 && c != '=') ? String.valueOf((char) c) : String.format("=%02X", c);
            if (col + t.length() > 72) { sb.append("=\n"); col = 0; }
            sb.append(t);
            col += t.length();
        }
        return sb.append('\n').toString();
    }

    private static String uu() {
        String s = new String(Samples.read("clam.exe.mbox.uu"), StandardCharsets.ISO_8859_1);
        return s.substring(s.indexOf("begin 644"));
    }

    private static String yenc() {
        StringBuilder sb = new StringBuilder("=ybegin line=128 size=544 name=clam.exe\n");
        int col = 0;
        for (byte x : Samples.read("clam.exe")) {
            int c = ((x & 0xff) + 42) & 0xff;
            if (c == 0 || c == '\n' || c == '\r' || c == '=') { sb.append('=').append((char) ((c + 64) & 0xff)); col += 2; }
            else { sb.append((char) c); col++; }
            if (col >= 128) { sb.append('\n'); col = 0; }
        }
        return sb.append("\n=yend size=544\n").toString();
    }

    static Stream<Arguments> cases() {
        String h = "From: a@example.net\nTo: b@example.org\nSubject: test\nMIME-Version: 1.0\n";
        String att = "Content-Type: application/octet-stream; name=\"clam.exe\"\nContent-Transfer-Encoding: base64\n\n" + b64(76, "\n");
        List<Case> c = new ArrayList<>();
        c.add(new Case("single part base64", h + att));
        c.add(new Case("upper-case encoding", h + att.replace("base64", "BASE64")));
        c.add(new Case("quoted-printable", h + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: quoted-printable\n\n" + qp()));
        c.add(new Case("multipart", h + "Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\nContent-Type: text/plain\n\nhi\n--XX\n" + att + "--XX--\n"));
        c.add(new Case("multipart CRLF", (h + "Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\nContent-Type: text/plain\n\nhi\n--XX\n" + att + "--XX--\n").replace("\n", "\r\n")));
        c.add(new Case("folded boundary", h + "Content-Type: multipart/mixed;\n\tboundary=\"XX\"\n\n--XX\n" + att + "--XX--\n"));
        c.add(new Case("no closing boundary", h + "Content-Type: multipart/mixed; boundary=XX\n\n--XX\n" + att));
        c.add(new Case("nested multipart", h + "Content-Type: multipart/mixed; boundary=A\n\n--A\nContent-Type: multipart/alternative; boundary=B\n\n--B\nContent-Type: text/plain\n\nx\n--B\n" + att + "--B--\n--A--\n"));
        c.add(new Case("rfc822 attachment", h + "Content-Type: multipart/mixed; boundary=A\n\n--A\nContent-Type: message/rfc822\n\n" + h + att + "--A--\n"));
        c.add(new Case("x-uuencode", h + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\n" + uu()));
        c.add(new Case("uuencode in plain body", "From: a@example.net\nSubject: s\n\nsee below\n\n" + uu()));
        // ClamAV mis-decodes escaped yEnc bytes (it drops the 42 offset), so it never gets clam.exe back
        c.add(new Case("yEnc in plain body", "From: a@example.net\nSubject: s\n\n" + yenc(), true));
        // ClamAV needs the blank line; we end the header block at the first line that is no header
        c.add(new Case("base64 without headers' blank line", h + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n" + b64(76, "\n"), true));
        // ClamAV's "MIME attachment before the first MIME section": the body's first Content-Transfer-Encoding line,
        // before any boundary line, starts a part (a damaged first boundary does not hide the attachment)
        c.add(new Case("attachment before the first boundary", h + "Content-Type: multipart/mixed; boundary=XX\n\n-,XX\n"
                + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + b64(76, "\n") + "--XX--\n"));
        c.add(new Case("7bit attachment before the first boundary", h + "Content-Type: multipart/mixed; boundary=XX\n\n-,XX\n"
                + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: 7bit\n\n" + b64(76, "\n") + "--XX--\n"));
        // in a part, a line that is no header (a control byte or NUL in the name, no colon) does not end the headers
        c.add(new Case("junk line among part headers", h + "Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\nhi\n--XX\n"
                + "Content-Typ\u0001: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + b64(76, "\n") + "--XX--\n"));
        c.add(new Case("NUL in a part header name", h + "Content-Type: multipart/mixed; boundary=XX\n\n--XX\n"
                + "Content-Type: application/octet-stream\nContent-Tra\u0000sfer-Encoding: x\nContent-Transfer-Encoding: base64\n\n" + b64(76, "\n") + "--XX--\n"));

        c.add(new Case("base64 long lines", h + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + b64(1000, "\n")));
        c.add(new Case("garbage in base64", h + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + b64(76, "\n").replace("AAAA", "AA!AA")));
        c.add(new Case("binhex body", "From: a@example.net\nSubject: s\n\n" + new String(Samples.read("clam.exe.binhex"), StandardCharsets.ISO_8859_1)));
        c.add(new Case("binhex after text", "From: a@example.net\nSubject: s\n\nhello\n" + new String(Samples.read("clam.exe.binhex"), StandardCharsets.ISO_8859_1)));
        return c.stream().map(Arguments::of);
    }

    private static boolean ours(byte[] mail) {
        RecordingContext ctx = Contract.run(new MailExtractor(), mail, FileType.MAIL);
        for (RecordingContext.Child ch : ctx.children) {
            if (Samples.isClamExe(ch.data())) return true;
            if (ch.info().typeHint() == FileType.BINHEX) {
                RecordingContext inner = Contract.run(new BinHexExtractor(), ch.data(), FileType.BINHEX);
                if (inner.children.stream().anyMatch(x -> Samples.isClamExe(x.data()))) return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameVerdictAsClamscan(Case c, @TempDir Path dir) throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan));
        byte[] exe = Samples.read("clam.exe");
        Path db = Files.createDirectory(dir.resolve("db"));
        Files.writeString(db.resolve("t.hdb"), HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(exe)) + ":544:ClamExe\n");
        Path f = dir.resolve("m.eml");
        byte[] mail = c.mail().getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, mail);
        Process p = new ProcessBuilder(clamscan.toString(), "--no-summary", "-d", db.toString(), f.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        boolean theirs = out.contains("ClamExe.UNOFFICIAL FOUND");
        if (c.superset()) {
            assertEquals(List.of(false, true), List.of(theirs, ours(mail)), c.label() + ": clamscan said " + out.strip());
        } else {
            assertEquals(theirs, ours(mail), c.label() + ": clamscan said " + out.strip());
        }
    }
}
