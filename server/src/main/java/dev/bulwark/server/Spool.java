package dev.bulwark.server;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Collects a streamed object (INSTREAM, ICAP body, REST upload): the first {@link #MEMORY_LIMIT} bytes in
 * memory, the rest in a private temporary file, so many concurrent clients never hold whole bodies on
 * the heap. The caller bounds the total length; {@link #close()} deletes the file.
 */
public final class Spool implements Closeable {
    /** Per-stream heap budget: 500 concurrent streams cost at most 500 x this. */
    public static final int MEMORY_LIMIT = 128 * 1024;

    private final Path tempDir;
    private byte[] mem = new byte[4096];
    private int memLen;
    private Path file;
    private FileChannel channel;
    private long size;
    private final java.security.MessageDigest sha256 = newSha256();

    private static java.security.MessageDigest newSha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    private byte[] digest;

    /** SHA-256 of everything written, computed while streaming (call after the last write). */
    public byte[] sha256Bytes() {
        if (digest == null) digest = sha256.digest();
        return digest.clone();
    }

    /** {@link #sha256Bytes()} as lowercase hex. */
    public String sha256() {
        return java.util.HexFormat.of().formatHex(sha256Bytes());
    }

    public Spool(Path tempDir) {
        this.tempDir = tempDir;
    }

    public long size() { return size; }

    public void write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        sha256.update(src.duplicate());
        if (channel == null && memLen + n <= MEMORY_LIMIT) {
            if (memLen + n > mem.length) mem = Arrays.copyOf(mem, Math.min(MEMORY_LIMIT, Math.max(mem.length * 2, memLen + n)));
            src.get(mem, memLen, n);
            memLen += n;
        } else {
            if (channel == null) {
                file = Files.createTempFile(tempDir, "bulwark-stream-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                channel = FileChannel.open(file, StandardOpenOption.WRITE);
                channel.write(ByteBuffer.wrap(mem, 0, memLen));
                mem = null;
            }
            while (src.hasRemaining()) channel.write(src);
        }
        size += n;
    }

    public void write(byte[] b, int off, int len) throws IOException {
        write(ByteBuffer.wrap(b, off, len));
    }

    /** The collected bytes: in memory, or the temporary file (flushed). */
    public boolean inMemory() { return channel == null; }

    public ByteBuffer memory() { return ByteBuffer.wrap(mem, 0, memLen).asReadOnlyBuffer(); }

    public Path file() throws IOException {
        channel.force(false);
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            if (channel != null) channel.close();
        } finally {
            if (file != null) Files.deleteIfExists(file);
            mem = null;
        }
    }
}
