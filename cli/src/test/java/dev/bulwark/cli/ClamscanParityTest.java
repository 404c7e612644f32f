package dev.bulwark.cli;

import static dev.bulwark.cli.ScanCommandTest.bulwark;
import static dev.bulwark.cli.ScanCommandTest.clamscan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.cli.ScanCommandTest.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corners of clamscan 1.4.6's behaviour that clamcompat does not cover, each compared with the clamscan installed on
 * this machine (skipped where there is none): option values, standard input under -v and -o, --stdout, --exclude
 * expressions, --official-db-only, database lines longer than ClamAV's fgets buffer, and the summary of a load
 * that failed part way.
 */
class ClamscanParityTest {
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    @TempDir
    Path tmp;
    private Path hdb, clean, eicar;

    @BeforeEach
    void files() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        hdb = Files.writeString(tmp.resolve("t.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n");
        clean = Files.writeString(tmp.resolve("clean.txt"), "just some ordinary text\n");
        eicar = Files.writeString(tmp.resolve("eicar.com"), EICAR);
    }

    private static Run both(boolean clam, String... args) throws Exception {
        return clam ? clamscan(args) : bulwark(args);
    }

    /** clamscan's parser refuses a value that does not match the option's pattern with its own two lines. */
    @Test
    void optionValuesAreCheckedAsClamscanChecksThem() throws Exception {
        for (String opt : List.of("--max-files=abc", "--max-recursion=3M", "--max-scantime=5k", "--max-dir-recursion=-1",
                "--max-filesize=10X", "--recursive=on", "--recursive=maybe", "--allmatch=y", "--log=", "--statistics=x",
                "--dev-ac-depth=x")) {
            String[] args = {"--no-summary", "-d", hdb.toString(), opt, clean.toString()};
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(2, c.rc(), opt + ": " + c.err());
            assertEquals(c.rc(), b.rc(), opt);
            assertEquals(c.err(), b.err(), opt);
            assertEquals(c.out(), b.out(), opt);
        }
        // accepted: sizes with a suffix in either case, booleans in any case, --dev-ac-depth (a hidden developer option)
        for (String opt : List.of("--max-filesize=10k", "--max-scansize=1M", "--recursive=YES", "--allmatch=False",
                "--dev-ac-depth=3", "--dev-ac-only", "--bytecode-mode=forcejit", "--statistics=PCRE")) {
            String[] args = {"--no-summary", "-d", hdb.toString(), opt, eicar.toString()};
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(1, c.rc(), opt + ": " + c.err());
            assertEquals(c.rc(), b.rc(), opt + ": " + b.err());
            assertEquals(c.out(), b.out(), opt);
        }
        // options this clamscan build does not have: refused as unknown
        for (String opt : List.of("--cvdcertsdir=/tmp", "--dev-collect-hashes", "--memory")) {
            String[] args = {"--no-summary", "-d", hdb.toString(), opt, clean.toString()};
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(2, c.rc(), opt);
            assertEquals(c.rc(), b.rc(), opt);
            assertTrue(c.err().endsWith("ERROR: Unknown option passed\nERROR: Can't parse command line options\n"), c.err());
            assertTrue(b.err().endsWith("ERROR: Unknown option passed\nERROR: Can't parse command line options\n"), b.err());
        }
    }

