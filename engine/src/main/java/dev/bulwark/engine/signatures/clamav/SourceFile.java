package dev.bulwark.engine.signatures.clamav;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database file opened once and read by up to two threads: its parser and the load's fingerprint
 * ({@link LoadFingerprint}). Both read the same open file with positional reads, so they see the same
 * bytes even when the file is replaced (renamed over) meanwhile; the last user to {@link #release}
 * closes it.
 */
final class SourceFile {
    final Path path;
    final long size;
    private final FileChannel channel;
    private final AtomicInteger users;

    private SourceFile(Path path, FileChannel channel, long size, int users) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.users = new AtomicInteger(users);
    }

    /** Opens {@code p} for {@code users} readers, each of which must {@link #release} it once. */
    static SourceFile open(Path p, int users) throws IOException {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        try {
            return new SourceFile(p, ch, ch.size(), users);
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Reads into {@code b[off, off + len)} from {@code pos}; the bytes read, -1 at the end of the file. */
    int read(long pos, byte[] b, int off, int len) throws IOException {
        return channel.read(ByteBuffer.wrap(b, off, len), pos);
    }

    /**
     * The whole file: {@link #size} bytes, fewer when it ended early, more when it grew since it was
     * opened (read to its end, as {@code Files.readAllBytes} does), at most {@code max}.
     */
    byte[] readAll(long max) throws IOException {
        if (size > max) throw new IOException("file too large");
        byte[] b = new byte[(int) size];
        int have = 0;
        while (true) {
            if (have == b.length) {
                // at the expected end: anything more means the file grew
                byte[] probe = new byte[1];
                if (read(have, probe, 0, 1) <= 0) return b;
                if ((long) b.length + 1 > max) throw new IOException("file too large");
                b = Arrays.copyOf(b, (int) Math.min(max, Math.max(b.length * 2L, b.length + 8192L)));
                b[have++] = probe[0];
                continue;
            }
            int r = read(have, b, have, b.length - have);
            if (r < 0) return Arrays.copyOf(b, have);
            have += r;
        }
    }

    /** One reader is done; the last one closes the file. */
    void release() {
        if (users.decrementAndGet() == 0) {
            try {
                channel.close();
            } catch (IOException e) {
                // read-only: nothing was lost
            }
        }
    }
}
