package dev.bulwark.cli;

import static dev.bulwark.cli.ScanCommandTest.bulwark;
import static dev.bulwark.cli.ScanCommandTest.clamscan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.cli.ScanCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (cli15) clamscan 1.4.6 walks a directory in readdir order (it reads all entries, then scans them in that order, not
 * sorted), so the order of its lines depends on the file system (ext4's hash order, tmpfs's reverse creation order)
 * but is the same for a given directory. Bulwark lists a directory the same way (Files.list is readdir), so its
 * lines come in clamscan's order on the same directory.
 */
class DirectoryOrderTest {
    @TempDir
    Path tmp;

    @Test
    void linesInClamscansOrder() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        String db = Files.writeString(tmp.resolve("t.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n").toString();
        Path dir = Files.createDirectory(tmp.resolve("d"));
        for (String n : List.of("zz", "aa", "mm", "bb", "k1", "q", "c0", "x9", "e", "ee")) Files.writeString(dir.resolve(n), n + " text\n");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        for (String n : List.of("b", "a", "c", "z", "y")) Files.writeString(sub.resolve(n), n + " text\n");
        List<String> listed = new ArrayList<>();
        try (var s = Files.newDirectoryStream(dir)) {
            for (Path p : s) listed.add(p.getFileName().toString());
        }
        assumeTrue(!listed.equals(listed.stream().sorted().toList()), "this file system lists the names sorted");
        for (List<String> opts : List.<List<String>>of(List.of("-r"), List.of("-r", "-v"), List.of())) {
            List<String> a = new ArrayList<>(List.of("--no-summary", "-d", db));
            a.addAll(opts);
            a.add(dir.toString());
            Run c = clamscan(a.toArray(String[]::new)), b = bulwark(a.toArray(String[]::new));
            assertEquals(c.out(), b.out(), String.join(" ", a));
            assertEquals(c.rc(), b.rc());
        }
    }
}