    /**
     * Standard input: -v prints clamscan's "Checking TMPDIR/clamav-HEX.tmp" line (the temporary copy it scans), and
     * "stdin: OK" is printed even with -o (clamscan's scanstdin does not look at it), not with -i.
     */
    @Test
    void standardInputUnderVerboseAndSuppressOk() throws Exception {
        for (Path input : List.of(clean, eicar)) {
            for (List<String> opts : List.of(List.of("-v"), List.of("-o"), List.of("-v", "-o"), List.of("-v", "-i"),
                    List.of("-v", "--tempdir=" + tmp))) {
                List<String> args = new ArrayList<>(List.of("--no-summary", "-d", hdb.toString()));
                args.addAll(opts);
                args.add("-");
                List<String> cmd = new ArrayList<>(List.of("clamscan"));
                cmd.addAll(args);
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(input.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().remove("TMPDIR");
                Process p = pb.start();
                String cOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int cRc = p.waitFor();
                java.io.InputStream in = System.in;
                Run b;
                try {
                    System.setIn(Files.newInputStream(input));
                    b = bulwark(args.toArray(String[]::new));
                } finally {
                    System.setIn(in);
                }
                String what = input.getFileName() + " " + opts;
                assertEquals(cRc, b.rc(), what);
                assertEquals(tempName(cOut), tempName(b.out()), what);
                if (opts.contains("-v") && System.getenv("TMPDIR") == null) {
                    String dir = opts.size() > 1 && opts.get(1).startsWith("--tempdir=") ? tmp.toString() : "/tmp";
                    assertTrue(b.out().matches("(?s)Checking " + Pattern.quote(dir) + "/clamav-[0-9a-f]{32}\\.tmp\n.*"), b.out());
                }
            }
        }
    }

    /** The temporary file's random part replaced. */
    private static String tempName(String out) {
        return out.replaceAll("clamav-[0-9a-f]{32}\\.tmp", "clamav-HEX.tmp");
    }

    /** With --stdout, clamscan's warning moves to standard output, the perror line it prints before it does not. */
    @Test
    void stdoutLeavesThePerrorLineOnStandardError() throws Exception {
        String missing = tmp.resolve("missing").toString();
        for (boolean clam : new boolean[] {true, false}) {
            Run r = both(clam, "--no-summary", "--stdout", "-d", hdb.toString(), missing);
            assertEquals(2, r.rc());
            assertEquals("WARNING: " + missing + ": Can't access file\n", r.out(), clam ? "clamscan" : "bulwark");
            assertEquals(missing + ": No such file or directory\n", r.err(), clam ? "clamscan" : "bulwark");
        }
    }

    /** --quiet leaves out clamscan's warnings about targets, not the perror line before one. */
    @Test
    void quietLeavesOutTargetWarnings() throws Exception {
        String missing = tmp.resolve("missing").toString();
        Path fifo = tmp.resolve("fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        for (String target : List.of(missing, fifo.toString())) {
            String[] args = {"--no-summary", "--quiet", "-d", hdb.toString(), clean.toString(), target};
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(2, c.rc(), c.err());
            assertEquals(c.rc(), b.rc(), target);
            assertEquals(c.out(), b.out(), target);
            assertEquals(c.err(), b.err(), target);
        }
    }

    /** An --exclude or --include expression that does not compile matches nothing, silently. */
    @Test
    void uncompilableExcludeAndIncludeMatchNothing() throws Exception {
        for (String opt : List.of("--exclude=[", "--include=[", "--exclude-dir=(", "--include=\\.txt$")) {
            String[] args = {"--no-summary", "-d", hdb.toString(), opt, clean.toString(), eicar.toString()};
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(c.rc(), b.rc(), opt);
            assertEquals(c.out(), b.out(), opt);
            assertEquals(c.err(), b.err(), opt);
        }
    }

    /**
     * --official-db-only leaves out the unofficial files of a -d directory (one that holds nothing else then holds
     * "no supported database files"), not a file named with -d.
     */
    @Test
    void officialDbOnlySkipsDirectoryMembersOnly() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dbdir")), withIgnore = Files.createDirectories(tmp.resolve("dbdir2"));
        Files.copy(hdb, dir.resolve("t.hdb"));
        Files.copy(hdb, withIgnore.resolve("t.hdb"));
        Files.writeString(withIgnore.resolve("x.ign2"), "Nothing.Ignored\n");
        for (Path db : List.of(hdb, dir, withIgnore)) {
            String[] args = {"--official-db-only", "-d", db.toString(), eicar.toString()};
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(db == hdb ? 1 : db == dir ? 2 : 0, c.rc(), c.out());
            assertEquals(c.rc(), b.rc(), db.toString());
            assertEquals(resultLine(c.out(), eicar.toString()), resultLine(b.out(), eicar.toString()), db.toString());
            assertEquals(summaryLine(c.out(), "Known viruses:"), summaryLine(b.out(), "Known viruses:"), db.toString());
        }
    }

