package dev.bulwark.cli;

import static dev.bulwark.cli.ScanCommandTest.bulwark;
import static dev.bulwark.cli.ScanCommandTest.clamscan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.cli.ScanCommandTest.Run;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (cli15) The summary's "Data scanned" and "Data read" lines against clamscan 1.4.6 (skipped without it): libclamav
 * counts 4 KiB blocks per matcher run (each layer's raw scan, binary data's second run, the normalised text's
 * flushes, each HTML view, the javascript twice, mail-typed text once more), each rounded down by itself, and
 * clamscan counts each file's size / 4096; glibc prints the MB figures with ties to even. Each file is named 32 times
 * (with --disable-cache) so that a single block shows in the two decimals.
 */
class DataScannedParityTest {
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    @TempDir
    Path tmp;
    private String db;

    @BeforeEach
    void db() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        db = Files.writeString(tmp.resolve("t.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n").toString();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<String> dataLines(Run r) {
        List<String> l = new ArrayList<>();
        for (String s : r.out().split("\n")) if (s.startsWith("Data scanned:") || s.startsWith("Data read:") || s.startsWith("Scanned files:")) l.add(s);
        return l;
    }

    private void same(String what, String... files) throws Exception {
        List<String> args = new ArrayList<>(List.of("--disable-cache", "-d", db));
        for (int i = 0; i < 32; i++) for (String f : files) args.add(f);
        String[] a = args.toArray(String[]::new);
        Run c = clamscan(a), b = bulwark(a);
        assertEquals(c.rc(), b.rc(), what);
        assertEquals(dataLines(c), dataLines(b), what);
    }

    private String file(String name, byte[] content) throws Exception {
        return Files.write(tmp.resolve(name), content).toString();
    }

    @Test
    void plainFilesCountWholeBlocksEachRoundedDown() throws Exception {
        // below a block each: clamscan counts nothing (the sum of the sizes would be 0.09 MB)
        same("small", file("a", random(100, 1)), file("b", random(4095, 2)), file("c", random(3000, 3)));
        same("sizes", file("d", random(4097, 4)), file("e", random(10_000, 5)), file("f", random(300_000, 6)));
        // 32 blocks read: "0.12 MB" (glibc's ties to even; Java's %.2f prints 0.13)
        same("tie", file("g", random(131_072, 7)));
        same("eicar", file("eicar.com", EICAR.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void normalisedViewsCountAsLibclamavScansThem() throws Exception {
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < 8000; i++) t.append("Hello World this is\tTEXT line ").append(i).append('\n');
        same("text", file("t.txt", t.toString().getBytes(StandardCharsets.US_ASCII)));
        StringBuilder h = new StringBuilder("<html><body>");
        for (int i = 0; i < 2000; i++) h.append("<p>Hello &amp; <b>World</b> <script>var a=\"x\";</script></p>\n");
        same("html", file("h.html", (h + "</body></html>").getBytes(StandardCharsets.US_ASCII)));
        // random bytes over 128 KiB that libclamav takes for UTF-16 text: its normalised view keeps DEL (0x7F)
        same("random text", file("r135000", random(135_000, 8)));
        String mail = "From: a@b\nTo: c@d\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"BB\"\n\n--BB\n"
                + "Content-Type: text/plain\n\n" + "hello mail body text\n".repeat(500) + "--BB\nContent-Type: application/octet-stream;"
                + " name=\"f.bin\"\nContent-Transfer-Encoding: base64\n\n" + java.util.Base64.getMimeEncoder().encodeToString(random(30_000, 9))
                + "\n--BB--\n";
        same("mail", file("m.eml", mail.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void archiveMembersAndLimits() throws Exception {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (ZipOutputStream zo = new ZipOutputStream(z)) {
            zo.putNextEntry(new ZipEntry("a.bin"));
            zo.write(random(200_000, 10));
            zo.putNextEntry(new ZipEntry("b.txt"));
            zo.write("x".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
            zo.putNextEntry(new ZipEntry("e.com"));
            zo.write(EICAR.getBytes(StandardCharsets.ISO_8859_1));
        }
        String zip = file("a.zip", z.toByteArray());
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        try (GZIPOutputStream go = new GZIPOutputStream(g)) {
            go.write(random(250_000, 11));
        }
        String gz = file("r.gz", g.toByteArray());
        same("zip", zip);
        same("gz", gz);
        for (String opt : List.of("--allmatch", "--max-filesize=100k", "--alert-exceeds-max")) {
            List<String> args = new ArrayList<>(List.of("--disable-cache", opt, "-d", db));
            for (int i = 0; i < 32; i++) args.addAll(List.of(zip, gz));
            String[] a = args.toArray(String[]::new);
            Run c = clamscan(a), b = bulwark(a);
            assertEquals(c.rc(), b.rc(), opt);
            assertEquals(dataLines(c), dataLines(b), opt);
        }
    }

    /** clamscan's clean cache: a file or member whose content was scanned clean earlier in the run is not scanned. */
    @Test
    void cleanCacheSkipsContentSeenBefore() throws Exception {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] member = random(50_000, 12);
        try (ZipOutputStream zo = new ZipOutputStream(z)) {
            zo.putNextEntry(new ZipEntry("m.bin"));
            zo.write(member);
            zo.putNextEntry(new ZipEntry("t.txt"));
            zo.write("some text\n".repeat(3000).getBytes(StandardCharsets.US_ASCII));
        }
        String zip = file("a.zip", z.toByteArray()), dup = file("b.zip", z.toByteArray()), plain = file("m.bin", member);
        for (String[] run : new String[][] {{plain, zip, dup, zip}, {zip, plain}, {"--disable-cache", plain, zip, dup}}) {
            List<String> a = new ArrayList<>(List.of("-d", db));
            a.addAll(List.of(run));
            Run c = clamscan(a.toArray(String[]::new)), b = bulwark(a.toArray(String[]::new));
            assertEquals(dataLines(c), dataLines(b), String.join(" ", run));
        }
    }

    /**
     * An HTML file's normalised views are maps libclamav pushes through its limit check: a view longer than the scan
     * size left is skipped (with the views after it), and --alert-exceeds-max reports MaxScanSize for it.
     */
    @Test
    void htmlViewsOverTheScanSizeAreSkipped() throws Exception {
        StringBuilder h = new StringBuilder("<html><body>");
        for (int i = 0; i < 2000; i++) h.append("<p>Hello &amp; <b>World</b> <script>var a=\"x\";</script></p>\n");
        String html = file("h.html", (h + "</body></html>").getBytes(StandardCharsets.US_ASCII));
        for (String ms : List.of("--max-scansize=200k", "--max-scansize=250k")) {
            Run c = clamscan("--no-summary", "--alert-exceeds-max", ms, "-d", db, html);
            Run b = bulwark("--no-summary", "--alert-exceeds-max", ms, "-d", db, html);
            assertEquals(c.rc(), b.rc(), ms);
            assertEquals(c.out(), b.out(), ms);
            List<String> args = new ArrayList<>(List.of("--disable-cache", ms, "-d", db));
            for (int i = 0; i < 32; i++) args.add(html);
            assertEquals(dataLines(clamscan(args.toArray(String[]::new))), dataLines(bulwark(args.toArray(String[]::new))), ms);
        }
    }

    /** "%!PS-Adobe-" makes a PostScript layer (libclamav's magic table), not text: no normalised text view. */
    @Test
    void postScriptIsNotText() throws Exception {
        String ps = file("p.ps", "%!PS-Adobe-3.0\nhello ABCDEF world\n".getBytes(StandardCharsets.US_ASCII));
        String ndb = Files.writeString(tmp.resolve("ps.ndb"), "Test.PsView:7:*:616263646566\nTest.PsRaw:0:*:414243444546\n").toString();
        Run c = clamscan("--no-summary", "--allmatch", "-d", ndb, ps), b = bulwark("--no-summary", "--allmatch", "-d", ndb, ps);
        assertEquals(c.rc(), b.rc());
        assertEquals(c.out(), b.out());
        StringBuilder big = new StringBuilder("%!PS-Adobe-3.0\n");
        while (big.length() < 300_000) big.append("0 0 moveto (Some Text) show\n");
        String bigPs = file("big.ps", big.toString().getBytes(StandardCharsets.US_ASCII));
        same("postscript", bigPs);
    }

    /** libclamav's text normalisation copies DEL (0x7F): a target-7 signature must not match across it. */
    @Test
    void textViewKeepsDel() throws Exception {
        String t = file("del.txt", "hello there ABC\u007fDEF world and more text\n".getBytes(StandardCharsets.US_ASCII));
        for (String sig : List.of("Test.DelNorm:7:*:616263646566", "Test.Del7f:7:*:6162637f646566")) {
            String ndb = Files.writeString(tmp.resolve("d.ndb"), sig + "\n").toString();
            Run c = clamscan("--no-summary", "-d", ndb, t), b = bulwark("--no-summary", "-d", ndb, t);
            assertEquals(c.rc(), b.rc(), sig);
            assertEquals(c.out(), b.out(), sig);
        }
    }

    private void sameWith(String dbFile, String what, String... files) throws Exception {
        String keep = db;
        db = dbFile;
        try {
            same(what, files);
        } finally {
            db = keep;
        }
    }

    /**
     * (compat17) libclamav's cli_scan_fmap reads a map over 128 KiB in 128 KiB windows, each starting maxpatlen bytes
     * before the previous one ended (the longest pattern of the generic and the target trie: 32 from the built-in
     * file type patterns, more with longer signatures; {n} and ?? join, * and {n-m} split, alternatives at their
     * longest), and counts each window's length / 4096: a file of 128 KiB + 4096 - t bytes counts one block more per
     * run when t <= maxpatlen. cli_scanscript carries the target-7 trie's maxpatlen alone from flush to flush.
     */
    @Test
    void windowsOverlapByTheLongestPattern() throws Exception {
        byte[] base = random(131_072 + 4096, 11);
        java.util.Arrays.fill(base, 0, 64, (byte) 0); // binary data: a raw run and the second (target 14) run
        List<String> files = new ArrayList<>();
        for (int t : new int[] {1, 32, 33, 50, 51, 55, 56, 62, 63, 70}) {
            files.add(file("w" + t, java.util.Arrays.copyOf(base, base.length - t)));
        }
        StringBuilder t = new StringBuilder();
        for (int i = 0; t.length() < 400_000; i++) t.append("Some words of TEXT in line ").append(i).append('\n');
        String text = file("long.txt", t.toString().getBytes(StandardCharsets.US_ASCII));
        StringBuilder h = new StringBuilder("<html><body>");
        for (int i = 0; h.length() < 300_000; i++) h.append("<p>Hello <b>World</b> ").append(i).append(" <script>var a=").append(i).append(";</script></p>\n");
        String html = file("long.html", (h + "</body></html>").getBytes(StandardCharsets.US_ASCII));
        String b = "42".repeat(20), c = "43".repeat(30), l = "44".repeat(60);
        Map<String, String> dbs = new java.util.LinkedHashMap<>();
        dbs.put("hashes only (32)", db);
        dbs.put("50 bytes", Files.writeString(tmp.resolve("a.ndb"), "A:0:*:" + "41".repeat(50) + "\n").toString());
        dbs.put("20??30", Files.writeString(tmp.resolve("b.ndb"), "A:0:*:" + b + "??" + c + "\n").toString());
        dbs.put("20{5}30", Files.writeString(tmp.resolve("c.ndb"), "A:0:*:" + b + "{5}" + c + "\n").toString());
        dbs.put("20*30 and 20{5-9}30", Files.writeString(tmp.resolve("d.ndb"), "A:0:*:" + b + "*" + c + "\nB:0:*:" + b + "{5-9}" + c + "\n").toString());
        dbs.put("(41|4243)60", Files.writeString(tmp.resolve("e.ndb"), "A:0:*:(41|4243)" + l + "\n").toString());
        dbs.put("target 1 of 60 (not used)", Files.writeString(tmp.resolve("f.ndb"), "A:1:*:" + l + "\n").toString());
        dbs.put("target 14 of 60", Files.writeString(tmp.resolve("g.ndb"), "A:14:*:" + l + "\n").toString());
        dbs.put("target 7 of 60", Files.writeString(tmp.resolve("h.ndb"), "A:7:*:" + l + "\n").toString());
        dbs.put("target 3 of 60", Files.writeString(tmp.resolve("i.ndb"), "A:3:*:" + l + "\n").toString());
        for (var e : dbs.entrySet()) {
            for (String f : files) sameWith(e.getValue(), e.getKey() + " " + Path.of(f).getFileName(), f);
            sameWith(e.getValue(), e.getKey() + " text", text);
            sameWith(e.getValue(), e.getKey() + " html", html);
        }
    }

    /**
     * (compat17) cli_scanhtml scans the javascript view a second time as CL_TYPE_TEXT_ASCII, which cli_scan_desc hands
     * on as it is: the generic and the target-7 tries run over it (--allmatch prints the generic name once more and
     * the target-7 one); and an HTML file over MaxHTMLNoTags (8 MiB) has no notags scan.
     */
    @Test
    void javascriptTextRunAndNoTagsLimit() throws Exception {
        String html = file("js.html", ("<html><head><title>t</title></head><body><p>Hello world text here</p>\n<script type=\"text/javascript\">"
                + "var secretvalue = \"markerjs\"; function go(){ document.write(\"abc\"); }</script>\n<p>more text goes here</p></body></html>\n")
                .getBytes(StandardCharsets.US_ASCII));
        String m = "6d61726b65726a73"; // markerjs
        String ndb = Files.writeString(tmp.resolve("js.ndb"), "T7.Js:7:*:" + m + "\nT3.Js:3:*:" + m + "\nT0.Js:0:*:" + m + "\n").toString();
        for (String mode : List.of("--allmatch", "--no-summary")) {
            Run c = clamscan("--no-summary", mode, "-d", ndb, html), b = bulwark("--no-summary", mode, "-d", ndb, html);
            assertEquals(c.rc(), b.rc(), mode);
            assertEquals(c.out(), b.out(), mode);
        }
        String only7 = Files.writeString(tmp.resolve("js7.ndb"), "T7.Js:7:*:" + m + "\n").toString();
        Run c = clamscan("--no-summary", "-d", only7, html), b = bulwark("--no-summary", "-d", only7, html);
        assertEquals(c.out(), b.out(), "target 7 alone");
        StringBuilder h = new StringBuilder("<html><body>");
        while (h.length() < (8 << 20) + 10_000) h.append("<p>Some <i>visible</i> words here</p>\n");
        h.append("<p>notagsmark</p></body></html>\n");
        String big = file("big.html", h.toString().getBytes(StandardCharsets.US_ASCII));
        String tags = Files.writeString(tmp.resolve("nt.ndb"), "NoTags:3:*:" + "6e6f746167736d61726b0a" + "\n").toString();
        Run c2 = clamscan("-d", tags, big), b2 = bulwark("-d", tags, big);
        assertEquals(c2.rc(), b2.rc(), "over MaxHTMLNoTags");
        assertEquals(dataLines(c2), dataLines(b2), "over MaxHTMLNoTags");
    }
}
