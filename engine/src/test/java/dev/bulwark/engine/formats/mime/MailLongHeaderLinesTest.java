package dev.bulwark.engine.formats.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
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
 * (compat17) parseEmailFile reads a single message with getline_from_mbox, 999 bytes at a time: a header line longer
 * than that is several lines, and the pieces after the first are taken as any other line (no header: skipped, no
 * header bytes counted; a piece in an open quote joins the header and counts). fuzz17's 939 KB Content-Type of 50,000
 * boundary= parameters was Heuristics.Limits.Exceeded.EmailHeaderBytes in Bulwark; clamscan 1.4.6 scans the body and
 * finds the EICAR attachment. Verdicts recorded with clamscan 1.4.6 (2026-11-27) and compared again when installed.
 */
class MailLongHeaderLinesTest {
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private static String mail(String contentType) {
        return "From: a@b\nTo: c@d\nSubject: x\nMIME-Version: 1.0\nContent-Type: " + contentType + "\n\n--BB\n"
                + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
                + Base64.getEncoder().encodeToString(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\n--BB--\n";
    }

    @Test
    void longHeaderLinesAreReadInPiecesAsClamscan(@TempDir Path tmp) throws Exception {
        String base = "multipart/mixed; boundary=\"BB\"";
        Map<String, String> mails = new LinkedHashMap<>();
        Map<String, String> verdicts = new LinkedHashMap<>();
        String eicar = "Eicar.Sig.UNOFFICIAL", limit = "Heuristics.Limits.Exceeded.EmailHeaderBytes";
        mails.put("many-boundary", mail(base + "; boundary=\"BBBBBBBBB\"".repeat(50_000)));
        verdicts.put("many-boundary", eicar);
        mails.put("many-params", mail(base + "; x=yyyyyyyyyyyyyy".repeat(50_000)));
        verdicts.put("many-params", eicar);
        mails.put("boundary-last", mail("multipart/mixed;" + " x=yyyyyyyyyyyyyy;".repeat(50_000) + " boundary=\"BB\""));
        verdicts.put("boundary-last", eicar);
        mails.put("trailing-blank", mail(base + " ".repeat(300_000)));
        verdicts.put("trailing-blank", eicar);
        mails.put("long-x", mail(base + "; " + "x".repeat(300_000)));
        verdicts.put("long-x", eicar);
        // an open quote joins every piece to the header: the bytes count, as before
        mails.put("long-quote", mail(base + "; x=\"" + "x".repeat(300_000) + "\""));
        verdicts.put("long-quote", limit);
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(db.resolve("e.ndb"), "Eicar.Sig:0:*:" + java.util.HexFormat.of().formatHex(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\n");
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        ScanOptions opt = ScanOptions.defaults().withAlert(ScanOptions.Alert.EXCEEDS_MAX, true);
        Map<String, String> ours = new LinkedHashMap<>();
        List<Path> paths = new ArrayList<>();
        for (var e : mails.entrySet()) {
            Path p = Files.writeString(tmp.resolve(e.getKey() + ".eml"), e.getValue(), StandardCharsets.US_ASCII);
            paths.add(p);
            var d = engine.scan(p, opt).detections();
            ours.put(e.getKey(), d.isEmpty() ? "OK" : d.get(0).name());
        }
        assertEquals(verdicts, ours);
        if (!Files.isExecutable(Path.of("/usr/bin/clamscan"))) return;
        List<String> cmd = new ArrayList<>(List.of("clamscan", "--no-summary", "--alert-exceeds-max", "-d", db.toString()));
        for (Path p : paths) cmd.add(p.toString());
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        proc.waitFor();
        Map<String, String> clam = new LinkedHashMap<>();
        for (String k : mails.keySet()) clam.put(k, null);
        for (String line : out.split("\n")) {
            int k = line.lastIndexOf(": ");
            if (k < 0) continue;
            String name = Path.of(line.substring(0, k)).getFileName().toString().replace(".eml", "");
            String v = line.substring(k + 2);
            clam.put(name, v.endsWith(" FOUND") ? v.substring(0, v.length() - 6) : v);
        }
        assertEquals(verdicts, clam, "clamscan changed");
    }
}