    /**
     * ClamAV reads a plain database file with fgets into 8,192 bytes (32,769 for .ldb): a longer line is read as
     * several, and the piece after the cut is then malformed. Lengths around the limit, compared by exit code and
     * by the line number clamscan names.
     */
    @Test
    void databaseLinesLongerThanClamAVsBufferAsInClamscan() throws Exception {
        String md5 = "44d88612fea8a8f36de82e1278abb02f:68:";
        for (int len : new int[] {8_000, 8_190, 8_191, 8_192, 9_000, 20_000}) {
            check(Files.writeString(tmp.resolve("h" + len + ".hdb"), md5 + "N".repeat(len - md5.length()) + "\n"), null);
            check(Files.writeString(tmp.resolve("h" + len + "-last.hdb"), md5 + "N".repeat(len - md5.length())), null);
            String ndb = "Long:0:*:" + "41".repeat((len - 9) / 2);
            check(Files.writeString(tmp.resolve("n" + len + ".ndb"), ndb + "\n"), null);
        }
        for (int len : new int[] {20_000, 32_767, 32_768, 40_000}) {
            String sub = "41".repeat((len - 19) / 2);
            check(Files.writeString(tmp.resolve("l" + len + ".ldb"), "LongL;Target:0;0;" + sub + "\n"), null);
        }
        // the tail of a long hash line that is itself a signature: loaded as one, as ClamAV does
        String tail = md5 + "Tail.Sig";
        Path two = Files.writeString(tmp.resolve("tail.hdb"), "0123456789abcdef0123456789abcdef:1:" + "N".repeat(8_191 - 35) + tail + "\n");
        check(two, "2");
    }

    private void check(Path db, String known) throws Exception {
        String[] args = {"-d", db.toString(), eicar.toString()};
        Run c = clamscan(args), b = bulwark(args);
        String what = db.getFileName() + " (" + Files.size(db) + " bytes)";
        assertEquals(c.rc(), b.rc(), what + "\n" + c.err() + "\n" + b.err());
        Matcher cl = Pattern.compile("at line (\\d+)").matcher(c.err());
        if (cl.find()) {
            Matcher bl = Pattern.compile(Pattern.quote(db.toString()) + ":(\\d+):").matcher(b.err());
            assertTrue(bl.find(), b.err());
            assertEquals(cl.group(1), bl.group(1), what + "\n" + c.err() + "\n" + b.err());
        }
        if (known != null) assertEquals("Known viruses: " + known, summaryLine(c.out(), "Known viruses:"));
        if (c.rc() != 2) assertEquals(summaryLine(c.out(), "Known viruses:"), summaryLine(b.out(), "Known viruses:"), what);
    }

