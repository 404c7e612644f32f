package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --log and --quiet as clamscan's logg(): --quiet silences the terminal, not the log (detections, "Symbolic link",
 * warnings, --move lines and the summary still go there); a new log is rw-r-----; a named path that cannot be
 * accessed makes the exit code 2 but is not one of the summary's "Total errors".
 */
class LogQuietTest {
    @TempDir
    Path tmp;

    /** The log's lines without those that differ by nature (versions, counts of signatures, times). */
    private static Set<String> comparable(String log, String from, String to) {
        Set<String> s = new TreeSet<>();
        for (String l : log.replace(from, to).split("\n")) {
            if (!l.matches("^(Known viruses|Engine version|Databases|Time|Start Date|End Date):.*")) s.add(l);
        }
        return s;
    }

    @Test
    void quietScanStillLogsAsClamscan() throws Exception {
        Path base = ClamscanCases.casesDir(tmp);
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        String[] logs = new String[2], outs = new String[2], errs = new String[2];
        int[] rcs = new int[2];
        for (int i = 0; i < 2; i++) {
            Path w = Files.createDirectories(base.resolve("w" + i)), t = Files.createDirectories(w.resolve("t")), q = Files.createDirectories(w.resolve("q"));
            Files.writeString(t.resolve("eicar.com"), ClamscanCases.EICAR);
            Files.writeString(t.resolve("clean.txt"), "nothing\n");
            Files.createSymbolicLink(t.resolve("dlink"), q);
            Path log = w.resolve("scan.log");
            String[] a = {"-r", "--quiet", "--log=" + log, "--move=" + q, "-d", db, t.toString(), w.resolve("missing").toString()};
            ScanCommandTest.Run r = i == 0 ? ScanCommandTest.clamscan(a) : ScanCommandTest.bulwark(a);
            logs[i] = Files.readString(log);
            outs[i] = r.out();
            errs[i] = r.err().replace(base + "/w" + i, "W");
            rcs[i] = r.rc();
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)), i == 0 ? "clamscan" : "bulwark");
        }
        assertEquals(outs[0], outs[1]);
        assertEquals("", outs[1]);
        assertEquals(errs[0], errs[1]);
        assertEquals(rcs[0], rcs[1]);
        assertEquals(comparable(logs[0], base + "/w0", "W"), comparable(logs[1], base + "/w1", "W"));
    }
}
