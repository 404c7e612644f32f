package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --cross-fs=no as clamscan: a walk reports an entry on another file system than the named directory "Excluded"
 * (it was accepted and ignored: 'bulwark scan -r --cross-fs=no /' went into /proc, /sys and network mounts).
 * The other file system here is /dev/shm (tmpfs), reached through a followed directory link and as a mount
 * point under /dev.
 */
class CrossFsTest {
    @TempDir
    Path tmp;

    @Test
    void otherFileSystemsAreExcludedAsClamscanExcludesThem() throws Exception {
        Path d = ClamscanCases.casesDir(tmp);
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm)
                && !Files.getAttribute(shm, "unix:dev").equals(Files.getAttribute(d, "unix:dev")));
        Path other = Files.createTempDirectory(shm, "bulwark-crossfs");
        try {
            Files.writeString(other.resolve("eicar.com"), ClamscanCases.EICAR);
            Files.writeString(d.resolve("here.com"), ClamscanCases.EICAR);
            Files.createSymbolicLink(d.resolve("shm"), other);
            String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
            for (String[] args : new String[][] {
                    {"--no-summary", "-d", db, "-r", "--follow-dir-symlinks=2", "--cross-fs=no", d.toString()},
                    {"--no-summary", "-d", db, "-r", "--follow-dir-symlinks=2", "--cross-fs=yes", d.toString()},
                    {"--no-summary", "-d", db, "--cross-fs=no", "/dev"}}) {
                ScanCommandTest.Run c = ScanCommandTest.clamscan(args), b = ScanCommandTest.bulwark(args);
                assertEquals(ClamscanCases.lines(c.out()), ClamscanCases.lines(b.out()), String.join(" ", args));
                assertEquals(c.rc(), b.rc(), String.join(" ", args));
            }
            assertTrue(ScanCommandTest.bulwark("--no-summary", "-d", db, "-r", "--follow-dir-symlinks=2", "--cross-fs=no", d.toString())
                    .out().contains(d + "/shm/eicar.com: Excluded"));
        } finally {
            Files.deleteIfExists(other.resolve("eicar.com"));
            Files.deleteIfExists(other);
        }
    }
}
