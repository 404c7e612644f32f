package dev.bulwark.engine;

import dev.bulwark.engine.formats.doctest.ClamscanVerdicts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When ClamAV matches the normalised text of a text file (target-7 and generic signatures, cli_scanscript): after
 * the raw scan and what its type recognition started, and not when that recognition re-typed the text as HTML
 * (the HTML views replace the text view there). Verdicts against clamscan's.
 */
class TextViewDifferentialTest {
    /** Matches "hello world" only in the normalised text view (target 7: no other view is lower-cased and target 7). */
    private static final String TEXT_SIGNATURE = "T.Text:7:*:68656c6c6f20776f726c64\n";

    /**
     * Plain text longer than the head the type detection reads (the first 1 KiB), so HTML tags after it are found
     * by the raw scan's type recognition (the layer is re-typed there), not by the detection.
     */
    private static final String PAD = "lorem ipsum dolor sit amet\n".repeat(120);

    private static Map<String, String> cases() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("plain text", "Some notes\nHELLO   World and more\n");
        c.put("plain text, tabs", "Some notes\n\tHello\t\tWORLD\n");
        c.put("long plain text", PAD + "HELLO   World and more\n");
        c.put("text, an html tag after the head", "Some notes\nHELLO   World\n" + PAD + "<html><body>x</body></html>\n");
        c.put("text, a script tag after the head", PAD + "HELLO   World\n<script>var a = 1;</script>\n");
        c.put("text, a lone angle bracket after the head", PAD + "a < b and HELLO   World > c\n");
        c.put("html in the head", "Notes <html><body>HELLO   World</body></html>\n");
        c.put("mail headers, then the text", "From: a@example.com\nTo: b@example.com\nSubject: x\n\nHELLO   World\n");
        return c;
    }

    @Test
    void textViewVerdictsMatchClamscan(@TempDir Path dir) throws Exception {
        ClamscanVerdicts.assertSame(dir, "t.ndb", TEXT_SIGNATURE, ClamscanVerdicts.latin1(cases()), ".txt");
    }
}
