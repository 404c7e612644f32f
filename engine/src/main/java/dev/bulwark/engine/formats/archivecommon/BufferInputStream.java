package dev.bulwark.engine.formats.archivecommon;

import java.io.InputStream;
import java.nio.ByteBuffer;

/** An input stream over a buffer's {@code [position, limit)} that never copies the buffer. */
public final class BufferInputStream extends InputStream {
    private final ByteBuffer buf;

    public BufferInputStream(ByteBuffer b) { this.buf = b.duplicate(); }

    /** The bytes not read yet (a view, not a copy). */
    public ByteBuffer rest() { return buf.slice(); }

    /** Bytes consumed so far (relative to the position the stream started at). */
    public int position() { return buf.position(); }

    @Override public int read() { return buf.hasRemaining() ? buf.get() & 0xff : -1; }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) return 0;
        if (!buf.hasRemaining()) return -1;
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) {
        int k = (int) Math.max(0, Math.min(n, buf.remaining()));
        buf.position(buf.position() + k);
        return k;
    }

    @Override public int available() { return buf.remaining(); }
}
