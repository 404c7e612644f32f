package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark scan} against {@code clamscan}: same result lines and exit codes on the same inputs. */
class ScanCommandTest {
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    record Run(int rc, String out, String err) {}

    /** The option tests' fixture: {@code tmp/tree/eicar.com} and {@code tmp/t.hdb}, which names its MD5. */
    record EicarTree(Path tree, String db) {
        static EicarTree in(Path tmp) throws java.io.IOException {
            Path tree = Files.createDirectories(tmp.resolve("tree"));
            Files.writeString(tree.resolve("eicar.com"), EICAR);
            return new EicarTree(tree, Files.writeString(tmp.resolve("t.hdb"),
                    "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n").toString());
        }
    }

    static Run bulwark(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int rc = ScanCommand.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static Run clamscan(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("clamscan"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    private static Set<String> resultLines(String out) {
        Set<String> s = new TreeSet<>();
        for (String l : out.split("\n")) if (l.contains(": ") && !l.startsWith("Known") && !l.contains("SCAN SUMMARY")) {
            if (l.matches("^(Known viruses|Engine version|Databases|Scanned|Infected|Total errors|Data|Time|Start Date|End Date):.*")) continue;
            s.add(l);
        }
        return s;
    }

    private static Path tree(Path tmp) throws Exception {
        Path t = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(t.getParent().resolve("eicar.com"), EICAR);
        Files.writeString(t.getParent().resolve("clean.txt"), "just some ordinary text\n");
        Files.writeString(t.getParent().resolve("empty"), "");
        Files.writeString(t.resolve("hello.bin"), "xxxxAAAAhelloBBBBworldCCCC");
        Files.writeString(tmp.resolve("t.ndb"), "Hello.Test:0:*:68656c6c6f\n");
        Files.writeString(tmp.resolve("t.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n");
        return t.getParent();
    }

    @Test
    void sameLinesAndExitCodesAsClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        Path t = tree(tmp);
        for (String[] extra : new String[][] {{}, {"-r"}, {"-r", "-i"}, {"-r", "-o"}, {"-r", "--allmatch"}}) {
            List<String> args = new ArrayList<>(List.of("--no-summary", "-d", tmp.resolve("t.ndb").toString(), "-d", tmp.resolve("t.hdb").toString()));
            args.addAll(Arrays.asList(extra));
            args.add(t.toString());
            Run c = clamscan(args.toArray(String[]::new)), b = bulwark(args.toArray(String[]::new));
            assertEquals(c.rc(), b.rc(), "exit code for " + args);
            assertEquals(resultLines(c.out()), resultLines(b.out()), "lines for " + args);
        }
    }

    /** Empty standard input is "stdin: OK" and one scanned file in clamscan; an empty named file is "Empty file". */
    @Test
    void emptyStandardInputIsAScannedCleanFileAsInClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        tree(tmp);
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        for (List<String> form : List.of(List.of("-"), List.of("-", empty.toString()))) {
            List<String> args = new ArrayList<>(List.of("-d", tmp.resolve("t.ndb").toString()));
            args.addAll(form);
            List<String> cmd = new ArrayList<>(List.of("clamscan"));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectInput(empty.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String cOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int cRc = p.waitFor();
            java.io.InputStream in = System.in;
            Run b;
            try {
                System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
                b = bulwark(args.toArray(String[]::new));
            } finally {
                System.setIn(in);
            }
            assertTrue(cOut.contains("stdin: OK\n"), cOut); // what clamscan 1.4.6 does, so the comparison means something
            assertEquals(cRc, b.rc(), form + "\n" + b.out() + b.err());
            assertEquals(resultLines(cOut), resultLines(b.out()), form.toString());
            assertEquals(summaryLine(cOut, "Scanned files:"), summaryLine(b.out(), "Scanned files:"), form.toString());
        }
    }

    private static String summaryLine(String out, String prefix) {
        for (String l : out.split("\n")) if (l.startsWith(prefix)) return l;
        return null;
    }

    /** The --log file gets the header line, every line but "OK" and the summary, as clamscan's does. */
    @Test
    void logFileHoldsResultsAndSummaryAsInClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        Path t = tree(tmp);
        Path cl = tmp.resolve("c.log"), bl = tmp.resolve("b.log");
        for (Path log : List.of(cl, bl)) {
            String[] args = {"-r", "-d", tmp.resolve("t.ndb").toString(), "-d", tmp.resolve("t.hdb").toString(), "-l", log.toString(), t.toString()};
            Run r = log == cl ? clamscan(args) : bulwark(args);
            assertEquals(1, r.rc(), r.err());
        }
        List<String> c = logShape(Files.readAllLines(cl)), b = logShape(Files.readAllLines(bl));
        assertEquals(c, b);
        assertTrue(b.contains("----------- SCAN SUMMARY -----------"), b.toString());
        assertTrue(b.contains("Infected files: 2"), b.toString());
    }

    /** Log lines with the values that differ between engines (versions, counts of signatures, times) cut off. */
    private static List<String> logShape(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.matches("^(Known viruses|Engine version|Databases|Data scanned|Data read|Time|Start Date|End Date):.*")) continue;
            out.add(l);
        }
        // result lines come in scan order, which may differ between the engines
        List<String> results = new ArrayList<>(out.stream().filter(l -> l.contains(" FOUND")).sorted().toList());
        out.removeIf(l -> l.contains(" FOUND"));
        out.addAll(results);
        return out;
    }

