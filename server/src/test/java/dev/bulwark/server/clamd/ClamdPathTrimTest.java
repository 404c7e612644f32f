package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path arguments as clamd's cli_ftw trims them (repeated leading slashes, trailing slashes) before ExcludePath,
 * stat and the replies ("//dir" escaped an ExcludePath '^/dir', "SCAN " scanned the daemon's working directory),
 * and links in a walk as cli_ftw reads them: not followed, a link is dropped before ExcludePath (no "Excluded");
 * with Follow*Symlinks, a dangling one is a "File path check failure". Replies compared with the real clamd.
 */
class ClamdPathTrimTest {
    @TempDir Path tmp;

    private static TreeSet<String> replies(byte[] b) {
        return new TreeSet<>(Arrays.asList(new String(b, StandardCharsets.UTF_8).split("\0")));
    }

    private void compare(Fixtures fx, String config, List<String> commands) throws Exception {
        Path cd = Files.createDirectories(tmp.resolve("clamd" + config.hashCode())), bd = Files.createDirectories(tmp.resolve("bw" + config.hashCode()));
        try (RealClamd clamd = new RealClamd(cd, fx.db, config); TestDaemon bw = new TestDaemon(bd, fx.db, config)) {
            for (String c : commands) {
                byte[] req = ("z" + c + "\0").getBytes(StandardCharsets.UTF_8);
                assertEquals(replies(RealClamd.exchange(clamd.port, req, 10_000)), replies(RealClamd.exchange(bw.port(), req, 10_000)), config + " / " + c);
            }
        }
    }

    @Test
    void pathArgumentsAndLinksAsClamd() throws Exception {
        assumeTrue(RealClamd.available());
        Fixtures fx = new Fixtures(tmp);
        Path f = fx.files;
        Files.createSymbolicLink(f.resolve("flink"), f.resolve("eicar.com"));
        Files.createSymbolicLink(f.resolve("dlink"), f.resolve("sub"));
        Files.createSymbolicLink(f.resolve("dang"), f.resolve("nowhere"));
        String exclude = "ExcludePath ^" + f + "/sub$\nExcludePath link$\nExcludePath /dang$\n";
        compare(fx, exclude, List.of("CONTSCAN " + f, "CONTSCAN /" + f, "CONTSCAN " + f + "/sub/", "CONTSCAN /" + f + "/sub//",
                "MULTISCAN /" + f + "/", "SCAN /" + f + "/eicar.com", "SCAN " + f + "/clean.txt//", "SCAN //" + f + "/nope/", "SCAN ", "SCAN //"));
        compare(fx, exclude + "FollowFileSymlinks yes\n", List.of("CONTSCAN " + f));
        compare(fx, "FollowFileSymlinks yes\nFollowDirectorySymlinks yes\n", List.of("CONTSCAN " + f, "CONTSCAN " + f + "/cleandir/"));
    }

    /**
     * Files of /proc are passed over as clamd's procdev check does (they were read: "/proc/1/environ: Access denied
     * ERROR"), and a directory that cannot be opened is "File path check failure: Permission denied. ERROR" (was
     * "Access denied. ERROR"); /proc/1/task/1/fdinfo cannot be opened without ptrace rights, and where it can, both
     * list the same.
     */
    @Test
    void procFilesAndUnreadableDirectoriesAsClamd() throws Exception {
        assumeTrue(RealClamd.available() && Files.isDirectory(Path.of("/proc/1/task/1")));
        Fixtures fx = new Fixtures(tmp);
        compare(fx, "", List.of("SCAN /proc/1/environ", "SCAN /proc/version", "CONTSCAN /proc/sys/kernel/random", "CONTSCAN /proc/1/task/1"));
    }

    /**
     * CrossFilesystems no as clamd: an entry whose file system differs from the named directory's (here a followed
     * link into /dev/shm, a tmpfs) is "Excluded (another filesystem)" (the option was accepted and ignored).
     */
    @Test
    void crossFilesystemsNoAsClamd() throws Exception {
        assumeTrue(RealClamd.available());
        Fixtures fx = new Fixtures(tmp);
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm)
                && !Files.getAttribute(shm, "unix:dev").equals(Files.getAttribute(fx.files, "unix:dev")));
        Path other = Files.createTempDirectory(shm, "bulwark-crossfs");
        try {
            Files.writeString(other.resolve("e.com"), Fixtures.EICAR, StandardCharsets.ISO_8859_1);
            Path d = Files.createDirectories(fx.files.resolve("cf"));
            Files.writeString(d.resolve("clean.txt"), "clean\n");
            Files.createSymbolicLink(d.resolve("dlink"), other);
            Files.createSymbolicLink(d.resolve("flink"), other.resolve("e.com"));
            compare(fx, "CrossFilesystems no\nFollowDirectorySymlinks yes\nFollowFileSymlinks yes\n", List.of("CONTSCAN " + d, "SCAN " + d));
            compare(fx, "CrossFilesystems yes\nFollowDirectorySymlinks yes\nFollowFileSymlinks yes\n", List.of("CONTSCAN " + d));
        } finally {
            Files.deleteIfExists(other.resolve("e.com"));
            Files.deleteIfExists(other);
        }
    }
}
