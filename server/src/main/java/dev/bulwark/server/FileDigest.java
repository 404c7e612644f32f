package dev.bulwark.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The identity of a file's contents as the clean-file cache checks it: size, modification time and
 * inode, taken before the engine's single read and compared after the scan. (The SHA-256 itself comes
 * from that read: {@code Engine.scan(Path, ScanOptions, DigestCheck)}.)
 */
public final class FileDigest {
    /** Size, modification time and file key (device and inode) of one file. */
    public record Stamp(long size, long mtimeNanos, Object fileKey) {
        // (daemon11) written out: the record's generated equals is bootstrapped through method handles at its first
        // call (~0.5% of a fresh daemon's first MULTISCAN); the same comparison
        @Override
        public boolean equals(Object o) {
            return o instanceof Stamp s && size == s.size && mtimeNanos == s.mtimeNanos && java.util.Objects.equals(fileKey, s.fileKey);
        }

        @Override
        public int hashCode() {
            return (Long.hashCode(size) * 31 + Long.hashCode(mtimeNanos)) * 31 + java.util.Objects.hashCode(fileKey);
        }
    }

    private FileDigest() {}

    static Stamp stamp(Path file) throws IOException {
        return stamp(Files.readAttributes(file, BasicFileAttributes.class));
    }

    /** The stamp of attributes already read (a directory walk's stat, taken before the file is read). */
    public static Stamp stamp(BasicFileAttributes a) {
        return new Stamp(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.fileKey());
    }
}
