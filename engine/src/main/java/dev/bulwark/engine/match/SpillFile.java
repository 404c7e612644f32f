package dev.bulwark.engine.match;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only byte store in a temporary file, for builders of large databases loaded from text: what
 * they would hold on the heap until the load ends (encoded patterns, signature names, sorted hash runs)
 * is written here instead, and then either read back once in order ({@link #reader}) or mapped as the
 * finished structure ({@link #map}), as a snapshot is mapped. Reads and writes go through small buffers
 * and positional channel calls, so the data lives in the page cache, not in the process; a mapping
 * makes only the pages a scan touches resident (clean file pages the kernel may drop). The file is
 * deleted as soon as it is open, so nothing is left behind whatever happens to the process; a mapping
 * keeps it alive until it is unmapped.
 */
public final class SpillFile implements Closeable {
    /** Bytes buffered before a write to the file. */
    private static final int WRITE_BUFFER = 256 << 10;
    /** Largest file {@link #map} takes (one mapping; larger stores stay unmapped). */
    static final long MAX_MAP = Integer.MAX_VALUE - 8;

    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(WRITE_BUFFER);
    private long flushed;

    private SpillFile(FileChannel ch) {
        this.ch = ch;
    }

    /** A new empty store; IOException when no temporary file can be made (callers then stay on the heap). */
    public static SpillFile open() throws IOException {
        return new SpillFile(tempChannel("bulwark-load"));
    }

    /** A read-write channel on a new temporary file that is already deleted (Linux keeps it while open). */
    static FileChannel tempChannel(String prefix) throws IOException {
        Path p = Files.createTempFile(prefix, ".tmp");
        try {
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                Files.delete(p);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return ch;
        } catch (IOException e) {
            Files.deleteIfExists(p);
            throw e;
        }
    }

    /** Bytes written so far. */
    public long size() {
        return flushed + buf.position();
    }

    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (!buf.hasRemaining()) flush();
            int k = Math.min(len, buf.remaining());
            buf.put(b, off, k);
            off += k;
            len -= k;
        }
    }

    /** Writes the remaining bytes of {@code b} (its position is left unchanged). */
    public void write(ByteBuffer b) {
        for (int at = b.position(); at < b.limit(); ) {
            if (!buf.hasRemaining()) flush();
            int k = Math.min(b.limit() - at, buf.remaining());
            buf.put(buf.position(), b, at, k);
            buf.position(buf.position() + k);
            at += k;
        }
    }

    private void flush() {
        buf.flip();
        try {
            while (buf.hasRemaining()) flushed += ch.write(buf, flushed);
        } catch (IOException e) {
            throw unchecked(e);
        }
        buf.clear();
    }

    /** Maps everything written (read-only, little-endian) and closes the file; the store is done. */
    public ByteBuffer map() {
        flush();
        try (ch) {
            if (flushed > MAX_MAP) throw new IOException("temporary file too large to map");
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, flushed).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw unchecked(e);
        }
    }

    /** Reads everything written, in order, through a buffer of {@code buffer} bytes. */
    public Reader reader(int buffer) {
        flush();
        return new Reader(buffer);
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            throw unchecked(e);
        }
    }

    private static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException("cannot use a temporary file: " + e.getMessage(), e);
    }

    /** Sequential reader over the written bytes. */
    public final class Reader {
        private final ByteBuffer in;
        private long pos;

        private Reader(int buffer) {
            in = ByteBuffer.allocate(buffer);
            in.limit(0);
        }

        /** Copies the next {@code len} bytes into {@code dst[off, off + len)}. */
        public void read(byte[] dst, int off, int len) {
            while (len > 0) {
                if (!in.hasRemaining()) fill();
                int k = Math.min(len, in.remaining());
                in.get(dst, off, k);
                off += k;
                len -= k;
            }
        }

        private void fill() {
            in.clear();
            in.limit((int) Math.min(in.capacity(), flushed - pos));
            try {
                if (!in.hasRemaining()) throw new IOException("read past the end");
                while (in.hasRemaining()) {
                    int r = ch.read(in, pos);
                    if (r < 0) throw new IOException("temporary file truncated");
                    pos += r;
                }
            } catch (IOException e) {
                throw unchecked(e);
            }
            in.flip();
        }
    }
}
