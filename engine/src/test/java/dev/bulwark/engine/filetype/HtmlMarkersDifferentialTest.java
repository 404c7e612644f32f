package dev.bulwark.engine.filetype;


import dev.bulwark.engine.formats.doctest.ClamscanVerdicts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
        ClamscanVerdicts.assertSame(dir, "t.ndb", SIG, ClamscanVerdicts.latin1(cases()), ".txt");
    }
}
