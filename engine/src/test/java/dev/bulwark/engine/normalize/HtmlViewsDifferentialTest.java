package dev.bulwark.engine.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulwark's three HTML views against the files clamscan --leave-temps writes (nocomment.html, notags.html,
 * javascript) for a few hundred generated documents, one clamscan run for all of them.
 *
 * <p>Generator features left out, with the reason:
 * <ul>
 *   <li>script-encoded (jscript.encode / #@~^) scripts: decoded by ScrencDecoder before normalisation;</li>
 *   <li>JavaScript decoders (eval(, dF(, p,a,c,k,e,r packers): ClamAV re-tokenizes the decoded text in place
 *       of those token ranges; JsNormalizer does not (it folds unescape("...") only);</li>
 *   <li>named references outside HtmlEntities' table that ClamAV's table holds (it has 743 names, HtmlEntities the
 *       662 of the HTML entity names clamscan converted).</li>
 * </ul>
 */
class HtmlViewsDifferentialTest {
    private static final int CASES = 400;
    /** Generated documents of 9 KB and more, read by ClamAV in several chunks. */
    private static final int LARGE = 6;
    private static final long SEED = 20261126L;
    private static final String[] WORDS = {"Hello", "WORLD", "x", "alert", "Foo", "bar", "eval1", "doc"};
    private static final String[] TAGS = {"div", "P", "b", "Table", "span", "BR", "td", "html", "body", "head", "title"};
    private static final String[] JS = {"var", "VAR", "x", "y", "Abc", "document", "write", ".", "(", ")", ";", ",", "=",
        "==", "===", "+", "+=", "-", "*", "/", "<", ">", "&&", "||", "!", "[", "]", "?", ":", "0", "42", "3.5", "007",
        "1e3", "\"s t\"", "'q'", "\"a\\\"b\"", "'it\\'s'", "\"\\x41\\n\"", "//c1", "/*c2*/", "null", "true", "if", "return",
        "$a", "_b", "a1", "function", "{", "}", "f(a,b){var c=a;return c}", "\\u0041x", "1.5e3", "1.5e+", "0.000012345",
        "123456789012", "3.25e7", "a.b", "'\\u00e9'", "\"x\" + \"y\"", "\f", "@", "#",
        "unescape(\"%41%u0042%4g%\")", "unescape('%u00e9x%00')", "UNESCAPE(\"%41\")", "unescape(x)", "unescape(\"%2"};

    private static final List<String> ENTITIES = java.util.stream.StreamSupport.stream(HtmlEntities.names().spliterator(), false)
            .sorted().toList();
    private static final String[] MISC = {"a < b", "x>y", "<>", "< p>", "<!DOCTYPE html>", "</ >", "<a href='Q.html' HREF=z>",
        "<a href>", "<a href=\"\">", "<img alt=x>", "<IMG SRC=\"a&amp;b\">", "<p title=\"a\\\"b\">", "<p x=\"a\tb  c\">",
        "<p x=caf\u00c3\u00a9 y=1>", "\u00e3\u0080\u0082", "\u00a1C", "\u00e2\u0080\u0099", "<script>a<!-- b --> c</script >",
        "<script>x='<b>'</script>", "<style>a{b:'c'}</style >", "line\rbreak", "<!-- a > b -->", "<b\n>", "<p\u00e9>",
        "<scriptx>y</scriptx>", "</script>", "<a href=x\u00e9>t</a>", "&#x41", "&#65x", "&#99999999999999999999;", "<p =x>",
        "<p a = 'b' c>", "<p a=\"b\"c=d>", "<img src=\"data:image/png;base64,iVBOR==\">", "<a href=data:text/html,%3Cb%3E>x</a>",
        "<a href='data:,A&amp;B'>y</a>", "<img src=\"data:text/plain;charset=x,a b\">", "<p x=\"data:x y,z\">", "<a href=\"data:\">",
        "<a href=DATA:x,y>", "<a href=data:x,%4\n1\r\n>z"};

    private static void ws(StringBuilder b, Random r) {
        switch (r.nextInt(8)) {
            case 0 -> b.append("  ");
            case 1 -> b.append('\t');
            case 2 -> b.append('\n');
            case 3 -> b.append("\r\n");
            case 4 -> b.append(" \n\t ");
            default -> b.append(' ');
        }
    }

    private static String caseOf(String s, Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> s.toLowerCase();
            case 1 -> s.toUpperCase();
            default -> s;
        };
    }

    private static void script(StringBuilder b, Random r, boolean close) {
        b.append('<').append(caseOf("script", r));
        if (r.nextInt(3) == 0) b.append(" type=\"text/javascript\"");
        b.append('>');
        int n = 1 + r.nextInt(12);
        for (int i = 0; i < n; i++) {
            String t = JS[r.nextInt(JS.length)];
            b.append(r.nextBoolean() ? t : caseOf(t, r));
            if (t.startsWith("//")) b.append('\n');
            else if (r.nextInt(3) > 0) ws(b, r);
        }
        if (close) b.append("</").append(caseOf("script", r)).append('>');
    }

    private static void attr(StringBuilder b, Random r) {
        String name = caseOf(new String[] {"id", "class", "href", "src", "Title", "x"}[r.nextInt(6)], r);
        b.append(' ').append(name);
        if (r.nextInt(4) == 0) return;
        if (r.nextInt(4) == 0) b.append(' ');
        b.append('=');
        if (r.nextInt(4) == 0) b.append(' ');
        String v = caseOf(WORDS[r.nextInt(WORDS.length)], r) + (r.nextBoolean() ? "/P.x" : "");
        switch (r.nextInt(3)) {
            case 0 -> b.append(v);
            case 1 -> b.append('"').append(v).append(r.nextInt(3) == 0 ? " Y" : "").append('"');
            default -> b.append('\'').append(v).append('\'');
        }
    }

    static byte[] generate(Random r) {
        StringBuilder b = new StringBuilder(caseOf("<html>", r));
        int parts = 1 + r.nextInt(10);
        for (int p = 0; p < parts; p++) {
            switch (r.nextInt(12)) {
                case 0, 1 -> b.append(caseOf(WORDS[r.nextInt(WORDS.length)], r));
                case 2 -> ws(b, r);
                case 3 -> {
                    b.append('<').append(r.nextInt(4) == 0 ? "/" : "").append(caseOf(TAGS[r.nextInt(TAGS.length)], r));
                    int a = r.nextInt(3);
                    for (int i = 0; i < a; i++) attr(b, r);
                    if (r.nextInt(5) == 0) ws(b, r);
                    b.append('>');
                }
                case 4 -> b.append("<!--").append(r.nextBoolean() ? " note " : "A<b>c").append("-->");
                case 5 -> {
                    if (r.nextBoolean()) b.append('&').append(caseOf(ENTITIES.get(r.nextInt(ENTITIES.size())), r)).append(';');
                    else b.append(new String[] {"&amp;", "&lt;", "&gt;", "&quot;", "&#65;", "&#x41;", "&#X6a;", "&#97",
                    "&bogus;", "&", "&amp", "&AMP;", "&nbsp;", "&#256;", "&#x3002;", "&#0;", "&#x;", "&apos;"}[r.nextInt(18)]);
                }
                case 6 -> script(b, r, p + 1 < parts || r.nextBoolean());
                case 7 -> b.append(caseOf("<style>", r)).append("p { color: Red }").append(caseOf("</style>", r));
                case 8 -> b.append(new String[] {"\u0000", "caf\u00c3\u00a9", "\u00e9t\u00e9", "\u00ff", "a\u0001b"}[r.nextInt(5)]);
                case 9 -> b.append(caseOf("<a href=\"HTTP://Ex.com/P\">", r)).append("Link").append("</a>");
                case 10 -> b.append(caseOf("<img src=Pic.GIF alt='A'>", r));
                default -> b.append(MISC[r.nextInt(MISC.length)]);
            }
        }
        if (r.nextBoolean()) b.append('\n');
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static List<byte[]> cases() {
        List<byte[]> out = new ArrayList<>();
        out.add("x <script>HELLO WORLD</script>".getBytes(StandardCharsets.ISO_8859_1));
        out.add("x <script>HELLO WORLD".getBytes(StandardCharsets.ISO_8859_1));
        out.add("x <script>HELLO WORLD</script>\n".getBytes(StandardCharsets.ISO_8859_1));
        out.add("<script>x=unescape(\"%41%u0042%4g%\");y=unescape('%u00e9x%00')+unescape</script>".getBytes(StandardCharsets.ISO_8859_1));
        // "</style>\n" ends ClamAV's first 8191-byte chunk: the tag is handled in the next one and ClamAV stops there
        String head = "<html><style>", tail = "</style>\n";
        out.add((head + "a ".repeat(8191).substring(0, 8191 - head.length() - tail.length()) + tail + "<p>After</p>")
                .getBytes(StandardCharsets.ISO_8859_1));
        Random r = new Random(SEED);
        // clamscan does not rescan a file whose hash it has already seen clean: distinct contents only
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (byte[] c : out) seen.add(new String(c, StandardCharsets.ISO_8859_1));
        while (out.size() < CASES - LARGE) {
            byte[] c = generate(r);
            if (seen.add(new String(c, StandardCharsets.ISO_8859_1))) out.add(c);
        }
        // documents past ClamAV's 8 KiB reading chunk
        for (int i = 0; i < LARGE; i++) {
            ByteArrayOutputStream big = new ByteArrayOutputStream();
            while (big.size() < 9000 + 4000 * i) big.writeBytes(generate(r));
            out.add(big.toByteArray());
        }
        return out;
    }

    /** Signatures on each view; the verdicts of the whole engine must be clamscan's. */
    private static final String[] VIEW_SIGNATURES = {
        "T.Hw:0:*:68656c6c6f776f726c64\n",
        "T.Js:3:*:3c7363726970743e68656c6c6f20776f726c643c2f7363726970743e\n",
        "T.Var:3:*:766172206e3030303d313b\n",
        "T.Link:3:*:20687474703a2f2f65782e636f6d2f70206c696e6b20\n",
        "T.Ent:3:*:612662\n"};

    static List<String> viewSignatures() {
        return List.of(VIEW_SIGNATURES);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("viewSignatures")
    void verdictsMatchClamscan(String signature, @TempDir Path dir) throws Exception {
        java.util.Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
        List<byte[]> all = cases();
        for (int i = 0; i < 80; i++) cases.put("generated " + i, all.get(i));
        for (String extra : new String[] {"<script>var a=1;</script>", "<script>VAR a=1;</script>",
            "<a href=\"HTTP://Ex.com/P\">Link</a>", "<p title=\"a&amp;b\">", "<p>a&amp;b</p>"}) {
            cases.put(extra, extra.getBytes(StandardCharsets.ISO_8859_1));
        }
        dev.bulwark.engine.formats.doctest.ClamscanVerdicts.assertSame(dir, "t.ndb", signature, cases, ".html");
    }

    private static byte[] read(Path p) throws IOException {
        return p == null || !Files.exists(p) ? new byte[0] : Files.readAllBytes(p);
    }

    /** The html-tmp directory of the top-level scan of file {@code name}, or null. */
    private static Path viewsDir(Path temp, String name) throws IOException {
        try (Stream<Path> s = Files.find(temp, 3, (p, a) -> a.isDirectory() && p.getFileName().toString().startsWith("html-tmp.")
                && p.getParent().getFileName().toString().startsWith(name + ".")
                && p.getParent().getParent().getFileName().toString().contains("-" + name + "."))) {
            return s.findFirst().orElse(null);
        }
    }

    private static String show(byte[] b) {
        return show(b, 0, b.length);
    }

    private static String show(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < Math.min(to, b.length); i++) {
            int c = b[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F) s.append((char) c);
            else s.append(String.format("\\x%02x", c));
        }
        return s.toString();
    }

    @Test
    void viewsMatchClamscan(@TempDir Path dir) throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan), "apt-get install clamav");
        List<byte[]> cases = cases();
        Path in = Files.createDirectories(dir.resolve("in")), temp = Files.createDirectories(dir.resolve("t"));
        Path db = dir.resolve("d.ndb");
        Files.writeString(db, "Bulwark.Dummy:0:*:00112233445566778899\n");
        List<String> cmd = new ArrayList<>(List.of(clamscan.toString(), "--no-summary", "-d", db.toString(), "--leave-temps",
                "--tempdir=" + temp));
        for (int i = 0; i < cases.size(); i++) {
            Path f = in.resolve(String.format("f%03d.html", i));
            Files.write(f, cases.get(i));
            cmd.add(f.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(new ByteArrayOutputStream());
        p.waitFor();
        String[] names = {"nocomment.html", "notags.html", "javascript"};
        int[] agree = new int[3];
        int compared = 0;
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            String name = String.format("f%03d.html", i);
            Path views = viewsDir(temp, name);
            if (views == null) {
                diffs.add(name + ": clamscan wrote no HTML views for " + show(cases.get(i)));
                continue;
            }
            compared++;
            HtmlNormalizer.Result r = HtmlNormalizer.normalize(ByteBuffer.wrap(cases.get(i)), Long.MAX_VALUE);
            byte[][] ours = {r.noComment(), r.noTags(), r.scripts()};
            for (int v = 0; v < 3; v++) {
                byte[] theirs = read(views.resolve(names[v]));
                if (java.util.Arrays.equals(theirs, ours[v])) agree[v]++;
                else if (diffs.size() < 400) {
                    int at = java.util.Arrays.mismatch(theirs, ours[v]), from = Math.max(0, at - 60);
                    if (System.getProperty("htmlviews.keep") != null) Files.write(Path.of(System.getProperty("htmlviews.keep"), name), cases.get(i));
                    diffs.add(name + " " + names[v] + " differs at " + at + "\n  input  " + show(cases.get(i), 0, 300)
                            + "\n  clamav " + show(theirs, from, at + 60) + "\n  ours   " + show(ours[v], from, at + 60));
                }
            }
        }
        System.out.printf("HtmlViewsDifferentialTest: %d documents compared; agreement nocomment %d, notags %d, javascript %d%n",
                compared, agree[0], agree[1], agree[2]);
        diffs.stream().limit(40).forEach(System.out::println);
        assertEquals(cases.size(), compared, "every document typed HTML by clamscan");
        assertEquals(List.of(), diffs.stream().limit(20).toList());
    }
}
