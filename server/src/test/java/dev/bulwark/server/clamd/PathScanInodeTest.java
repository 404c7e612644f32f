package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.bulwark.server.FileDigest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * daemon11: the directory walk takes an entry's inode number (clamd's order) from the basic attributes' file key
 * instead of the unix view's attribute map; it must be the number the unix view reports, and anything it cannot
 * read must send the walk back to the unix view (-1).
 */
class PathScanInodeTest {
    @Test
    void inodeFromTheFileKeyIsTheUnixViewsInode(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("a"), "x");
        Path l = Files.createSymbolicLink(dir.resolve("l"), f);
        for (Path p : new Path[] {f, dir, l}) {
            Object key = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            long unix = ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
            assertEquals(unix, PathScan.inode(key), p.toString());
        }
        assertNotEquals(PathScan.inode(Files.readAttributes(f, BasicFileAttributes.class).fileKey()),
                PathScan.inode(Files.readAttributes(dir, BasicFileAttributes.class).fileKey()));
    }

    @Test
    void anUnknownKeyFallsBack() {
        assertEquals(-1, PathScan.inode(null));
        assertEquals(-1, PathScan.inode("(dev=803)"));
        assertEquals(-1, PathScan.inode("(dev=803,ino=)"));
        assertEquals(-1, PathScan.inode("(dev=803,ino=12x)"));
        assertEquals(-1, PathScan.inode("(dev=803,ino=99999999999999999999999)"));
        assertEquals(12, PathScan.inode("(dev=803,ino=12)"));
    }

    @Test
    void stampsCompareByTheirComponents() {
        Object key = "(dev=1,ino=2)";
        assertEquals(new FileDigest.Stamp(1, 2, key), new FileDigest.Stamp(1, 2, "(dev=1,ino=2)"));
        assertEquals(new FileDigest.Stamp(1, 2, key).hashCode(), new FileDigest.Stamp(1, 2, "(dev=1,ino=2)").hashCode());
        assertNotEquals(new FileDigest.Stamp(1, 2, key), new FileDigest.Stamp(1, 3, key));
        assertNotEquals(new FileDigest.Stamp(1, 2, key), new FileDigest.Stamp(2, 2, key));
        assertNotEquals(new FileDigest.Stamp(1, 2, key), new FileDigest.Stamp(1, 2, null));
        assertEquals(new FileDigest.Stamp(1, 2, null), new FileDigest.Stamp(1, 2, null));
    }
}
