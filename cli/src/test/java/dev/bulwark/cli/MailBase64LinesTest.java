package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (compat15) Base64 mail bodies with odd lines, decoded as libclamav 1.4's messageExport decodes them (message.c
 * decodeLine/decode): each line is cut at its first '=', characters outside the alphabet are dropped, and what is
 * left forms one stream over all lines (a quantum cut by a '=' is completed by the next line, not padded); at the
 * end a partial quantum is flushed as base64Flush does; a line is what the mail reader returns (999 bytes at most,
 * ended by LF, or by CR in a single message). Before, Bulwark flushed and reset at every '=', so a body opening
 * with {@code ;}, {@code ;}, {@code name=x} (round 13's 6 exploratory mails), padding in the middle, a line of
 * {@code abc=} or a long line with a '=' past its 999th byte decoded shifted. The payload starts with HEADMARK and
 * ends with TAILMARK plus 0-2 bytes, so signatures at offset 0 and at EOF-n see any shift or any extra byte of the
 * final flush. Expectations: clamscan 1.4.6 --allmatch on the same mails (names compared as sets: clamscan reports
 * some names twice for a decoded file that starts with NUL bytes).
 */
class MailBase64LinesTest {
    static final String MBOX = "From x@y Thu Jan  1 00:00:00 2026";

    static byte[] payload(int k) {
        return ("HEADMARK" + "hello world\n".repeat(3) + ClamscanCases.EICAR + "\n" + "trailer\n".repeat(3) + "TAILMARK"
                + "xyz".substring(0, k)).getBytes(StandardCharsets.ISO_8859_1);
    }

    static List<String> lines(byte[] p, int width) {
        String s = Base64.getEncoder().encodeToString(p);
        List<String> l = new ArrayList<>();
        for (int i = 0; i < s.length(); i += width) l.add(s.substring(i, Math.min(s.length(), i + width)));
        return l;
    }

    static List<String> cat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    static Map<String, List<String>> bodies() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int k = 0; k < 3; k++) {
            byte[] p = payload(k);
            List<String> std = lines(p, 76);
            m.put("pre-semi" + k, cat(List.of(";", ";", "name=x"), std));
            m.put("pre-eq" + k, cat(List.of("="), std));
            m.put("pre-abceq" + k, cat(List.of("abc="), std));
            m.put("pre-a" + k, cat(List.of("a"), std));
            m.put("pre-junkeq" + k, cat(List.of("QQ==QUJD"), std));
            m.put("mid-aeqb" + k, cat(cat(std.subList(0, 2), List.of("a=b")), std.subList(2, std.size())));
            m.put("end-a" + k, cat(std, List.of("a")));
            m.put("end-aeqb" + k, cat(std, List.of("a=b")));
            byte[] h1 = java.util.Arrays.copyOfRange(p, 0, 1), t1 = java.util.Arrays.copyOfRange(p, 1, p.length);
            byte[] h2 = java.util.Arrays.copyOfRange(p, 0, 2), t2 = java.util.Arrays.copyOfRange(p, 2, p.length);
            m.put("two1-" + k, cat(lines(h1, 76), lines(t1, 76)));
            m.put("two2-" + k, cat(lines(h2, 76), lines(t2, 76)));
            List<String> t1l = lines(t1, 76);
            m.put("twoone1-" + k, cat(List.of(lines(h1, 76).get(0) + t1l.get(0)), t1l.subList(1, t1l.size())));
            String one = Base64.getEncoder().encodeToString(p);
            m.put("long-pad2-" + k, List.of("A".repeat(1000) + "=" + one));      // '=' in the second read of the line
            m.put("long-pad3-" + k, List.of("=" + "B".repeat(1500) + one));      // reads 2.. of the line are decoded
            List<String> eq = new ArrayList<>();
            for (String l : std) { eq.add(l); eq.add("="); }
            m.put("eqlines-" + k, eq);
            m.put("w5-" + k, lines(p, 5));
            List<String> garb = new ArrayList<>(std);
            String last = garb.remove(garb.size() - 1);
            garb.add(last.endsWith("=") ? last + "garbage" : last + "==garbage");
            m.put("trailgarb-" + k, garb);
        }
        return m;
    }

    @Test
    void oddBase64LinesDecodeAsClamscanDecodesThem(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String ct = "Content-Type: application/octet-stream; name=a.bin";
        Map<String, String> eols = Map.of("lf", "\n", "crlf", "\r\n");
        for (var body : bodies().entrySet()) {
            for (var eol : eols.entrySet()) {
                String e = eol.getValue(), b = String.join(e, body.getValue()) + e;
                String single = "From: a@b" + e + ct + e + "Content-Transfer-Encoding: base64" + e + e + b;
                String multi = "From: a@b" + e + "Content-Type: multipart/mixed; boundary=QQ" + e + e + "--QQ" + e + ct + e
                        + "Content-Transfer-Encoding: base64" + e + e + b + "--QQ--" + e;
                String n = body.getKey() + "-" + eol.getKey();
                write(dir.resolve(n + "-s.eml"), single);
                write(dir.resolve(n + "-s-mbox.eml"), MBOX + e + single);
                write(dir.resolve(n + "-m.eml"), multi);
                write(dir.resolve(n + "-m-mbox.eml"), MBOX + e + multi);
            }
        }
        // lines ended by CR alone: a line end for a single message (getline_from_mbox), not in an mbox (fmap_gets)
        for (String k : List.of("pre-semi1", "pre-eq2", "mid-aeqb0", "eqlines-1", "w5-2")) {
            String b = String.join("\r", bodies().get(k)) + "\r";
            String single = "From: a@b\r" + ct + "\rContent-Transfer-Encoding: base64\r\r" + b;
            write(dir.resolve("cr-" + k + ".eml"), single);
            write(dir.resolve("cr-" + k + "-mbox.eml"), MBOX + "\r" + single);
        }
        String db = Files.writeString(tmp.resolve("m.ndb"), ClamscanCases.MARKERS_NDB).toString();
        String[] args = {"--no-summary", "--allmatch", "-d", db, dir.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(args), w = ScanCommandTest.bulwark(args);
        assertEquals(ClamscanCases.lines(c.out()), ClamscanCases.lines(w.out()));
        assertEquals(c.rc(), w.rc());
        // round 13's leftover: ";", ";", "name=x" before the data ("name" decodes to 3 bytes, the data stays aligned)
        assertTrue(c.out().contains("pre-semi0-lf-m.eml: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        // padding in the middle does not restart the decoding: the second block is read shifted, nothing is found
        assertTrue(c.out().contains("two1-1-lf-s.eml: OK"), c.out());
    }

    static void write(Path p, String s) throws Exception {
        Files.writeString(p, s, StandardCharsets.ISO_8859_1);
    }
}
