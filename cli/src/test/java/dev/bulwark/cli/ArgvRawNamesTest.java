package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File names given as command-line arguments that are not valid in the locale's encoding (a Latin-1 name under a
 * UTF-8 locale, any non-ASCII name under LANG=C): the JVM decodes argv before main, so such a name reached the scan
 * as U+FFFD or '?' and the file was reported missing (or the scan died of an InvalidPathException under LANG=C),
 * while clamscan scans the file its bytes name and prints them as they are. Each case runs clamscan and a separate
 * JVM (the CLI's classes through {@code java -cp}, and the real launcher bin/bulwark when its jar is up to date) in
 * a shell that makes the names from bytes, under LC_ALL=C.UTF-8 and LC_ALL=C, and compares the output bytes.
 */
class ArgvRawNamesTest {
    @TempDir
    Path tmp;

    /** The shell's set-up: names made of bytes (\xE9 is Latin-1 é, \xC3\xA9 UTF-8 é, \xFF\xFE no text at all). */
    private static final String SETUP = "cp eicar.src $'lat\\xe9.com'; cp eicar.src $'caf\\xc3\\xa9.com'; printf clean > $'bad\\xff\\xfe.txt';"
            + " mkdir -p $'dir\\xe9' $'q\\xe9' $'db\\xe9'; cp eicar.src $'dir\\xe9/in\\xe9.com'; printf clean > $'dir\\xe9/ok\\xff.txt';"
            + " cp t.hdb $'db\\xe9/t.hdb'; cp eicar.src $'mv\\xe9.com'; printf clean > plain.txt;";

    /** The cases: arguments after the command (shell words), and whether the output is compared as sorted lines. */
    private static final String[][] CASES = {
        {"--no-summary -d t.hdb $'lat\\xe9.com' $'caf\\xc3\\xa9.com' $'bad\\xff\\xfe.txt' plain.txt $'missing\\xe9'", ""},
        {"--no-summary -d t.hdb -r $'dir\\xe9'", "sorted"}, // (bulwark lists a directory sorted, clamscan as readdir does)
        {"--no-summary -d $'db\\xe9' --copy=$'q\\xe9' $'mv\\xe9.com'", ""},
    };

    @Test
    void namesNotValidInTheLocaleAreScannedAndPrintedAsClamscanDoes() throws Exception {
        ClamscanCases.assumeClamscan();
        Files.writeString(tmp.resolve("eicar.src"), ClamscanCases.EICAR);
        Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<List<String>> bulwarks = new ArrayList<>();
        bulwarks.add(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "dev.bulwark.cli.Main", "scan"));
        // the real launcher too, when its jar holds these classes (mvn package ran after the last compile)
        Path jar = LauncherFixture.LAUNCHER.getParent().resolveSibling("cli/target/bulwark-cli.jar");
        Path compiled = LauncherFixture.LAUNCHER.getParent().resolveSibling("cli/target/classes/dev/bulwark/cli/ScanCommand.class");
        if (Files.isRegularFile(jar) && Files.isRegularFile(compiled)
                && Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(compiled)) >= 0) {
            bulwarks.add(List.of("bash", LauncherFixture.LAUNCHER.toString(), "scan"));
        }
        int found = 0;
        for (String locale : new String[] {"C.UTF-8", "C"}) {
            for (String[] c : CASES) {
                byte[][] want = run(locale, List.of("clamscan"), c[0]);
                for (List<String> b : bulwarks) {
                    byte[][] got = run(locale, b, c[0]);
                    String what = locale + " " + b.get(1) + " " + c[0] + "\n" + new String(got[1], StandardCharsets.ISO_8859_1);
                    if (c[1].isEmpty()) {
                        assertArrayEquals(want[0], got[0], what + "\nclamscan: " + new String(want[0], StandardCharsets.ISO_8859_1)
                                + "\nbulwark: " + new String(got[0], StandardCharsets.ISO_8859_1));
                    } else {
                        assertEquals(sortedLines(want[0]), sortedLines(got[0]), what);
                    }
                    assertEquals(new String(want[1], StandardCharsets.ISO_8859_1), new String(got[1], StandardCharsets.ISO_8859_1), what);
                    assertEquals(new String(want[2], StandardCharsets.ISO_8859_1), new String(got[2], StandardCharsets.ISO_8859_1), what);
                    found += new String(got[0], StandardCharsets.ISO_8859_1).split("\u00e9\\.com: Eicar-Test-Signature\\.UNOFFICIAL FOUND", -1).length - 1;
                }
            }
        }
        // lat\xE9.com, caf\xC3\xA9.com (its last byte is \xA9: not counted), dir\xE9/in\xE9.com, mv\xE9.com: 3 per run
        assertEquals(3 * 2 * bulwarks.size(), found);
    }

    /** bulwark's CLI in a separate JVM: {@code java -cp ... Main COMMAND}. */
    private static List<String> javaMain(String command) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "dev.bulwark.cli.Main", command);
    }

    /**
     * {@code bulwark yara} as yara 4.2.3: a rule file, a target file, a directory's entries and a --scan-list's lines named
     * by bytes that are not valid in the locale are read, and their names printed byte for byte (the JVM's argv named
     * no file: "error: could not open file: r\uFFFD.yar", or "r?.yar" under LANG=C).
     */
    @Test
    void yaraNamesNotValidInTheLocaleAreReadAndPrintedAsYaraDoes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/yara")));
        Files.writeString(tmp.resolve("eicar.src"), ClamscanCases.EICAR);
        Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB);
        Files.writeString(tmp.resolve("r.src"), "rule eicar { strings: $a = \"EICAR-STANDARD\" condition: $a }\n");
        String setup = "cp r.src $'r\\xe9.yar'; printf \"lat\\xe9.com\\ndir\\xe9/in\\xe9.com\\n\" > $'list\\xe9';";
        String[] cases = {"$'r\\xe9.yar' $'lat\\xe9.com'", "-c $'r\\xe9.yar' $'dir\\xe9'", "$'r\\xe9.yar' $'dir\\xe9/'", "-s $'r\\xe9.yar' $'caf\\xc3\\xa9.com'",
            "--scan-list $'r\\xe9.yar' $'list\\xe9'", "$'r\\xe9.yar' $'missing\\xe9'", "$'nor\\xe9.yar' plain.txt"};
        for (String locale : new String[] {"C.UTF-8", "C"}) {
            for (String c : cases) {
                byte[][] want = run(locale, List.of("yara"), setup, c);
                byte[][] got = run(locale, javaMain("yara"), setup, c);
                String what = locale + " " + c;
                assertEquals(sortedLines(want[0]), sortedLines(got[0]), what); // (yara lists a directory as readdir does)
                assertEquals(new String(want[1], StandardCharsets.ISO_8859_1), new String(got[1], StandardCharsets.ISO_8859_1), what);
                assertEquals(new String(want[2], StandardCharsets.ISO_8859_1), new String(got[2], StandardCharsets.ISO_8859_1), what);
            }
        }
    }

    /**
     * {@code bulwark db compile -d/-o} and {@code info} with names that are not valid in the locale: the sources and the
     * snapshot of exactly those bytes, the names printed as given, the recorded sources found again (not "missing").
     */
    @Test
    void dbNamesNotValidInTheLocale() throws Exception {
        Files.writeString(tmp.resolve("eicar.src"), ClamscanCases.EICAR);
        Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB);
        for (String locale : new String[] {"C.UTF-8", "C"}) {
            byte[][] c = run(locale, javaMain("db"), "rm -rf *.bsnap $'sn\\xe9'; mkdir $'sn\\xe9'; cp t.hdb $'sn\\xe9';",
                    "compile -d $'sn\\xe9' -o $'o\\xe9.bsnap'"); // (SETUP rewrites db\xe9: the snapshot would be stale)
            String out = new String(c[0], StandardCharsets.ISO_8859_1);
            assertTrue(out.startsWith("o\u00e9.bsnap: 1 signatures, "), locale + ": " + out + new String(c[1], StandardCharsets.ISO_8859_1));
            try (var l = Files.list(tmp)) { // the file of exactly those bytes
                assertTrue(l.anyMatch(p -> java.util.Arrays.equals(dev.bulwark.engine.RawNames.bytes(dev.bulwark.engine.RawNames.fileName(p)),
                        "o\u00e9.bsnap".getBytes(StandardCharsets.ISO_8859_1))), locale);
            }
            byte[][] i = run(locale, javaMain("db"), "info $'o\\xe9.bsnap'");
            String info = new String(i[0], StandardCharsets.ISO_8859_1);
            assertEquals("0\n", new String(i[2], StandardCharsets.ISO_8859_1), info + new String(i[1], StandardCharsets.ISO_8859_1));
            assertTrue(info.startsWith("File:               o\u00e9.bsnap\n"), info);
            assertTrue(info.contains("/sn\u00e9/t.hdb  "), info);
            assertTrue(info.contains("Status:             up to date\n"), info);
        }
    }

    /** Runs {@code cmd ARGS} in tmp (after the set-up, each time afresh) under LC_ALL=locale: stdout, stderr, exit code. */
    private byte[][] run(String locale, List<String> cmd, String args) throws Exception {
        return run(locale, cmd, "", args);
    }

    /** As {@link #run(String, List, String)}, after {@code setup} too. */
    private byte[][] run(String locale, List<String> cmd, String setup, String args) throws Exception {
        String script = "cd \"$1\" && rm -rf $'q\\xe9' && " + SETUP + setup + " shift; export LC_ALL=" + locale + " LANG=" + locale
                + "; \"$@\" " + args + " > out 2> err; echo $? > rc";
        List<String> pb = new ArrayList<>(List.of("bash", "-c", script, "bash", tmp.toString()));
        pb.addAll(cmd);
        ProcessBuilder b = new ProcessBuilder(pb).redirectErrorStream(true);
        b.environment().put("BULWARK_AOT", "off"); // no cache training started by a test
        b.environment().remove("BULWARK_DRY_RUN");
        Process p = b.start();
        byte[] shell = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(shell, StandardCharsets.ISO_8859_1));
        return new byte[][] {Files.readAllBytes(tmp.resolve("out")), Files.readAllBytes(tmp.resolve("err")), Files.readAllBytes(tmp.resolve("rc"))};
    }

    private static List<String> sortedLines(byte[] b) {
        List<String> l = new ArrayList<>(Arrays.asList(new String(b, StandardCharsets.ISO_8859_1).split("\n")));
        l.sort(null);
        return l;
    }
}
