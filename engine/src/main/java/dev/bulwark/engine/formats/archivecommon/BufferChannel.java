package dev.bulwark.engine.formats.archivecommon;

import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** A read-only seekable channel over a layer buffer, for libraries that want random access (7z). */
public final class BufferChannel implements SeekableByteChannel {
    private final ByteBuffer buf;
    private long position;
    private boolean open = true;

    public BufferChannel(ByteBuffer b) { this.buf = b.duplicate().clear(); }

    @Override
    public int read(ByteBuffer dst) {
        if (position >= buf.limit()) return -1;
        int n = (int) Math.min(dst.remaining(), buf.limit() - position);
        dst.put(dst.position(), buf, (int) position, n);
        dst.position(dst.position() + n);
        position += n;
        return n;
    }

    @Override public int write(ByteBuffer src) { throw new NonWritableChannelException(); }
    @Override public long position() { return position; }

    @Override
    public SeekableByteChannel position(long p) {
        if (p < 0) throw new IllegalArgumentException("negative position");
        position = p;
        return this;
    }

    @Override public long size() { return buf.limit(); }
    @Override public SeekableByteChannel truncate(long size) { throw new NonWritableChannelException(); }
    @Override public boolean isOpen() { return open; }
    @Override public void close() { open = false; }
}
