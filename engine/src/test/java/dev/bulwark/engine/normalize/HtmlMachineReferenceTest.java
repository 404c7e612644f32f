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
}