    /**
     * A -d directory with a malformed file among good ones: clamscan loads its files in the directory's order,
     * stops at the malformed one, ends with "ERROR: Malformed database" and exit code 2, and its summary counts the
     * signatures of the files loaded before (not 0); so does a later -d after an earlier good one.
     */
    @Test
    void partialLoadSummaryCountsWhatClamscanLoaded() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("partial"));
        for (int i = 1; i <= 12; i++) {
            Files.writeString(dir.resolve("f" + i + ".ndb"), "Sig" + i + ".A:0:*:" + hex("sig" + i + "A") + "\nSig" + i + ".B:0:*:"
                    + hex("sig" + i + "B") + "\n");
        }
        Files.writeString(dir.resolve("m.ndb"), "Broken:0:*:6\n");
        Files.writeString(dir.resolve("a.ign2"), "Nothing.Ignored\n");
        for (List<String> dbs : List.of(List.of(dir.toString()), List.of(hdb.toString(), dir.toString()),
                List.of(dir.resolve("f1.ndb").toString(), dir.resolve("m.ndb").toString(), hdb.toString()))) {
            List<String> args = new ArrayList<>();
            for (String d : dbs) args.addAll(List.of("-d", d));
            args.add(clean.toString());
            Run c = clamscan(args.toArray(String[]::new)), b = bulwark(args.toArray(String[]::new));
            assertEquals(2, c.rc());
            assertEquals(c.rc(), b.rc(), dbs.toString());
            assertTrue(c.err().endsWith("ERROR: Malformed database\n") && b.err().endsWith("ERROR: Malformed database\n"), b.err());
            String known = summaryLine(c.out(), "Known viruses:");
            assertTrue(!known.equals("Known viruses: 0"), c.out()); // the case means something
            assertEquals(known, summaryLine(b.out(), "Known viruses:"), dbs.toString());
            assertEquals(summaryLine(c.out(), "Scanned files:"), summaryLine(b.out(), "Scanned files:"), dbs.toString());
        }
    }

    /** A -d directory that holds no database: clamscan's last line and exit code (told by a typed condition now). */
    @Test
    void emptyDatabaseDirectoryAsInClamscan() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("nodb"));
        Files.writeString(empty.resolve("readme.txt"), "no databases here\n");
        String[] args = {"--no-summary", "-d", empty.toString(), clean.toString()};
        Run c = clamscan(args), b = bulwark(args);
        assertEquals(2, c.rc());
        assertEquals(c.rc(), b.rc());
        assertEquals(c.out(), b.out());
        assertTrue(c.err().endsWith("No supported database files found in " + empty + "\nERROR: Can't open file or directory\n"), c.err());
        assertEquals("ERROR: " + empty + ": No supported database files found\nERROR: Can't open file or directory\n", b.err());
    }

    /**
     * Options clamscan's scanmanager refuses after parsing: --follow-dir/file-symlinks above 2 (Bulwark scanned on),
     * --exclude-pua with --include-pua and a bad --structured-ssn-format (Bulwark printed no summary): the ERROR line
     * (even with --quiet; on standard output with --stdout), libclamav's "cl_free: engine == NULL" where it had no
     * engine yet, the summary (the signatures counted when it refused after the load), exit code 2.
     */
    @Test
    void optionsRefusedByTheScanManager() throws Exception {
        for (String opts : List.of("--follow-file-symlinks=3", "--follow-dir-symlinks=5 --follow-file-symlinks=4", "--quiet --follow-dir-symlinks=3",
                "--stdout --follow-dir-symlinks=3", "--no-summary --follow-file-symlinks=9", "--detect-structured --structured-ssn-format=5",
                "--detect-pua --exclude-pua=x --include-pua=y", "--quiet --no-summary --detect-pua --exclude-pua=x --include-pua=y")) {
            List<String> a = new ArrayList<>(List.of("-d", hdb.toString()));
            a.addAll(List.of(opts.split(" ")));
            a.add(eicar.toString());
            String[] args = a.toArray(String[]::new);
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(2, c.rc(), opts);
            assertEquals(c.rc(), b.rc(), opts);
            assertEquals(c.err(), b.err(), opts);
            assertEquals(withoutRunFacts(c.out()), withoutRunFacts(b.out()), opts);
            assertEquals(opts.contains("--no-summary") || opts.contains("--quiet"), !b.out().contains("SCAN SUMMARY"), opts);
        }
    }

    /**
     * --max-recursion=0 is not "unlimited" to libclamav: it warns and keeps its default, 17 (Bulwark took 0 as its hard
     * cap, 128, and found EICAR 20 archives deep where clamscan does not look).
     */
    @Test
    void maxRecursionZeroKeepsTheDefault() throws Exception {
        byte[] inner = ClamscanCases.EICAR.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 20; i++) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(b)) {
                z.putNextEntry(new java.util.zip.ZipEntry(i == 0 ? "eicar.com" : "n" + i + ".zip"));
                z.write(inner);
            }
            inner = b.toByteArray();
        }
        Path deep = Files.write(tmp.resolve("deep.zip"), inner);
        for (String opts : List.of("--max-recursion=0", "--quiet --max-recursion=0", "--max-recursion=0 --alert-exceeds-max", "--max-recursion=25")) {
            List<String> a = new ArrayList<>(List.of("--no-summary", "-d", hdb.toString()));
            a.addAll(List.of(opts.split(" ")));
            a.add(deep.toString());
            String[] args = a.toArray(String[]::new);
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(c.out(), b.out(), opts);
            assertEquals(c.err(), b.err(), opts);
            assertEquals(c.rc(), b.rc(), opts);
        }
    }

    /** Without a target clamscan scans the working directory by its absolute name ("/w/d/eicar.com", not "./eicar.com"). */
    @Test
    void noTargetScansTheWorkingDirectoryByItsAbsoluteName() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (List<String> cmd : List.of(List.of("clamscan"), List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "dev.bulwark.cli.Main", "scan"))) {
            List<String> c = new ArrayList<>(cmd);
            c.addAll(List.of("--no-summary", "-d", hdb.toString()));
            Process p = new ProcessBuilder(c).directory(tmp.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, p.waitFor(), out);
            assertTrue(out.contains(tmp.toRealPath() + "/eicar.com: Eicar-Test-Signature.UNOFFICIAL FOUND\n"), cmd + ": " + out);
            assertTrue(out.contains(tmp.toRealPath() + "/clean.txt: OK\n"), cmd + ": " + out);
        }
    }

    /**
     * --bell: clamscan rings once per infected file, however many names --allmatch found in it, on standard error even
     * with --stdout and --quiet (Bulwark rang once per name, on standard output with --stdout, not with --quiet).
     */
    @Test
    void bellRingsOncePerInfectedFile() throws Exception {
        Path two = tmp.resolve("two.zip");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(two))) {
            for (String n : List.of("a.com", "b.com")) {
                z.putNextEntry(new java.util.zip.ZipEntry(n));
                z.write(ClamscanCases.EICAR.getBytes(StandardCharsets.US_ASCII));
            }
        }
        for (String opts : List.of("--bell -z", "--bell -z -i", "--bell --stdout", "--bell --quiet", "--bell")) {
            List<String> a = new ArrayList<>(List.of("--no-summary", "-d", hdb.toString()));
            a.addAll(List.of(opts.split(" ")));
            a.addAll(List.of(two.toString(), eicar.toString(), clean.toString()));
            String[] args = a.toArray(String[]::new);
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(c.out(), b.out(), opts);
            assertEquals(c.err(), b.err(), opts);
            assertEquals(c.rc(), b.rc(), opts);
        }
    }

    /**
     * A --file-list that cannot be opened: clamscan's line on standard error (even with --stdout), the summary, and
     * exit code 54 (Bulwark: 2, no summary); a directory as the list opens and reads nothing: no file scanned, exit 0
     * (Bulwark: an error). A --log that cannot be opened: "Failed to open log file X: REASON" on standard output, then
     * "Problem with internal logger." on standard error (Bulwark: one line "ERROR: X: REASON").
     */
    @Test
    void listAndLogThatCannotBeOpened() throws Exception {
        String missing = tmp.resolve("missing").toString(), dir = tmp.toString();
        for (String opts : List.of("-f " + missing, "--stdout -f " + missing, "--no-summary -f " + missing, "-f " + dir,
                "--no-summary -l " + dir, "--no-summary -l " + missing + "/x", "--stdout --no-summary -l " + dir)) {
            List<String> a = new ArrayList<>(List.of("-d", hdb.toString()));
            a.addAll(List.of(opts.split(" ")));
            a.add(eicar.toString());
            String[] args = a.toArray(String[]::new);
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(c.rc(), b.rc(), opts);
            assertEquals(c.err(), b.err(), opts);
            assertEquals(withoutRunFacts(c.out()), withoutRunFacts(b.out()), opts);
        }
    }

    /**
     * --allmatch reports a "potentially unwanted" name (a heuristic such as Heuristics.Encrypted.Zip) once, however
     * many members raised it (libclamav keeps them by name and reports them after the scan); a strong name each time
     * (Bulwark printed one Heuristics.Encrypted.Zip line per encrypted member). With --heuristic-scan-precedence the
     * heuristics are strong: every time.
     */
    @Test
    void allmatchReportsAPotentiallyUnwantedNameOnce() throws Exception {
        assumeTrue(new ProcessBuilder("bash", "-c", "command -v zip").start().waitFor() == 0);
        Files.writeString(tmp.resolve("other.txt"), "other\n");
        Process p = new ProcessBuilder("bash", "-c", "zip -q -e -P pw enc.zip clean.txt other.txt && zip -q -e -P pw mix.zip clean.txt"
                + " other.txt && zip -q mix.zip eicar.com").directory(tmp.toFile()).redirectErrorStream(true).start();
        String made = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), made);
        for (String opts : List.of("-z --alert-encrypted", "-z --alert-encrypted --heuristic-scan-precedence", "--alert-encrypted")) {
            List<String> a = new ArrayList<>(List.of("--no-summary", "-d", hdb.toString()));
            a.addAll(List.of(opts.split(" ")));
            a.addAll(List.of(tmp.resolve("enc.zip").toString(), tmp.resolve("mix.zip").toString()));
            String[] args = a.toArray(String[]::new);
            Run c = clamscan(args), b = bulwark(args);
            assertEquals(c.out(), b.out(), opts);
            assertEquals(c.err(), b.err(), opts);
            assertEquals(c.rc(), b.rc(), opts);
        }
    }

    /** A summary without what differs between runs and programs (times, dates, engine version, databases). */
    private static String withoutRunFacts(String out) {
        return out.replaceAll("(?m)^(Time|Start Date|End Date|Engine version|Databases):.*\n", "");
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String summaryLine(String out, String prefix) {
        for (String l : out.split("\n")) if (l.startsWith(prefix)) return l;
        return null;
    }

    private static String resultLine(String out, String file) {
        for (String l : out.split("\n")) if (l.startsWith(file + ": ")) return l;
        return null;
    }
}
