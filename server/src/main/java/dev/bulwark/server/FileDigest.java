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
final class FileDigest {
    record Stamp(long size, long mtimeNanos, Object fileKey) {}

    private FileDigest() {}

    static Stamp stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.fileKey());
    }
}
