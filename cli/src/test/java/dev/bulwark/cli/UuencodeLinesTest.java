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
 * (compat15) Uuencoded files with odd lines, decoded as libclamav 1.4's uudecodeFile decodes them (in a mail
 * body's "fast track" and in a plain uuencoded file): it stops at an empty line, a line starting with '`' or ' ',
 * a line whose length character says more than 62 bytes or more than the characters after it (a line "=" says 29),
 * and "end" in any case; lines of up to 62 bytes are decoded (Bulwark stopped past 45 and padded short lines with
 * zeros, passed over blank and '`' lines). Expectations: clamscan 1.4.6 --allmatch on the same files.
 */
class UuencodeLinesTest {
    static String uu(byte[] p, int per) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.length; i += per) {
            int n = Math.min(per, p.length - i);
            sb.append((char) (' ' + n));
            for (int k = i; k < i + n; k += 3) {
                int b0 = p[k] & 0xff, b1 = k + 1 < i + n ? p[k + 1] & 0xff : 0, b2 = k + 2 < i + n ? p[k + 2] & 0xff : 0;
                int[] c = {b0 >> 2, ((b0 & 3) << 4) | (b1 >> 4), ((b1 & 15) << 2) | (b2 >> 6), b2 & 63};
                for (int v : c) sb.append(v == 0 ? '`' : (char) (' ' + v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static Map<String, List<String>> bodies() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int k = 0; k < 3; k++) {
            byte[] p = MailBase64LinesTest.payload(k);
            List<String> std = List.of(uu(p, 45).split("\n"));
            List<String> l60 = List.of(uu(p, 60).split("\n"));
            m.put("std" + k, cat(List.of("begin 644 a.bin"), std, List.of("`", "end")));
            m.put("eqline" + k, cat(List.of("begin 644 a.bin", "="), std, List.of("`", "end")));
            m.put("blank" + k, cat(List.of("begin 644 a.bin"), std.subList(0, 1), List.of(""), std.subList(1, std.size()), List.of("`", "end")));
            m.put("tick" + k, cat(List.of("begin 644 a.bin"), std.subList(0, 1), List.of("`"), std.subList(1, std.size()), List.of("end")));
            m.put("short" + k, cat(List.of("begin 644 a.bin"), std.subList(0, 1), List.of("MAB"), std.subList(1, std.size()), List.of("end")));
            m.put("len60-" + k, cat(List.of("begin 644 a.bin"), l60, List.of("`", "END")));
            m.put("noend" + k, cat(List.of("begin 644 a.bin"), std));
        }
        return m;
    }

    @SafeVarargs
    static List<String> cat(List<String>... ls) {
        List<String> r = new ArrayList<>();
        for (List<String> l : ls) r.addAll(l);
        return r;
    }

    @Test
    void oddUuencodedLinesDecodeAsClamscanDecodesThem(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String ct = "Content-Type: application/octet-stream; name=a.bin";
        for (var body : bodies().entrySet()) {
            String b = String.join("\n", body.getValue()) + "\n";
            String single = "From: a@b\n" + ct + "\nContent-Transfer-Encoding: x-uuencode\n\n" + b;
            String multi = "From: a@b\nContent-Type: multipart/mixed; boundary=QQ\n\n--QQ\n" + ct
                    + "\nContent-Transfer-Encoding: x-uuencode\n\n" + b + "--QQ--\n";
            String text = "From: a@b\nSubject: x\n\nsee below\n\n" + b;
            write(dir.resolve(body.getKey() + "-s.eml"), single);
            write(dir.resolve(body.getKey() + "-s-mbox.eml"), "From x@y Thu Jan  1 00:00:00 2026\n" + single);
            write(dir.resolve(body.getKey() + "-m.eml"), multi);
            write(dir.resolve(body.getKey() + "-t.eml"), text);
            write(dir.resolve(body.getKey() + ".uu"), b);
        }
        String db = Files.writeString(tmp.resolve("m.ndb"), ClamscanCases.MARKERS_NDB).toString();
        String[] args = {"--no-summary", "--allmatch", "-d", db, dir.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(args), w = ScanCommandTest.bulwark(args);
        assertEquals(ClamscanCases.lines(c.out()), ClamscanCases.lines(w.out()));
        assertEquals(c.rc(), w.rc());
        assertTrue(c.out().contains("eqline0-s.eml: OK"), c.out());
        assertTrue(c.out().contains("len60-1.uu: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }

    /**
     * (review18) A file starting "begin " (ClamAV's UUencoded type) decodes only when its first line is a begin line as
     * isuuencodebegin has it (three digits 0-9, a space) and only the block after that line (cli_uuencode): a text
     * starting "begin of ..." with a uuencoded EICAR further down is OK for clamscan, as is a second block.
     */
    @Test
    void aUuencodedFileDecodesItsFirstBlockOnlyAsClamscan(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String block = String.join("\n", cat(List.of(uu(ClamscanCases.EICAR.getBytes(StandardCharsets.ISO_8859_1), 45).split("\n")),
                List.of("`", "end"))) + "\n";
        String other = String.join("\n", cat(List.of(uu("some other text".getBytes(StandardCharsets.ISO_8859_1), 45).split("\n")),
                List.of("`", "end"))) + "\n";
        Map<String, String> files = new LinkedHashMap<>();
        files.put("A", "begin 644 a.com\n" + block + "text between\nbegin 644 b.com\n" + other);
        files.put("B", "begin of my notes\nbegin 644 a.com\n" + block);
        files.put("C", "begin 0644 a.com\n" + block);
        files.put("D", "begin 64 a.com\n" + block);
        files.put("E", "begin 999 a.com\n" + block);
        files.put("G", "begin 644 " + "n".repeat(1200) + "\n" + block);
        files.put("G2", "begin 644 " + "n".repeat(980) + "\n" + block);
        files.put("H", "begin 644 a.com\ntext between\nbegin 644 b.com\n" + block);
        files.put("I", "begin 644 a.com\n\nbegin 644 b.com\n" + block);
        files.put("M", "begin 644 a.com\n" + other + "begin 644 b.com\n" + block);
        for (var f : files.entrySet()) write(dir.resolve(f.getKey() + ".uu"), f.getValue());
        String db = Files.writeString(tmp.resolve("m.ndb"), ClamscanCases.EICAR_NDB
                + "Other:0:*:" + HexFormat.of().formatHex("some other text".getBytes(StandardCharsets.US_ASCII)) + "\n").toString();
        String[] args = {"--no-summary", "--allmatch", "-d", db, dir.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(args), w = ScanCommandTest.bulwark(args);
        assertEquals(ClamscanCases.lines(c.out()), ClamscanCases.lines(w.out()));
        assertEquals(c.rc(), w.rc());
        assertTrue(c.out().contains("B.uu: OK") && c.out().contains("E.uu: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }

    static void write(Path p, String s) throws Exception {
        Files.writeString(p, s, StandardCharsets.ISO_8859_1);
    }
}
