package dev.bulwark.engine.heuristics.phishing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.mime.MailExtractor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PhishingDbTest {
    private static final int FLEVEL = 216;

    @Test
    void loaderRules() {
        PhishingDb.Builder b = PhishingDb.builder(FLEVEL);
        assertFalse(b.addPdbLine(""));
        assertFalse(b.addPdbLine("# comment"));
        assertTrue(b.addPdbLine("H:paypal.com"));
        assertFalse(b.addPdbLine("H:paypal.com:20-30"), "FLEVEL range excludes 216");
        assertTrue(b.addPdbLine("H:ebay.com:17-"));
        assertTrue(b.addPdbLine("R:.+\\.paypal\\.com([/?].*)?"));
        assertTrue(b.addWdbLine("X:.+\\.example\\.net([/?].*)?:.+\\.paypal\\.com([/?].*)?:17-"));
        assertTrue(b.addWdbLine("M:evil.example.net:www.paypal.com"));
        assertTrue(b.addGdbLine("S1:P:00000000"));
        assertTrue(b.addGdbLine("S:F:" + "ab".repeat(32)));
        assertThrows(IllegalArgumentException.class, () -> b.addPdbLine("Q:paypal.com"));
        assertThrows(IllegalArgumentException.class, () -> b.addPdbLine("nocolon"));
        assertThrows(IllegalArgumentException.class, () -> b.addWdbLine("H:paypal.com"));
        assertThrows(IllegalArgumentException.class, () -> b.addPdbLine("M:a:b"));
        assertThrows(IllegalArgumentException.class, () -> b.addGdbLine("S:F:xyz"));
        assertThrows(IllegalArgumentException.class, () -> b.addPdbLine("R:(unclosed"));
        PhishingDb db = b.build();
        assertEquals(7, db.count());
        assertFalse(db.isEmpty());
        assertTrue(PhishingDb.builder(FLEVEL).build().isEmpty());
    }

    @Test
    void sampleMail() {
        PhishingDb.Builder b = PhishingDb.builder(FLEVEL);
        b.addPdbLine("H:paypal.com");
        PhishingDb db = b.build();
        assertEquals("Heuristics.Phishing.Email.SpoofedDomain",
                db.check("http://evil.example.net/login", "http://www.paypal.com/login", false, false));
        assertNull(db.check("http://www.paypal.com/x", "http://www.paypal.com/login", false, false));
        assertNull(db.check("http://evil.example.net/login", "click here", false, false));
    }

    @Test
    void hostileRegexIsBounded() {
        PhishingDb.Builder b = PhishingDb.builder(FLEVEL);
        b.addPdbLine("R:(a+)+b");
        PhishingDb db = b.build();
        // catastrophic backtracking is cut off by the read budget: the link is simply not listed
        assertNull(db.check("http://" + "a".repeat(40) + ".com/", "http://www.paypal.com", false, false));
    }

    /** One differential case: databases, an anchor and extra clamscan options. */
    record Case(String label, String pdb, String wdb, String gdb, String href, String text, boolean ssl) {
        @Override public String toString() { return label; }
    }

    static Stream<Arguments> cases() {
        String evil = "http://evil.example.net/login";
        String pp = "http://www.paypal.com/login";
        List<Case> c = new ArrayList<>();
        c.add(new Case("H listed", "H:paypal.com", null, null, evil, pp, false));
        c.add(new Case("H not listed", "H:ebay.com", null, null, evil, pp, false));
        c.add(new Case("R regex", "R:.+\\.paypal\\.com([/?].*)?", null, null, evil, pp, false));
        c.add(new Case("M allow", "H:paypal.com", "M:evil.example.net:www.paypal.com", null, evil, pp, false));
        c.add(new Case("X allow", "H:paypal.com", "X:.+\\.example\\.net([/?].*)?:.+\\.paypal\\.com([/?].*)?:17-", null, evil, pp, false));
        c.add(new Case("flevel skipped", "H:paypal.com:20-30", null, null, evil, pp, false));
        c.add(new Case("same domain", "H:paypal.com", null, null, "http://login.paypal.com/x", pp, false));
        c.add(new Case("text not url", "H:paypal.com", null, null, evil, "click here", false));
        c.add(new Case("display without scheme", "H:paypal.com", null, null, evil, "www.paypal.com", false));
        c.add(new Case("ssl spoof listed", "H:paypal.com", null, null, evil, "https://www.paypal.com/", false));
        c.add(new Case("ssl spoof unlisted no alert", "H:ebay.com", null, null, evil, "https://www.paypal.com/", false));
        c.add(new Case("ssl spoof unlisted alert", "H:ebay.com", null, null, evil, "https://www.paypal.com/", true));
        c.add(new Case("co.uk spoof", "H:barclays.co.uk", null, null, "http://evil.co.uk/", "http://www.barclays.co.uk/", false));
        c.add(new Case("co.uk same", "H:barclays.co.uk", null, null, "http://secure.barclays.co.uk/", "http://www.barclays.co.uk/", false));
        c.add(new Case("mailto real", "H:paypal.com", null, null, "mailto:x@evil.example.net", pp, false));
        c.add(new Case("spaced display", "H:paypal.com", null, null, evil, "w w w . p a y p a l . c o m", false));
        c.add(new Case("email display", "H:paypal.com", null, null, evil, "support@paypal.com", false));
        c.add(new Case("real without scheme", "H:paypal.com", null, null, "evil.example.net/login", pp, false));
        c.add(new Case("numeric real", "H:paypal.com", null, null, "http://192.168.1.1/login", pp, false));
        c.add(new Case("username real", "H:paypal.com", null, null, "http://www.paypal.com@evil.example.net/", pp, false));
        c.add(new Case("upper-case display", "H:paypal.com", null, null, evil, "HTTP://WWW.PAYPAL.COM/", false));
        c.add(new Case("entity in href", "H:paypal.com", null, null, "http://evil.example.net/a?b=1&amp;c=2", pp, false));
        c.add(new Case("percent host", "H:paypal.com", null, null, "http://%65vil.example.net/", pp, false));
        c.add(new Case("subdomain of listed is listed", "H:paypal.com", null, null, evil, "http://secure.login.paypal.com/", false));
        c.add(new Case("suffix without dot not listed", "H:paypal.com", null, null, evil, "http://mypaypal.com/", false));
        c.add(new Case("gdb blocked", "H:ebay.com", null, "S1:F:" + sha("evil.example.net/"), evil, pp, false));
        c.add(new Case("gdb only prefix", null, null, "S1:P:00000000", evil, pp, false));
        c.add(new Case("anchor title", "H:paypal.com", null, null, "RAW", "<a href=\"http://evil.example.net/\" title=\"http://www.paypal.com/\">click</a>", false));
        c.add(new Case("image in anchor", "H:paypal.com", null, null, "RAW", "<a href=\"http://evil.example.net/\"><img src=\"http://www.paypal.com/logo.gif\"></a>", false));
        c.add(new Case("image outside anchor", "H:paypal.com", null, null, "RAW", "<img src=\"http://www.paypal.com/logo.gif\">", false));
        c.add(new Case("form action", "H:paypal.com", null, null, "RAW", "<form action=\"http://evil.example.net/post\"><a href=\"http://www.paypal.com/\">x</a></form>", false));
        c.add(new Case("area in anchor", "H:paypal.com", null, null, "RAW", "<a href=\"http://evil.example.net/\"><area href=\"http://www.paypal.com/\"></a>", false));
        c.add(new Case("https image in anchor", "H:paypal.com", null, null, "RAW", "<a href=\"http://evil.example.net/\"><img src=\"https://www.paypal.com/logo.gif\"></a>", false));
        c.add(new Case("https image in anchor, ssl alert", "H:ebay.com", null, null, "RAW", "<a href=\"http://evil.example.net/\"><img src=\"https://www.paypal.com/logo.gif\"></a>", true));
        c.add(new Case("nested tags in text", "H:paypal.com", null, null, "RAW", "<a href=\"http://evil.example.net/\"><b>http://www.</b><i>paypal.com</i></a>", false));
        return c.stream().map(Arguments::of);
    }

    private static String sha(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithClamscan(Case c, @TempDir Path dir) throws Exception {
        Path clamscan = Stream.of("/usr/bin/clamscan", "/usr/local/bin/clamscan").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(clamscan != null, "clamscan not installed");
        Path db = Files.createDirectory(dir.resolve("db"));
        PhishingDb.Builder b = PhishingDb.builder(FLEVEL);
        if (c.pdb() != null) { Files.writeString(db.resolve("t.pdb"), c.pdb() + "\n"); b.addPdbLine(c.pdb()); }
        if (c.wdb() != null) { Files.writeString(db.resolve("t.wdb"), c.wdb() + "\n"); b.addWdbLine(c.wdb()); }
        if (c.gdb() != null) { Files.writeString(db.resolve("t.gdb"), c.gdb() + "\n"); b.addGdbLine(c.gdb()); }
        Files.writeString(db.resolve("z.ndb"), "Unused:0:*:7a7a7a7a7a7a7a7a7a\n");
        String mail = "From: a@example.net\nTo: b@example.org\nSubject: s\nMIME-Version: 1.0\n"
                + "Content-Type: text/html; charset=us-ascii\n\n<html><body>\n<p>Please login:</p>\n"
                + (c.href().equals("RAW") ? c.text() : "<a href=\"" + c.href() + "\">" + c.text() + "</a>") + "\n</body></html>\n";
        Path eml = dir.resolve("m.eml");
        Files.writeString(eml, mail);
        String expected = clamscan(clamscan, db, eml, c.ssl());

        PhishingDb pdb = b.build();
        dev.bulwark.engine.ScanOptions opts = dev.bulwark.engine.ScanOptions.defaults().withAlert(dev.bulwark.engine.ScanOptions.Alert.PHISHING_SSL, c.ssl());
        RecordingContext ctx = Contract.run(new MailExtractor(), mail.getBytes(StandardCharsets.ISO_8859_1), FileType.MAIL, opts);
        String ours = null;
        if (!pdb.isEmpty()) {
            for (RecordingContext.Link l : ctx.links) {
                ours = pdb.check(l.real(), l.displayed(), c.ssl(), false);
                if (ours != null) break;
            }
        }
        assertEquals(expected, ours, c.label());
    }

    private static String clamscan(Path exe, Path db, Path file, boolean ssl) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--no-summary", "-d", db.toString()));
        if (ssl) cmd.add("--alert-phishing-ssl");
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.getErrorStream().readAllBytes();
        p.waitFor();
        for (String line : out.split("\n")) {
            if (line.endsWith(" FOUND")) {
                String s = line.substring(line.indexOf(": ") + 2, line.length() - " FOUND".length());
                return s;
            }
        }
        return null;
    }
}
