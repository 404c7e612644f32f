package dev.bulwark.engine.db.snapshot;

import dev.bulwark.engine.match.FlatIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * A {@link FlatIO.Writer} that streams to a file through a small buffer, in the layout of
 * {@link dev.bulwark.engine.match.FlatBuffers.Out}. A snapshot of a large database is hundreds of
 * megabytes: built in memory it doubled the compiler's peak (the growing buffer and its copies), and the
 * buffer views of the hash tables were copied into arrays once more before being written.
 */
final class FileOut implements FlatIO.Writer {
    /** Staging buffer: large enough that writes are few, small next to any table it carries. */
    static final int BUFFER = 1 << 20;
    private final FileChannel ch;
    private final ByteBuffer b = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    /** Writes from the channel's current position on. */
    FileOut(FileChannel ch) {
        this.ch = ch;
    }

    /** Bytes written so far (flushed or not). */
    long size() {
        return written + b.position();
    }

    /** Writes out what is buffered. */
    void flush() {
        b.flip();
        try {
            while (b.hasRemaining()) written += ch.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        b.clear();
    }

    private void need(int n) {
        if (b.remaining() < n) flush();
    }

    @Override public void i32(int v) { need(4); b.putInt(v); }
    @Override public void i64(long v) { need(8); b.putLong(v); }
    @Override public void bool(boolean v) { need(1); b.put((byte) (v ? 1 : 0)); }

    @Override public void bytes(byte[] a) {
        bytes(ByteBuffer.wrap(a));
    }

    @Override public void bytes(ByteBuffer v) {
        int n = v.limit();
        i32(n);
        for (int at = 0; at < n; ) {
            if (!b.hasRemaining()) flush();
            int k = Math.min(n - at, b.remaining());
            b.put(v.slice(at, k));
            at += k;
        }
    }

    @Override public void ints(int[] a) {
        ints(IntBuffer.wrap(a));
    }

    @Override public void ints(IntBuffer v) {
        int n = v.limit();
        i32(n);
        for (int i = 0; i < n; i++) {
            need(4);
            b.putInt(v.get(i));
        }
    }

    @Override public void longs(long[] a) {
        longs(LongBuffer.wrap(a));
    }

    @Override public void longs(LongBuffer v) {
        int n = v.limit();
        i32(n);
        for (int i = 0; i < n; i++) {
            need(8);
            b.putLong(v.get(i));
        }
    }

    @Override public void string(String s) { bytes(s.getBytes(StandardCharsets.UTF_8)); }
}
