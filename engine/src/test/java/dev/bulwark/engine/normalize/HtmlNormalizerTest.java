package dev.bulwark.engine.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The state-split {@link HtmlNormalizer} against the straightforward one-loop version it replaced (kept
 * below as the reference): the same three views for random documents over an alphabet of the bytes that
 * matter (tags, comments, script names, whitespace, NUL, the encoded-script marker), for real HTML files,
 * for heap, read-only and direct buffers, for every size limit of a short document, and with views reused
 * from a longer document.
 */
class HtmlNormalizerTest {
    private static final byte[] ALPHABET = "<<>>!--  \t\n\rsScCrRiIpPtT/aAbz#@~^=\"'".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static void same(byte[] doc, long max, HtmlNormalizer.Views reuse) {
        Reference.Result want = Reference.normalize(ByteBuffer.wrap(doc), max);
        List<ByteBuffer> inputs = List.of(ByteBuffer.wrap(doc), ByteBuffer.wrap(doc).asReadOnlyBuffer(),
                ByteBuffer.allocateDirect(doc.length).put(doc).flip(), ByteBuffer.wrap(concat(new byte[3], doc), 3, doc.length).slice());
        for (ByteBuffer in : inputs) {
            HtmlNormalizer.Views got = reuse != null ? reuse : HtmlNormalizer.normalize(in, max);
            if (reuse != null) HtmlNormalizer.normalize(in, max, reuse);
            assertArrayEquals(want.noComment(), bytes(got.noComment()), "nocomment");
            assertArrayEquals(want.noTags(), bytes(got.noTags()), "notags");
            assertArrayEquals(want.scripts(), bytes(got.scripts()), "scripts");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void randomDocumentsAgreeWithTheReference() {
        Random r = new Random(5);
        HtmlNormalizer.Views reuse = new HtmlNormalizer.Views();
        for (int round = 0; round < 20_000; round++) {
            byte[] doc = new byte[r.nextInt(120)];
            for (int i = 0; i < doc.length; i++) {
                int k = r.nextInt(ALPHABET.length + 3);
                doc[i] = k < ALPHABET.length ? ALPHABET[k] : k == ALPHABET.length ? 0 : (byte) r.nextInt(256);
            }
            if (r.nextInt(4) == 0) { // whole words the state machine acts on
                String w = List.of("<script>", "</script>", "<!--", "-->", "<script src=x>", "< script>", "<SCRIPT\t>").get(r.nextInt(7));
                byte[] b = w.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                int at = doc.length < b.length ? 0 : r.nextInt(doc.length - b.length + 1);
                if (doc.length >= b.length) System.arraycopy(b, 0, doc, at, b.length);
            }
            same(doc, r.nextInt(8) == 0 ? r.nextInt(doc.length + 1) : Long.MAX_VALUE, r.nextBoolean() ? reuse : null);
        }
    }

    @Test
    void everyLimitOfADocument() {
        byte[] doc = ("<html><!-- c --><HEAD><Script>if (a<b) x=1;</SCRIPT> t\u0000e x t\n\n<a href=x>Y</a><!-- open")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int max = 0; max <= doc.length; max++) same(doc, max, null);
    }

    @Test
    void realHtmlFilesAgreeWithTheReference() throws IOException {
        List<Path> files = new ArrayList<>();
        Path doc = Path.of("/usr/share/doc");
        if (Files.isDirectory(doc)) {
            try (Stream<Path> s = Files.walk(doc)) {
                s.filter(p -> p.toString().endsWith(".html") && Files.isRegularFile(p)).limit(60).forEach(files::add);
            }
        }
        HtmlNormalizer.Views reuse = new HtmlNormalizer.Views();
        for (Path p : files) same(Files.readAllBytes(p), Long.MAX_VALUE, reuse);
        // a document that needs no files from the machine, so the test never passes vacuously
        byte[] own = "<p>Text <b>bold</b><script type=x>var s = '<!-- no -->';</script>\r\n\t end".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        same(own, Long.MAX_VALUE, reuse);
        assertTrue(bytes(HtmlNormalizer.normalize(ByteBuffer.wrap(own), 1000).scripts()).length > 0);
    }

    static final class Reference {
        /** Tag-name bytes kept: enough to tell "script" and "/script" from longer names. */
        private static final int TAG_NAME = 16;
        private static final byte[] SCRIPT = {'s', 'c', 'r', 'i', 'p', 't'}, END_SCRIPT = {'/', 's', 'c', 'r', 'i', 'p', 't'};

        private Reference() {}

        private static boolean is(byte[] name, int len, byte[] s) {
            return len == s.length && java.util.Arrays.equals(name, 0, len, s, 0, len);
        }

        private static boolean hasMarker(ByteBuffer in, int n) {
            if (in.hasArray()) {
                byte[] a = in.array();
                int o = in.arrayOffset();
                for (int i = 0; i + 3 < n; i++) {
                    if (a[o + i] == '#' && a[o + i + 1] == '@' && a[o + i + 2] == '~' && a[o + i + 3] == '^') return true;
                }
                return false;
            }
            for (int i = 0; i + 3 < n; i++) {
                if (in.get(i) == '#' && in.get(i + 1) == '@' && in.get(i + 2) == '~' && in.get(i + 3) == '^') return true;
            }
            return false;
        }

        /** ClamAV's normaliser reads HTML with every NUL byte left out (so UTF-16 text reads as ASCII). */
        private static ByteBuffer withoutNul(ByteBuffer in, int n) {
            int first = -1;
            for (int i = 0; i < n && first < 0; i++) if (in.get(i) == 0) first = i;
            if (first < 0) return in.slice(0, n);
            byte[] out = new byte[n];
            in.get(0, out, 0, first);
            int o = first;
            for (int i = first; i < n; i++) {
                byte b = in.get(i);
                if (b != 0) out[o++] = b;
            }
            return ByteBuffer.wrap(out, 0, o).slice();
        }

        /** The three normalised views; any may be empty. */
        record Result(byte[] noComment, byte[] noTags, byte[] scripts) {}

        static Result normalize(ByteBuffer in, long max) {
            int n = (int) Math.min(in.limit(), max);
            in = withoutNul(in, n);
            n = in.limit();
            if (hasMarker(in, n)) { // encoded scripts are normalised decoded
                byte[] all = new byte[n];
                in.get(0, all, 0, n);
                byte[] decoded = ScrencDecoder.decodeInHtml(all, n);
                if (decoded != null) {
                    in = ByteBuffer.wrap(decoded);
                    n = decoded.length;
                }
            }
            byte[] src;
            int base;
            if (in.hasArray()) {
                src = in.array();
                base = in.arrayOffset();
            } else {
                src = new byte[n];
                in.get(0, src, 0, n);
                base = 0;
            }
            // each view is at most as long as the input: plain arrays, no per-byte calls
            byte[] full = new byte[n], text = new byte[n], script = new byte[n];
            int nf = 0, nt = 0, ns = 0;
            boolean inTag = false, inScript = false, spaceFull = false, spaceText = false;
            byte[] name = new byte[TAG_NAME];
            int nameLen = 0;
            boolean nameDone = false;
            for (int i = 0; i < n; i++) {
                int b = src[base + i] & 0xFF;
                if (!inTag && b == '<' && i + 3 < n && src[base + i + 1] == '!' && src[base + i + 2] == '-' && src[base + i + 3] == '-') {
                    int j = i + 4;
                    while (j + 2 < n && !(src[base + j] == '-' && src[base + j + 1] == '-' && src[base + j + 2] == '>')) j++;
                    i = Math.min(n, j + 3) - 1;
                    continue;
                }
                if (b >= 'A' && b <= 'Z') b |= 0x20;
                boolean ws = b == ' ' || (b >= 0x09 && b <= 0x0D);
                if (ws) {
                    if (!spaceFull) full[nf++] = ' ';
                    spaceFull = true;
                } else {
                    full[nf++] = (byte) b;
                    spaceFull = false;
                }
                if (b == '<') {
                    inTag = true;
                    nameLen = 0;
                    nameDone = false;
                    continue;
                }
                if (inTag) {
                    if (b == '>') {
                        inTag = false;
                        if (is(name, nameLen, SCRIPT)) inScript = true;
                        else if (is(name, nameLen, END_SCRIPT)) inScript = false;
                    } else if (ws) {
                        nameDone |= nameLen > 0; // the tag name is the first run of non-blank bytes
                    } else if (!nameDone && nameLen < TAG_NAME) {
                        name[nameLen++] = (byte) b;
                    }
                    continue;
                }
                if (inScript) {
                    script[ns++] = (byte) b;
                    continue;
                }
                if (ws) {
                    if (!spaceText) text[nt++] = ' ';
                    spaceText = true;
                } else {
                    text[nt++] = (byte) b;
                    spaceText = false;
                }
            }
            return new Result(java.util.Arrays.copyOf(full, nf), java.util.Arrays.copyOf(text, nt), java.util.Arrays.copyOf(script, ns));
        }
    }
}
