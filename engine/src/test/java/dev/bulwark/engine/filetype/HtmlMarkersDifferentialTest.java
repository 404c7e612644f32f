package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ASCII text with HTML past the first bytes: ClamAV's raw scan re-types it as HTML and matches its
 * normalised views, where a target-3 signature on lower-cased script text can only match.
 */
class HtmlMarkersDifferentialTest {
    private static final String SIG = "T.Html:3:*:616c6572742831\n"; // "alert(1)", only in normalised HTML

    static Map<String, String> cases() {
        String text = "plain text line\n".repeat(200);
        Map<String, String> c = new LinkedHashMap<>();
        for (String tag : new String[] {"<script>", "<Script>", "<SCRIPT>", "<sCript>", "<iframe src=x>", "<IMG src=x>",
                "<img src=x>", "<Img src=x>", "<iMg src=x>", "<table>", "<Table>", "<object>", "<html>", "<HTML>", "<hTml>",
                "<body>", "<div>", "<a href=x>", "<A HREF=x>", "<a  href=x>", "<a name=x>z</a> hReF", "<a x> HREf"}) {
            c.put(tag + " after text", text + tag + " ALERT(1)\n");
        }
        c.put("tag then SFX marker", text + "<script> ALERT(1)\nPK\u0003\u0004 zip\n");
        c.put("tag in binary", "\u0001\u0002" + text + "<script> ALERT(1)\n");
        c.put("tag in UTF-8 text", text + "caf\u00c3\u00a9 <script> ALERT(1)\n");
        return c;
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
            theirs.put(f.getKey(), out.contains(f.getValue() + ": T.Html.UNOFFICIAL FOUND"));
            ours.put(f.getKey(), engine.scan(f.getValue(), ScanOptions.defaults()).infected());
        }
        assertEquals(theirs, ours);
        assertTrue(theirs.containsValue(true) && theirs.containsValue(false), theirs.toString());
    }
}
