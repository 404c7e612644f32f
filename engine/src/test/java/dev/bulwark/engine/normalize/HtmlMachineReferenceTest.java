package dev.bulwark.engine.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The HTML machine with its runs of ordinary bytes against {@link HtmlMachineReference}, the per-byte machine
 * it replaced (which HtmlViewsDifferentialTest had checked against clamscan): the same three views, byte for
 * byte, on generated documents, byte soup over the bytes the states react to, documents across ClamAV's
 * 8 KiB chunks, and the HTML files installed on this machine.
 */
class HtmlMachineReferenceTest {
    /** Bytes the machine's states treat specially, plus ordinary ones; soup is drawn from these. */
    private static final byte[] SOUP = ("<>&;#xX'\"= \t\r\n\u000b\f\u0000\\!-/aAzZ09%,:._\u0001\u007f"
            + "\u00e3\u0080\u0082\u00a1CDOdata:script</style>").getBytes(StandardCharsets.ISO_8859_1);
    private static final String[] WORDS = {"<script>", "</script>", "<style>", "</style>", "<a href=", "<img src=",
        "<!--", "-->", "data:", "&amp;", "&#x41;", "&#65", "  ", "\r\n", "'", "\"", ">", "<", "=", "href", "src"};

    private static void assertSameViews(byte[] doc, String what) {
        HtmlNormalizer.Result fast = new HtmlMachine(doc, 0, doc.length).run();
        HtmlNormalizer.Result ref = new HtmlMachineReference(doc, 0, doc.length).run();
        assertArrayEquals(ref.noComment(), fast.noComment(), () -> "nocomment of " + what);
        assertArrayEquals(ref.noTags(), fast.noTags(), () -> "notags of " + what);
        assertArrayEquals(ref.scripts(), fast.scripts(), () -> "javascript of " + what);
    }

    @Test
    void generatedDocuments() {
        Random r = new Random(11);
        for (int i = 0; i < 4000; i++) assertSameViews(HtmlViewsDifferentialTest.generate(r), "generated " + i);
    }

    @Test
    void byteSoup() {
        Random r = new Random(12);
        for (int i = 0; i < 4000; i++) {
            byte[] d = new byte[r.nextInt(300)];
            for (int k = 0; k < d.length; k++) {
                d[k] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : SOUP[r.nextInt(SOUP.length)];
            }
            assertSameViews(d, "soup " + i);
        }
    }

    @Test
    void wordSoup() {
        Random r = new Random(13);
        for (int i = 0; i < 3000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(60);
            for (int k = 0; k < n; k++) {
                b.append(r.nextBoolean() ? WORDS[r.nextInt(WORDS.length)] : (char) (SOUP[r.nextInt(SOUP.length)] & 0xFF));
            }
            assertSameViews(b.toString().getBytes(StandardCharsets.ISO_8859_1), "words " + i);
        }
    }

    @Test
    void documentsAcrossChunks() {
        Random r = new Random(14);
        for (int i = 0; i < 60; i++) {
            ByteArrayOutputStream big = new ByteArrayOutputStream();
            int target = 8000 + r.nextInt(30_000);
            while (big.size() < target) {
                big.writeBytes(HtmlViewsDifferentialTest.generate(r));
                if (r.nextInt(3) == 0) big.writeBytes(" ".repeat(r.nextInt(40)).getBytes(StandardCharsets.ISO_8859_1));
                if (r.nextInt(5) == 0) big.write(0);
            }
            assertSameViews(big.toByteArray(), "large " + i);
        }
    }

    @Test
    void installedHtmlFiles() throws IOException {
        Path doc = Path.of("/usr/share/doc");
        if (!Files.isDirectory(doc)) return;
        List<Path> files;
        try (Stream<Path> s = Files.walk(doc, 6)) {
            files = s.filter(p -> p.toString().endsWith(".html") && Files.isRegularFile(p)).sorted().limit(300).toList();
        }
        for (Path p : files) {
            byte[] d = Files.readAllBytes(p);
            if (d.length <= 4 << 20) assertSameViews(d, p.toString());
        }
    }

