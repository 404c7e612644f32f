package dev.bulwark.cli;

import static dev.bulwark.cli.ScanCommandTest.bulwark;
import static dev.bulwark.cli.ScanCommandTest.clamscan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.cli.ScanCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single-letter options as clamscan 1.4.6 reads them (getopt): bundled flags (-ri, -vr), a valued letter (d, f, l)
 * at the end of a bundle taking the next argument (-rd X), or the rest of the argument (-dX, -rdX, -rlFILE), a
 * letter after a valued one being part of its value (-dr X: a database named "r"), an unknown letter or a
 * missing value refused, and -h printed only once every option has been read (-hx is an error). Each form runs
 * through clamscan and {@code bulwark scan}: same exit code, same result lines, same log file, and for a refused
 * command line the same last two lines of standard error.
 */
class BundledOptionsTest {

    /** The lines naming a scanned file (FOUND, OK, ERROR), in order: both scan one file with one thread. */
    private static List<String> results(String out) {
        return out.lines().filter(l -> l.startsWith("/")).toList();
    }

    @Test
    void bundlesAreAcceptedAndRefusedAsByClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        ScanCommandTest.EicarTree fx = ScanCommandTest.EicarTree.in(tmp);
        Path tree = fx.tree();
        String db = fx.db();
        String dir = tree.toString(), log = tmp.resolve("scan.log").toString();
        String list = Files.writeString(tmp.resolve("files.list"), tree.resolve("eicar.com") + "\n").toString();
        List<List<String>> forms = List.of(
                List.of("-rd", db, dir), List.of("-ri", "-d", db, dir), List.of("-vr", "-d", db, dir),
                List.of("-d" + db, dir), List.of("-rd" + db, dir), List.of("-rid", db, dir), List.of("-ird", db, dir),
                List.of("-rzo", "-d", db, dir), List.of("-rl", log, "-d", db, dir), List.of("-rl" + log, "-d", db, dir),
                List.of("-rf", list, "-d", db), List.of("-rf" + list, "-d", db),
                List.of("-dr", db, dir), List.of("-rdi", db, dir), List.of("-rd", "-r", dir), // the value is "r", "i", "-r"
                List.of("-rx", "-d", db, dir), List.of("-xr", "-d", db, dir), List.of("-rd"), List.of("-d", db, dir, "-l"),
                List.of("-rf"), List.of("-hx"), List.of("-h", "--bogus"), List.of("-rh"), List.of("-hr", "-d", db));
        Set<Integer> codes = new TreeSet<>();
        for (List<String> form : forms) {
            List<String> args = new ArrayList<>(List.of("--no-summary"));
            args.addAll(form);
            String[] a = args.toArray(String[]::new);
            Files.deleteIfExists(Path.of(log));
            Run c = clamscan(a);
            boolean clamLog = Files.exists(Path.of(log));
            Files.deleteIfExists(Path.of(log));
            Run b = bulwark(a);
            String what = form + "\nclamscan: " + c + "\nbulwark: " + b;
            assertEquals(c.rc(), b.rc(), what);
            codes.add(c.rc());
            assertEquals(clamLog, Files.exists(Path.of(log)), "the log file: " + what);
            if (c.rc() == 0 && c.out().contains("Clam AntiVirus: Scanner")) {
                assertTrue(b.out().startsWith("Usage: bulwark scan"), what); // the help
                continue;
            }
            assertEquals(results(c.out()), results(b.out()), what);
            if (c.err().contains("Can't parse command line options")) {
                List<String> ce = c.err().lines().toList(), be = b.err().lines().toList();
                assertTrue(be.size() >= 2, what);
                assertEquals(ce.subList(ce.size() - 2, ce.size()), be.subList(be.size() - 2, be.size()), what);
            }
        }
        assertEquals(Set.of(0, 1, 2), codes, "the forms cover help, detections and refusals");
    }
}
