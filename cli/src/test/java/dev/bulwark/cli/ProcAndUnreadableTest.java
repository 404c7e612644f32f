package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of /proc are "Excluded (/proc)" as in clamscan (Bulwark read them: "/proc/1/environ: Access denied ERROR",
 * exit 2 for 'scan -r /'), and a directory that cannot be opened counts as an error, not as a scanned directory
 * (exit code 0 and "Scanned directories: 1" for a scan that read nothing). /proc/1/task/1/fdinfo cannot be opened
 * without ptrace rights; where it can, both list the same. Against clamscan: result lines, the summary's
 * directory and error counts, exit codes.
 */
class ProcAndUnreadableTest {
    @TempDir
    Path tmp;

    private static Set<String> view(String out) {
        Set<String> s = new TreeSet<>();
        for (String l : out.split("\n")) {
            if (l.startsWith("Scanned directories") || l.startsWith("Total errors") || l.startsWith("/proc/")) s.add(l);
        }
        return s;
    }

    @Test
    void procFilesAndUnreadableDirectoriesAsClamscan() throws Exception {
        ClamscanCases.assumeClamscan();
        assumeTrue(Files.isDirectory(Path.of("/proc/1/task/1")));
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        for (String[] args : new String[][] {{"/proc/1/environ", "/proc/version"}, {"-r", "/proc/sys/kernel/random"},
                {"-r", "/proc/1/task/1/fdinfo"}, {"-r", "-i", "/proc/sys/kernel/random"}}) {
            String[] a = new String[args.length + 2];
            a[0] = "-d";
            a[1] = db;
            System.arraycopy(args, 0, a, 2, args.length);
            ScanCommandTest.Run c = ScanCommandTest.clamscan(a), b = ScanCommandTest.bulwark(a);
            assertEquals(view(c.out()), view(b.out()), String.join(" ", args));
            assertEquals(c.rc(), b.rc(), String.join(" ", args));
        }
    }
}