    /**
     * Argument values around ClamAV's 5-byte data: check and its 1,024-byte value buffer (html15: the value run
     * stores to a bound fixed before its loop, then runs on without storing), with CRs, quotes, references and
     * chunk ends inside them.
     */
    @Test
    void longArgumentValues() {
        Random r = new Random(15);
        byte[] pieces = "aZ09._/\r\r\\%:".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 400; i++) {
            StringBuilder b = new StringBuilder();
            int tags = 1 + r.nextInt(6);
            for (int t = 0; t < tags; t++) {
                b.append(r.nextBoolean() ? "<a href=" : "<img x=1 src=");
                int q = r.nextInt(3);
                if (q > 0) b.append(q == 1 ? '"' : '\'');
                int len = r.nextInt(4) == 0 ? r.nextInt(8) : 1000 + r.nextInt(9000);
                if (r.nextInt(4) == 0) b.append("data:");
                for (int k = 0; k < len; k++) {
                    int x = r.nextInt(200);
                    if (x == 0) b.append("&amp;");
                    else if (x == 1) b.append(' ');
                    else b.append((char) (pieces[r.nextInt(pieces.length)] & 0xFF));
                }
                if (q > 0) b.append(q == 1 ? '"' : '\'');
                b.append(">link ").append(t).append("</a> ");
            }
            assertSameViews(b.toString().getBytes(StandardCharsets.ISO_8859_1), "long values " + i);
        }
    }

    /**
     * Tag and argument names of every length around ClamAV's 1,024-byte name buffer (html15: names after their
     * first byte are read in runs), with CRs, upper case, '=' and '!' inside and chunk ends among them.
     */
    @Test
    void longTagAndArgumentNames() {
        Random r = new Random(17);
        byte[] pieces = "aZ/\r\r=!-:'\"".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 300; i++) {
            StringBuilder b = new StringBuilder();
            int tags = 1 + r.nextInt(8);
            for (int t = 0; t < tags; t++) {
                b.append(r.nextInt(5) == 0 ? "</" : "<");
                int len = r.nextInt(3) == 0 ? 1000 + r.nextInt(3000) : r.nextInt(12);
                for (int k = 0; k < len; k++) b.append((char) (pieces[r.nextInt(pieces.length)] & 0xFF));
                if (r.nextBoolean()) b.append(r.nextBoolean() ? "script" : "style");
                b.append(r.nextBoolean() ? ">" : " ").append("text ").append(t).append(r.nextBoolean() ? "\r\n" : " ");
            }
            assertSameViews(b.toString().getBytes(StandardCharsets.ISO_8859_1), "long names " + i);
        }
    }

    /** The marker #@~^ found from its '^' (html15) as from its '#' (before), NULs between its bytes skipped. */
    @Test
    void scriptMarkerFromEitherEnd() {
        Random r = new Random(16);
        byte[] soup = {'#', '@', '~', '^', 0, 0, 'a', '#', '^'};
        int found = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] d = new byte[r.nextInt(40)];
            for (int k = 0; k < d.length; k++) d[k] = soup[r.nextInt(soup.length)];
            int from = d.length == 0 ? 0 : r.nextInt(d.length), n = d.length - from;
            boolean expected = markerFromHash(d, from, n);
            if (expected) found++;
            org.junit.jupiter.api.Assertions.assertEquals(expected, HtmlNormalizer.hasMarker(d, from, n), () -> java.util.Arrays.toString(d));
        }
        org.junit.jupiter.api.Assertions.assertTrue(found > 100, "markers generated: " + found);
    }

    /** The search before html15: from each '#', the next three bytes other than NUL. */
    private static boolean markerFromHash(byte[] a, int from, int n) {
        byte[] m = {'#', '@', '~', '^'};
        for (int k = from; k < from + n; k++) {
            if (a[k] != '#') continue;
            int j = k + 1, matched = 1;
            while (j < from + n && matched < 4) {
                byte b = a[j++];
                if (b == 0) continue;
                if (b != m[matched]) break;
                matched++;
            }
            if (matched == 4) return true;
        }
        return false;
    }
}
