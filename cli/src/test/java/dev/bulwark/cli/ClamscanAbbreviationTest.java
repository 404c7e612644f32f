package dev.bulwark.cli;

import static dev.bulwark.cli.ScanCommandTest.bulwark;
import static dev.bulwark.cli.ScanCommandTest.clamscan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.cli.ScanCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Abbreviated long options, as clamscan 1.4.6's getopt_long reads them: an unambiguous prefix stands for its option
 * (--no-summ, --datab=X, --datab X, --recur), a prefix several options share is refused as ambiguous (--max,
 * --unz, --max-file), an exact name wins over longer ones (--max-files). Before, every abbreviation was an unknown
 * option: exit 2 where clamscan scanned.
 */
class ClamscanAbbreviationTest {

    @Test
    void prefixesStandForTheirOption() throws Exception {
        assertEquals("no-summary", ClamscanOptions.longName("no-summ"));
        assertEquals("database", ClamscanOptions.longName("datab"));
        assertEquals("recursive", ClamscanOptions.longName("recur"));
        assertEquals("max-files", ClamscanOptions.longName("max-files"));
        assertEquals("max-filesize", ClamscanOptions.longName("max-filesi"));
        assertEquals("bogus", ClamscanOptions.longName("bogus")); // unknown: reported as before
        for (String amb : List.of("max", "unz", "max-file", "no", "d")) {
            assertThrows(ClamscanOptions.UsageException.class, () -> ClamscanOptions.longName(amb), amb);
        }
    }

    /** Where the probes run: `--log=1`, `--move=1` and friends name a file in the working directory. */
    @TempDir
    static Path probeDir;

    private static String clamscanReads(String prefix) throws Exception {
        Process p = new ProcessBuilder("clamscan", "--" + prefix + "=1", "-d", "/nonexistent", "/nonexistent")
                .directory(probeDir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        Run r = new Run(p.exitValue(), "", err);
        if (r.err().contains("is ambiguous")) return "ambiguous";
        if (r.err().contains("unrecognized option") || r.err().contains("Unknown option")) return "unknown";
        return "known";
    }

    private static String bulwarkReads(String prefix) {
        try {
            String n = ClamscanOptions.longName(prefix);
            return java.util.Arrays.binarySearch(ClamscanOptions.CLAMSCAN_LONG, n) >= 0 ? "known" : "unknown";
        } catch (ClamscanOptions.UsageException e) {
            return "ambiguous";
        }
    }

    /** Every name, its shortest unique prefix and the prefix one shorter: read as clamscan reads them. */
    @Test
    void theTableIsClamscans() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        TreeSet<String> probes = new TreeSet<>();
        for (String n : ClamscanOptions.CLAMSCAN_LONG) {
            probes.add(n);
            for (int k = 1; k < n.length(); k++) {
                String p = n.substring(0, k);
                if (!bulwarkReads(p).equals("ambiguous")) {
                    probes.add(p);
                    if (k > 1) probes.add(n.substring(0, k - 1));
                    break;
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        for (String p : probes) {
            String c = clamscanReads(p), b = bulwarkReads(p);
            if (!c.equals(b)) wrong.add("--" + p + ": clamscan " + c + ", bulwark " + b);
        }
        assertTrue(probes.size() > 250, "probes: " + probes.size());
        assertEquals(List.of(), wrong);
    }

    @Test
    void abbreviatedCommandLinesScanAsClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        ScanCommandTest.EicarTree fx = ScanCommandTest.EicarTree.in(tmp);
        Path tree = fx.tree();
        String db = fx.db();
        String dir = tree.toString();
        List<List<String>> forms = List.of(List.of("--no-summ", "--datab=" + db, "--recur", dir),
                List.of("--no-summary", "--datab", db, "--recur", "--infec", dir),
                List.of("--no-summary", "-d", db, "--max-filesi=1", dir), List.of("--no-summary", "-d", db, "--max", dir),
                List.of("--no-summary", "-d", db, "--max-file=1", dir), List.of("--no-summary", "-d", db, "--unz", dir));
        for (List<String> form : forms) {
            String[] a = form.toArray(String[]::new);
            Run c = clamscan(a), b = bulwark(a);
            String what = form + "\nclamscan: " + c + "\nbulwark: " + b;
            assertEquals(c.rc(), b.rc(), what);
            assertEquals(c.out().lines().filter(l -> l.startsWith("/")).toList(),
                    b.out().lines().filter(l -> l.startsWith("/")).toList(), what);
            if (c.err().contains("Can't parse command line options")) {
                List<String> ce = c.err().lines().toList(), be = b.err().lines().toList();
                assertEquals(ce.subList(ce.size() - 2, ce.size()), be.subList(be.size() - 2, be.size()), what);
            }
        }
    }
}