    @Test
    void missingFileIsAnErrorAsInClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        tree(tmp);
        String missing = tmp.resolve("nope").toString();
        Run c = clamscan("--no-summary", "-d", tmp.resolve("t.ndb").toString(), missing);
        Run b = bulwark("--no-summary", "-d", tmp.resolve("t.ndb").toString(), missing);
        assertEquals(c.rc(), b.rc());
        assertTrue(b.err().contains(missing + ": No such file or directory"), b.err());
    }

    @Test
    void malformedDatabaseNamesFileAndLineAndExits2(@TempDir Path tmp) throws Exception {
        Path db = tmp.resolve("bad.ndb");
        Files.writeString(db, "Ok:0:*:68656c6c6f\nBroken:0:*:6\n");
        Run b = bulwark("-d", db.toString(), db.toString());
        assertEquals(2, b.rc());
        assertTrue(b.err().contains("bad.ndb:2:"), b.err());
    }

    /**
     * A snapshot's logical signature damaged behind a valid checksum is met on first use (snapshot format 10
     * decodes them lazily): the scan ends there and reports it as a malformed database at load is reported,
     * with clamscan's last line and exit code for one, and no Java class name; lines printed before it stand.
     */
    @Test
    void aDamagedSnapshotSignatureEndsTheScanAsAMalformedDatabase(@TempDir Path tmp) throws Exception {
        Path snap = dev.bulwark.cli.db.DamagedSnapshot.write(tmp);
        Path clean = Files.writeString(tmp.resolve("clean.txt"), "just some ordinary text\n");
        Path body = Files.writeString(tmp.resolve("body.txt"), dev.bulwark.cli.db.DamagedSnapshot.BODY);
        Path hit = Files.writeString(tmp.resolve("hit.txt"), dev.bulwark.cli.db.DamagedSnapshot.LOGICAL);
        Path gz = tmp.resolve("hit.txt.gz");
        try (var z = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            z.write(dev.bulwark.cli.db.DamagedSnapshot.LOGICAL.getBytes(StandardCharsets.US_ASCII));
        }
        Run fine = bulwark("-d", snap.toString(), clean.toString(), body.toString());
        assertEquals(1, fine.rc(), fine.err()); // the damaged signature is never needed: an ordinary scan
        assertTrue(fine.out().contains(body + ": T.Body.UNOFFICIAL FOUND") && fine.out().contains(clean + ": OK"), fine.out());
        String damage = "ERROR: " + snap + ": error: invalid snapshot: logical signature 0: bad boolean at byte ";
        // with one thread the clean file is scanned before the damage is met; with two its scan may end after,
        // and then fails too (the engine fails every scan that ends once the damage is known)
        for (List<String> form : List.of(List.of("--threads=1", clean.toString(), hit.toString(), body.toString()),
                List.of("--threads=1", clean.toString(), gz.toString(), body.toString()), // met inside a member
                List.of("--threads=1", "--json", clean.toString(), hit.toString(), body.toString()),
                List.of("--threads=2", clean.toString(), gz.toString(), body.toString()))) {
            Run b = malformedDatabase(snap, form, damage);
            assertTrue(!b.out().contains(body.toString()) && !b.out().contains("SCAN SUMMARY"), form + "\n" + b.out());
            if (form.get(0).equals("--threads=1")) assertTrue(b.out().contains(clean.toString()), form + "\n" + b.out());
        }
        if (new ProcessBuilder("clamscan", "--version").start().waitFor() != 0) return; // the rest compares with clamscan
        Path broken = Files.writeString(tmp.resolve("broken.ldb"), "Broken;Engine:51-255,Target:0;0&1;zz;\n");
        Run c = clamscan("-d", broken.toString(), clean.toString());
        assertEquals(2, c.rc());
        assertTrue(c.err().endsWith("ERROR: Malformed database\n"), c.err());
    }

    /** Scans FORM with the snapshot; asserts it ends as a malformed database naming DAMAGE (exit 2, no Java names). */
    private static Run malformedDatabase(Path snap, List<String> form, String damage) throws Exception {
        List<String> args = new ArrayList<>(List.of("-d", snap.toString()));
        args.addAll(form);
        Run b = bulwark(args.toArray(new String[0]));
        assertEquals(2, b.rc(), form + "\n" + b.out() + b.err());
        assertTrue(b.err().contains(damage) && b.err().endsWith("ERROR: Malformed database\n"), form + "\n" + b.err());
        assertTrue(!(b.out() + b.err()).contains("java.") && !(b.out() + b.err()).contains("Exception"), b.out() + b.err());
        return b;
    }

    /**
     * The same for a body pattern damaged behind a valid checksum (decoded when a scan first finds a candidate for
     * it): the scan that meets it ends as for a malformed database (exit 2, no Java class name), where it once came
     * out clean; the scan of a file before it stands.
     */
    @Test
    void aDamagedSnapshotBodyPatternEndsTheScanAsAMalformedDatabase(@TempDir Path tmp) throws Exception {
        Path snap = dev.bulwark.cli.db.DamagedSnapshot.writeWithDamagedBody(tmp);
        Path clean = Files.writeString(tmp.resolve("clean.txt"), "just some ordinary text\n");
        Path body = Files.writeString(tmp.resolve("body.txt"), dev.bulwark.cli.db.DamagedSnapshot.BODY);
        // (pattern 2: the logical signature's two subsignatures come first)
        String damage = "ERROR: " + snap + ": error: invalid snapshot: body pattern 2: inconsistent pattern: element tag 9";
        for (List<String> form : List.of(List.of("--threads=1", clean.toString(), body.toString()),
                List.of("--threads=1", "--json", clean.toString(), body.toString()))) {
            Run b = malformedDatabase(snap, form, damage);
            assertTrue(!b.out().contains(body.toString()) && b.out().contains(clean.toString()), form + "\n" + b.out());
        }
    }

    @Test
    void unknownOptionExits2() {
        Run b = bulwark("--no-such-option", ".");
        assertEquals(2, b.rc());
        assertTrue(b.err().contains("no-such-option"));
    }

    @Test
    void jsonLinesCarryDetectionsAndHashes(@TempDir Path tmp) throws Exception {
        Path t = tree(tmp);
        Run b = bulwark("--json", "-d", tmp.resolve("t.hdb").toString(), t.resolve("eicar.com").toString());
        assertEquals(1, b.rc());
        String line = b.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        assertTrue(line.contains("\"verdict\":\"infected\""), line);
        assertTrue(line.contains("\"name\":\"Eicar-Test-Signature.UNOFFICIAL\""), line);
        assertTrue(line.contains("\"sha256\":\"275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f\""), line);
    }

    @Test
    void jsonHashesAreThoseOfEveryFileScanned(@TempDir Path tmp) throws Exception {
        Path t = tree(tmp);
        Run b = bulwark("--json", "-r", "-d", tmp.resolve("t.ndb").toString(), t.toString());
        List<String> lines = b.out().lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(4, lines.size(), b.out());
        for (String line : lines) {
            String path = line.substring(line.indexOf("\"path\":\"") + 8, line.indexOf("\",\"size\""));
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(Path.of(path)));
            assertTrue(line.contains("\"sha256\":\"" + java.util.HexFormat.of().formatHex(sha) + "\""), line);
        }
    }

    /** The extraction tree names each extracted member with the SHA-256 of its bytes (zip → gzip → tar → file). */
    @Test
    void jsonTreeCarriesTheHashOfEveryExtractedMember(@TempDir Path tmp) throws Exception {
        Path t = tree(tmp);
        byte[] inner = "some member content that is long enough to be scanned\n".getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(zip)) {
            z.putNextEntry(new java.util.zip.ZipEntry("a.txt"));
            z.write(inner);
            z.closeEntry();
        }
        Path f = Files.write(tmp.resolve("m.zip"), zip.toByteArray());
        Run b = bulwark("--json", "-d", tmp.resolve("t.ndb").toString(), f.toString());
        String line = b.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        String want = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(inner));
        assertTrue(line.contains("\"path\":\"" + f + "//a.txt\",\"type\":\"CL_TYPE_TEXT_ASCII\",\"size\":" + inner.length
                + ",\"sha256\":\"" + want + "\""), line);
        // without --json nothing is hashed for the tree
        assertEquals(null, dev.bulwark.engine.Engine.load(List.of(tmp.resolve("t.ndb")), dev.bulwark.engine.LoadOptions.defaults())
                .scan(f, dev.bulwark.engine.ScanOptions.defaults()).tree().children().get(0).sha256());
    }

    @Test
    void summaryCountsAndDatabases(@TempDir Path tmp) throws Exception {
        Path t = tree(tmp);
        Run b = bulwark("-r", "-d", tmp.resolve("t.ndb").toString(), t.toString());
        assertTrue(b.out().contains("Known viruses: 1"), b.out());
        assertTrue(b.out().contains("Scanned directories: 2"), b.out());
        assertTrue(b.out().contains("Scanned files: 3"), b.out());
        assertTrue(b.out().contains("Infected files: 1"), b.out());
        assertTrue(b.out().contains("t.ndb (1 signatures)"), b.out());
    }

    @Test
    void symlinkLoopsEndAndSpecialFilesAreReported(@TempDir Path tmp) throws Exception {
        Path t = tree(tmp);
        Files.createSymbolicLink(t.resolve("sub/loop"), t);
        Files.createSymbolicLink(t.resolve("dangling"), tmp.resolve("nowhere"));
        Run b = bulwark("--no-summary", "-r", "--follow-dir-symlinks=2", "--follow-file-symlinks=2",
                "-d", tmp.resolve("t.ndb").toString(), t.toString());
        assertEquals(1, b.rc(), b.out() + b.err());
        assertEquals(1, b.out().lines().filter(l -> l.endsWith("hello.bin: Hello.Test.UNOFFICIAL FOUND")).count(), b.out());
        Path fifo = tmp.resolve("fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        Run f = bulwark("--no-summary", "-d", tmp.resolve("t.ndb").toString(), fifo.toString());
        assertEquals(2, f.rc());
        assertTrue(f.err().contains("Not supported file type"), f.err());
    }

    @Test
    void stdinIsScannedAsStdin(@TempDir Path tmp) throws Exception {
        tree(tmp);
        java.io.InputStream saved = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("xxxxhelloxxxx".getBytes(StandardCharsets.US_ASCII)));
            Run b = bulwark("--no-summary", "-d", tmp.resolve("t.ndb").toString(), "-");
            assertEquals(1, b.rc());
            assertTrue(b.out().contains("stdin: Hello.Test.UNOFFICIAL FOUND"), b.out());
        } finally {
            System.setIn(saved);
        }
    }
}
