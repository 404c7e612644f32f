package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory walk against clamscan's: which path --exclude/--include and --exclude-dir/--include-dir match
 * (a file by its real path, a directory by its name as printed), named paths' trailing slashes, the
 * "Symbolic link" lines of links not followed (to directories, dangling, named ones), and --max-dir-recursion's
 * count (a named directory is at depth 1). Output lines (as a set) and exit codes compared.
 */
class ClamscanWalkTest {
    @TempDir
    Path tmp;

    @Test
    void walkMatchesClamscan() throws Exception {
        Path w = ClamscanCases.casesDir(tmp), t = Files.createDirectories(w.resolve("t/sub"));
        t = t.getParent();
        Path other = Files.createDirectories(w.resolve("other"));
        Files.createDirectories(w.resolve("up"));
        Files.writeString(t.resolve("abc.com"), ClamscanCases.EICAR);
        Files.writeString(t.resolve("clean.txt"), "nothing here\n");
        Files.writeString(t.resolve("sub/deep.com"), ClamscanCases.EICAR);
        Files.writeString(other.resolve("real.bin"), ClamscanCases.EICAR);
        Files.createSymbolicLink(t.resolve("flink"), other.resolve("real.bin"));
        Files.createSymbolicLink(t.resolve("dlink"), other);
        Files.createSymbolicLink(t.resolve("dang"), w.resolve("nowhere"));
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString(), T = t.toString();
        List<String[]> cases = List.of(
                new String[] {"-r", T},
                new String[] {T},
                new String[] {"-r", "--follow-file-symlinks=2", T},
                new String[] {"-r", "--follow-dir-symlinks=2", "--follow-file-symlinks=2", T},
                new String[] {"-r", "--max-dir-recursion=1", T},
                new String[] {"-r", "--max-dir-recursion=0", T},
                new String[] {"-r", "--max-dir-recursion=1", "--exclude-dir=/sub$", T},
                new String[] {"--follow-file-symlinks=0", T + "/flink", T + "/abc.com"},
                new String[] {"-r", "--follow-dir-symlinks=0", T + "/dlink"},
                new String[] {"-r", T + "/dang"},
                new String[] {"-r", "--follow-dir-symlinks=0", "--follow-file-symlinks=0", T + "/dang"},
                new String[] {"-r", "--exclude-dir=/up/\\.\\./t$", w + "/up/../t"},
                new String[] {"-r", "--include-dir=/t$", T + "//"},
                new String[] {"-r", "--exclude-dir=/t$", T + "//"},
                new String[] {"-r", "--follow-dir-symlinks=2", "--exclude-dir=/t/dlink$", T},
                new String[] {"-r", "--follow-file-symlinks=2", "--exclude=/other/real\\.bin$", T},
                new String[] {"-r", "--exclude=flink$", T + "/flink"},
                new String[] {"-r", "--include=/other/", "--follow-file-symlinks=2", T});
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("--no-summary", "-d", db));
            args.addAll(Arrays.asList(c));
            String[] a = args.toArray(String[]::new);
            ScanCommandTest.Run clam = ScanCommandTest.clamscan(a), bw = ScanCommandTest.bulwark(a);
            String what = String.join(" ", c);
            assertEquals(ClamscanCases.lines(clam.out()), ClamscanCases.lines(bw.out()), what);
            assertEquals(clam.rc(), bw.rc(), what);
        }
    }
}
