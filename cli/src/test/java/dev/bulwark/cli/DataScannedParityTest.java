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
}
