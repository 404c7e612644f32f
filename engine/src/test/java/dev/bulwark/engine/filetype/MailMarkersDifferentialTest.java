package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text and binary files that hold a MIME message after other content: ClamAV's raw scan re-types them
 * as MHTML or mail by its built-in header-pair rules and parses them; the base64 attachment (clam.exe)
 * must be reached exactly where clamscan reaches it.
 */
class MailMarkersDifferentialTest {
    private static final String SIG = "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n";

    static Map<String, String> cases() {
        String b64 = Base64.getMimeEncoder(76, "\n".getBytes()).encodeToString(Samples.read("clam.exe"));
        String att = "Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\nContent-Type: application/octet-stream\n"
                + "Content-Transfer-Encoding: base64\n\n" + b64 + "\n--XX--\n";
        String y = "y", fill = "some text line\n".repeat(100);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("mime after text", "hello world\nmore text\nMIME-Version: 1.0\n" + att);
        c.put("mime after 1500 bytes of text", fill + "MIME-Version: 1.0\n" + att);
        c.put("mime after binary bytes", "\u0001\u0002binary\n" + "MIME-Version: 1.0\n" + att);
        c.put("mime after 1500 binary bytes", "\u0001\u0002" + fill + "MIME-Version: 1.0\n" + att);
        c.put("lower-case mime-version", "text\nmime-version: 1.0\n" + att);
        c.put("upper-case VERSION", "text\nMIME-VERSION: 1.0\n" + att);
        c.put("no space after colon", "text\nMIME-Version:1.0\n" + att);
        c.put("not at a line start", "text MIME-Version: 1.0\n" + att);
        c.put("lower-case content-type", "text\nMIME-Version: 1.0\n" + att.replaceFirst("Content-Type", "content-type"));
        for (int gap : new int[] {1000, 1100, 2000, 2500}) {
            c.put("gap " + gap, "text\nMIME-Version: 1.0\nX: " + y.repeat(gap) + "\n" + att);
        }
        c.put("gap 1100 in binary", "\u0001text\nMIME-Version: 1.0\nX: " + y.repeat(1100) + "\n" + att);
        c.put("received pair", "text\nReceived: from x\nX: " + y.repeat(1500) + "\n" + att);
        c.put("from pair", "text\nFrom: a@b\n" + att);
        c.put("message-id pair past the gap", "text\nMessage-Id: <a@b>\nX: " + y.repeat(1100) + "\n" + att);
        c.put("delivered-to pair", "text Delivered-To: a Received: b\n\n" + att);
        c.put("mime-version starting past 1024", fill + "X: " + y.repeat(1100) + "\nMIME-Version: 1.0\nX: " + y.repeat(1100) + "\n" + att);
        return c;
    }

    @Test
    void repeatedFirstPartsStayLinear() {
        // 4 MiB of "MIME-Version: " lines without a Content-Type: each candidate must not rescan its 1 KiB window
        byte[] d = "\nMIME-Version: ".repeat(4 << 20 >> 4).getBytes(StandardCharsets.ISO_8859_1);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> assertEquals(null, MailMarkers.find(java.nio.ByteBuffer.wrap(d))));
        byte[] hit = ("\nMIME-Version: ".repeat(1000) + "\nContent-Type: x").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(dev.bulwark.engine.filetype.FileType.MHTML, MailMarkers.find(java.nio.ByteBuffer.wrap(hit)));
    }

    @Test
    void sameVerdictsAsClamscan(@TempDir Path dir) throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan), "apt-get install clamav");
        Path db = dir.resolve("t.ndb");
        Files.writeString(db, SIG);
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        List<String> cmd = new ArrayList<>(List.of(clamscan.toString(), "--no-summary", "-d", db.toString()));
        Map<String, Path> files = new LinkedHashMap<>();
        int i = 0;
        for (var c : cases().entrySet()) {
            Path f = dir.resolve("case" + i++ + ".txt");
            Files.writeString(f, c.getValue(), StandardCharsets.ISO_8859_1);
            files.put(c.getKey(), f);
            cmd.add(f.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Map<String, Boolean> theirs = new LinkedHashMap<>(), ours = new LinkedHashMap<>();
        for (var f : files.entrySet()) {
            theirs.put(f.getKey(), out.contains(f.getValue() + ": ClamAV-Test-Body.UNOFFICIAL FOUND"));
            ours.put(f.getKey(), engine.scan(f.getValue(), ScanOptions.defaults()).infected());
        }
        assertEquals(theirs, ours);
        assertTrue(theirs.containsValue(true) && theirs.containsValue(false), theirs.toString());
    }
}
