package dev.bulwark.cli;

import static dev.bulwark.cli.ScanCommandTest.bulwark;
import static dev.bulwark.cli.ScanCommandTest.clamscan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.cli.ScanCommandTest.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (cli10) clamscan 1.4.6 options that {@code bulwark scan} once refused or answered differently, each form run
 * through clamscan and {@code bulwark scan} on the same inputs: -V/--version, the deprecated options (-t, …), a
 * -d path that does not exist, -v's "Scanning FILE" lines, and clamscan's old and hidden option names.
 */
class VersionVerboseOptionsTest {
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    @TempDir Path tmp;
    private String db, tree, clean;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        db = Files.writeString(tmp.resolve("t.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n").toString();
        Path t = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(t.getParent().resolve("eicar.com"), EICAR);
        clean = Files.writeString(t.getParent().resolve("clean.txt"), "just some text\n").toString();
        Files.writeString(t.getParent().resolve("empty"), "");
        Files.writeString(t.resolve("deep.txt"), "more text\n");
        Files.createSymbolicLink(t.getParent().resolve("link"), Path.of("clean.txt"));
        tree = t.getParent().toString();
    }

    private static String[] args(String... a) {
        return a;
    }

    /** A ClamAV daily database's 512-byte header (what -V reads); the body does not matter to -V. */
    private static void daily(Path f, long version, long buildTime) throws Exception {
        String h = "ClamAV-VDB:01 Jan 2024 00-00 +0000:" + version + ":100:90:0123456789abcdef0123456789abcdef:sig:tester:" + buildTime;
        Files.write(f, (h + " ".repeat(512 - h.length()) + "body").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void versionPrintsOneLineWithClamscansDatabaseFields() throws Exception {
        Path cvdOnly = Files.createDirectories(tmp.resolve("cvd")), both = Files.createDirectories(tmp.resolve("both"));
        daily(cvdOnly.resolve("daily.cvd"), 27500, 1_764_151_230L);
        daily(both.resolve("daily.cvd"), 27500, 1_764_151_230L);
        daily(both.resolve("daily.cld"), 27501, 1_704_499_200L); // the newer one wins
        String cvd = cvdOnly.toString(), cld = both.toString();
        List<String[]> forms = List.of(args("-V"), args("--version"), args("-V", "-d", cvd), args("--version", "-d", cld),
                args("-V", "-d", cvd, "-d", cld), args("-V", "-d", db), args("-V", "-d", cvd + "/daily.cvd"), args("-V", clean),
                args("--version=yes", "-d", cvd), args("-h", "-V", "-d", cld), args("-V", "-d", tmp.resolve("none").toString()),
                args("-V", "--bogus"));
        int shown = 0;
        for (String[] form : forms) {
            Run c = clamscan(form), b = bulwark(form);
            String what = Arrays.toString(form) + "\nclamscan: " + c + "\nbulwark: " + b;
            assertEquals(c.rc(), b.rc(), what);
            if (c.rc() != 0) continue;
            List<String> cl = c.out().lines().toList(), bl = b.out().lines().toList();
            assertEquals(1, cl.size(), what);
            assertEquals(1, bl.size(), what);
            String[] cf = cl.get(0).split("/", -1), bf = bl.get(0).split("/", -1);
            assertEquals("ClamAV 1.4.6", cf[0], what);
            assertEquals("Bulwark " + ScanCommand.VERSION + " (ClamAV 1.4.6 compatible)", bf[0], what);
            assertEquals(Arrays.asList(cf).subList(1, cf.length), Arrays.asList(bf).subList(1, bf.length), "the database fields: " + what);
            if (cf.length == 3) shown++;
        }
        assertEquals(5, shown, "the forms with a daily database show its version and date");
    }

    /** The lines naming a scanned file, and the deprecation warnings. */
    private static List<String> lines(String s, String prefix) {
        return s.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void deprecatedOptionsAreAcceptedWithClamscansWarning() throws Exception {
        List<String[]> forms = List.of(args("-t", clean), args("-ti", clean), args("-it", tree), args("--bytecode-trust-all", clean),
                args("-t", "-t", clean), args("--unzip", "x", clean), args("--unzip=x", clean),
                args("--max-ratio=3", "--force", clean), args("--max-space", "3", clean),
                args("--timelimit", "5", "--detect-broken", "--no-pe", tree), args("-t", "--bogus", clean),
                args("--bogus", "-t", clean), args("--stdout", "-t", clean));
        for (String[] form : forms) {
            List<String> a = new ArrayList<>(List.of("--no-summary", "-d", db));
            a.addAll(Arrays.asList(form));
            String[] all = a.toArray(String[]::new);
            Run c = clamscan(all), b = bulwark(all);
            String what = a + "\nclamscan: " + c + "\nbulwark: " + b;
            assertEquals(c.rc(), b.rc(), what);
            assertEquals(lines(c.err(), "WARNING: Ignoring"), lines(b.err(), "WARNING: Ignoring"), what);
            assertEquals(lines(c.out(), "WARNING"), lines(b.out(), "WARNING"), "nothing of it on standard output: " + what);
            // (a directory: clamscan lists it in readdir order, Bulwark sorted)
            assertEquals(lines(c.out(), "/").stream().sorted().toList(), lines(b.out(), "/").stream().sorted().toList(), what);
            assertEquals(lines(c.err(), "x: "), lines(b.err(), "x: "), "--unzip x: x is a file to scan: " + what);
            if (c.err().contains("Can't parse")) assertTrue(b.err().endsWith("ERROR: Can't parse command line options\n"), what);
        }
    }

    @Test
    void aMissingDatabasePathIsReportedAsByClamscan() throws Exception {
        String none = tmp.resolve("no-such.hdb").toString(), bad = Files.writeString(tmp.resolve("bad.ndb"), "bad line\n").toString();
        List<String[]> forms = List.of(args("-d", none, clean), args("--no-summary", "-d", none, clean),
                args("-d", db, "-d", none, clean), args("--database=" + none, "-d", db, clean), args("--stdout", "-d", none, clean),
                args("-d", bad, "-d", none, clean), args("--no-summary", "-d", bad, clean),
                args("-d", Files.createDirectories(tmp.resolve("no-databases")).toString(), clean)); // an empty directory
        for (String[] form : forms) {
            Run c = clamscan(form), b = bulwark(form);
            String what = Arrays.toString(form) + "\nclamscan: " + c + "\nbulwark: " + b;
            assertEquals(c.rc(), b.rc(), what);
            List<String> ce = lines(c.err(), "ERROR: "), be = lines(b.err(), "ERROR: ");
            assertFalse(ce.isEmpty() && lines(c.out(), "ERROR: ").isEmpty(), "clamscan reports it: " + what);
            if (!ce.isEmpty()) assertEquals(ce.get(ce.size() - 1), be.get(be.size() - 1), "the last error line: " + what);
            assertEquals(lines(c.out(), "ERROR: "), lines(b.out(), "ERROR: ").stream().skip(Math.max(0,
                    lines(b.out(), "ERROR: ").size() - lines(c.out(), "ERROR: ").size())).toList(), "--stdout: " + what);
            assertEquals(c.out().contains("SCAN SUMMARY"), b.out().contains("SCAN SUMMARY"), what);
            assertEquals(lines(c.out(), "Scanned files"), lines(b.out(), "Scanned files"), what);
        }
    }

    /**
     * Each "Scanning FILE" line with the line after it: where the line stands (before that file's result, or
     * before the next one's when -i/-o hide it). clamscan lists a directory in readdir order, Bulwark sorted, so
     * the pairs are compared as sets, and the lines as sorted lists.
     */
    private static Set<String> pairs(List<String> l) {
        Set<String> s = new TreeSet<>();
        for (int i = 0; i < l.size(); i++) {
            if (!l.get(i).startsWith("Scanning ")) continue;
            String next = i + 1 < l.size() ? l.get(i + 1) : "(end)";
            // only the file's own result line tells where the Scanning line stands
            s.add(l.get(i) + " -> " + (next.startsWith(l.get(i).substring(9) + ": ") ? next : "(other)"));
        }
        return s;
    }

    @Test
    void verboseNamesEachFileBeforeItIsScanned() throws Exception {
        String log = tmp.resolve("scan.log").toString();
        List<String[]> forms = List.of(args("-v", "-r", tree), args("--verbose", tree), args("-v", "-r", "-i", tree),
                args("-v", "-r", "-o", tree), args("-vr", "--exclude=clean", tree), args("-v", "--quiet", "-r", tree),
                args("-v", clean), args("-v", "--follow-file-symlinks=2", tree), args("-v", "--stdout", "-r", tree),
                args("-v", "-r", "-l", log, tree), args("-r", tree));
        int scanning = 0;
        for (String[] form : forms) {
            List<String> a = new ArrayList<>(List.of("--no-summary", "-d", db));
            a.addAll(Arrays.asList(form));
            String[] all = a.toArray(String[]::new);
            Files.deleteIfExists(Path.of(log));
            Run c = clamscan(all);
            List<String> clamLog = Files.exists(Path.of(log)) ? Files.readAllLines(Path.of(log)) : List.of();
            Files.deleteIfExists(Path.of(log));
            Run b = bulwark(all);
            List<String> bLog = Files.exists(Path.of(log)) ? Files.readAllLines(Path.of(log)) : List.of();
            String what = a + "\nclamscan: " + c + "\nbulwark: " + b;
            assertEquals(c.rc(), b.rc(), what);
            List<String> co = c.out().lines().toList(), bo = b.out().lines().toList();
            assertEquals(co.stream().sorted().toList(), bo.stream().sorted().toList(), what);
            assertEquals(pairs(co), pairs(bo), what);
            assertFalse(b.err().contains("Scanning"), "standard output only: " + what);
            assertEquals(clamLog.stream().sorted().toList(), bLog.stream().sorted().toList(), "the log: " + what);
            scanning += (int) co.stream().filter(l -> l.startsWith("Scanning ")).count();
        }
        assertTrue(scanning > 10, "the forms print Scanning lines: " + scanning);
    }

    /**
     * clamscan's old alert names (--block-max, …) turn their alert on whatever the new name says, --algorithmic-detection=no
     * is --heuristic-alerts=no, and its hidden options with nothing to do here (--cache-size, --gen-mdb, …) are accepted.
     */
    @Test
    void oldAndHiddenOptionNamesAreReadAsByClamscan() throws Exception {
        Path files = Path.of("/usr/share/clamav-testfiles");
        assumeTrue(Files.isDirectory(files), "clamav-testfiles not installed");
        String exe = files.resolve("clam.exe").toString(), doc = files.resolve("clam.ole.doc").toString();
        String html = files.resolve("clam.exe.html").toString();
        List<String[]> forms = List.of(args("--block-max", exe), args("--block-max", "--alert-exceeds-max=no", exe),
                args("--alert-exceeds-max", "--block-max=no", exe), args("--block-max=no", exe),
                args("--block-max", "--algorithmic-detection=no", exe), args("--algorithmic-detection=no", "--alert-exceeds-max", exe),
                args("--block-macros", "--max-filesize=100M", doc), args("--block-encrypted", "--max-filesize=100M", exe),
                args("--phishing-ssl", "--phishing-cloak", "--max-filesize=100M", html), args("--cache-size", "100", exe),
                args("--cache-size=100", "--gen-mdb", "--dev-ac-only", "--dev-performance", "--partition-intersection", exe));
        int found = 0;
        for (String[] form : forms) {
            List<String> a = new ArrayList<>(List.of("--no-summary", "-d", db, "--max-filesize=10"));
            a.addAll(Arrays.asList(form));
            String[] all = a.toArray(String[]::new);
            Run c = clamscan(all), b = bulwark(all);
            String what = a + "\nclamscan: " + c + "\nbulwark: " + b;
            assertEquals(c.rc(), b.rc(), what);
            assertEquals(lines(c.out(), "/"), lines(b.out(), "/"), what);
            found += c.rc() == 1 ? 1 : 0;
        }
        assertTrue(found >= 3 && found < forms.size(), "the forms alert and do not: " + found);
    }
}
