package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The array-based detector against the previous ByteBuffer-based one ({@link FileTypeDetectorReference}) on
 * generated heads (every built-in magic, tar headers, UTF-16 HTML, XML documents, mail, random text and binary)
 * and installed files, through heap, read-only, direct and offset buffers, with the built-in table, a custom
 * literal table, and a database type-1 rule.
 */
class FileTypeDetectorReferenceTest {
    /** A database rule: "EVIL" anywhere in the head makes the layer HTML (so the UTF-16 re-check consults it). */
    private static final HeadRules.Extra EXTRA = (head, text, out) -> {
        for (int i = 0; i + 4 <= head.limit(); i++) {
            if (head.get(i) == 'E' && head.get(i + 1) == 'V' && head.get(i + 2) == 'I' && head.get(i + 3) == 'L') {
                out.add(new EmbeddedTypeFinder.Hit(FileType.HTML, i, i + 4));
            }
        }
    };
    private static final List<MagicRule> CUSTOM = List.of(
            new MagicRule(0, 0, HexFormat.of().parseHex("4d5a"), "CL_TYPE_MSEXE", FileType.ANY, FileType.MSEXE),
            new MagicRule(0, 4, "test".getBytes(StandardCharsets.US_ASCII), "CL_TYPE_GIF", FileType.ANY, FileType.GIF));

    @Test
    void generatedHeadsGetTheSameTypes() {
        Random r = new Random(5);
        List<byte[]> inputs = new ArrayList<>();
        for (MagicRule m : FileTypeDetector.BUILTIN) {
            for (int len : new int[] {m.offset() + m.magic().length - 1, m.offset() + m.magic().length, 40, 700, 3000}) {
                byte[] b = random(r, Math.max(0, len), r.nextBoolean());
                if (len >= m.offset() + m.magic().length) System.arraycopy(m.magic(), 0, b, m.offset(), m.magic().length);
                inputs.add(b);
            }
        }
        for (int k = 0; k < 3000; k++) {
            int len = r.nextInt(4) == 0 ? r.nextInt(16) : r.nextInt(2500);
            byte[] b = random(r, len, r.nextBoolean());
            switch (k % 8) {
                case 0 -> tar(b, r);
                case 1 -> b = utf16(r, "<html><body>" + text(r, len / 4), k % 16 == 1, r.nextBoolean());
                case 2 -> b = ascii("<?xml version=\"1.0\"?>\n" + (r.nextBoolean() ? "<ss:Workbook>" : "<w:wordDocument>") + text(r, len / 2));
                case 3 -> b = ascii(text(r, len / 3) + (r.nextBoolean() ? "<xdp:xdp>" : "<script>") + text(r, 50));
                case 4 -> b = ascii("Received: x\nFrom: a\nMIME-Version: 1.0\nContent-Type: text/plain\n" + text(r, len / 2));
                case 5 -> b = ascii(text(r, len) + (r.nextBoolean() ? "EVIL" : ""));
                case 6 -> b = ascii("\u00ca\u00fe\u00ba\u00be" + text(r, 20));
                case 7 -> b = utf16(r, "plain words EVIL " + "x".repeat(r.nextInt(300)), false, false); // only the database rule says HTML
                default -> { }
            }
            inputs.add(b);
        }
        int checked = 0;
        for (byte[] b : inputs) checked += same(b);
        assertTrue(checked > 40_000, "checked " + checked);
    }

    @Test
    void installedFilesGetTheSameTypes() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : new String[] {"/usr/share/clamav-testfiles", "/etc", "/usr/share/doc"}) {
            Path p = Path.of(dir);
            if (!Files.isDirectory(p)) continue;
            try (Stream<Path> s = Files.walk(p, 3)) {
                s.filter(Files::isRegularFile).filter(Files::isReadable).limit(1500).forEach(files::add);
            }
        }
        int checked = 0;
        for (Path f : files) {
            byte[] b;
            try {
                b = Files.readAllBytes(f);
            } catch (IOException e) {
                continue;
            }
            checked += same(b);
        }
        assertTrue(files.isEmpty() || checked > 0);
    }

    /** Compares both detectors on {@code b} through several buffer kinds and rule sets; the number of comparisons. */
    private static int same(byte[] b) {
        byte[] padded = new byte[b.length + 7];
        System.arraycopy(b, 0, padded, 7, b.length);
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(1, b.length)).put(b).flip();
        ByteBuffer[] views = {ByteBuffer.wrap(b), ByteBuffer.wrap(b).asReadOnlyBuffer(), direct,
                ByteBuffer.wrap(padded, 7, b.length).slice()};
        int n = 0;
        for (ByteBuffer v : views) {
            for (int mode = 0; mode < 4; mode++) {
                List<MagicRule> custom = mode >= 2 ? CUSTOM : null;
                HeadRules.Extra extra = (mode & 1) != 0 ? EXTRA : null;
                assertEquals(FileTypeDetectorReference.detect(v, custom, extra), FileTypeDetector.detect(v, custom, extra),
                        () -> "mode " + custom + " " + extra + " " + HexFormat.of().formatHex(b, 0, Math.min(b.length, 64)));
                n++;
            }
        }
        return n;
    }

    private static byte[] random(Random r, int len, boolean text) {
        byte[] b = new byte[len];
        if (text) {
            byte[] t = ascii(text(r, len));
            System.arraycopy(t, 0, b, 0, Math.min(len, t.length));
        } else {
            r.nextBytes(b);
        }
        return b;
    }

    private static String text(Random r, int len) {
        String alphabet = "abcdefghij klmnop\n<>\"=:/\t\u00e9ABCDEFGH<a href";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < len; i++) s.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return s.toString();
    }

    private static void tar(byte[] b, Random r) {
        if (b.length < 512) return;
        java.util.Arrays.fill(b, 100, 512, (byte) 0);
        if (r.nextBoolean()) System.arraycopy(ascii("ustar"), 0, b, 257, 5);
        long sum = 8 * ' ';
        for (int i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += b[i] & 0xFF;
        if (r.nextInt(4) == 0) sum++; // a wrong checksum now and then
        byte[] field = ascii(String.format("%06o\0 ", sum));
        System.arraycopy(field, 0, b, 148, 8);
    }

    private static byte[] utf16(Random r, String s, boolean bom, boolean bigEndian) {
        byte[] body = s.getBytes(bigEndian ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
        if (!bom) return body;
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) (bigEndian ? 0xFE : 0xFF);
        out[1] = (byte) (bigEndian ? 0xFF : 0xFE);
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
