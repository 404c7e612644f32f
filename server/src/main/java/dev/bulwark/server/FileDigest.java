package dev.bulwark.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of a file for the clean-file cache, with the size and modification time seen before reading. */
final class FileDigest {
    /** Read buffer: large enough for sequential throughput, small enough per concurrent scan. */
    private static final int CHUNK = 64 * 1024;

    record Stamp(long size, long mtimeNanos, Object fileKey) {}

    record Stamped(byte[] sha256, long size, Stamp stamp) {
        boolean sameAs(Stamp after) { return stamp.equals(after); }
    }

    private FileDigest() {}

    static Stamp stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.fileKey());
    }

    /** Hashes the file; the stamp is taken first, so a change during hashing or scanning shows as a stamp change. */
    static Stamped of(Path file) throws IOException {
        Stamp st = stamp(file);
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
        long n = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            int r;
            while ((r = ch.read(buf)) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
                n += r;
            }
        }
        return new Stamped(md.digest(), n, st);
    }
}
