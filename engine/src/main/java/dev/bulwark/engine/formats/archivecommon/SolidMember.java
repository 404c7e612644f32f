package dev.bulwark.engine.formats.archivecommon;

import java.io.IOException;
import java.io.InputStream;

/**
 * One member's bytes inside a solid stream (members stored back to back in one decoded stream, as in NSIS solid
 * blocks and 7z folders): at most {@code size} bytes, the stream left open for the next member, and
 * {@link #skipRest} to move past what the scanner did not read. When the solid stream ends inside the member it
 * either ends the member early ({@code truncated == null}) or fails with {@code truncated} as the message.
 */
public final class SolidMember extends InputStream {
    private final InputStream solid;
    private final String truncated;
    private long left;

    public SolidMember(InputStream solid, long size, String truncated) {
        this.solid = solid;
        this.left = size;
        this.truncated = truncated;
    }

    @Override
    public int read() throws IOException {
        if (left <= 0) return -1;
        int c = solid.read();
        if (c < 0) return ended();
        left--;
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (left <= 0) return -1;
        int r = solid.read(b, off, (int) Math.min(len, left));
        if (r < 0) return ended();
        left -= r;
        return r;
    }

    private int ended() throws IOException {
        if (truncated != null) throw new IOException(truncated);
        return -1;
    }

    @Override
    public void close() {
        // the solid stream stays open for the next member
    }

    /** Skips what the scanner did not read; -1 when the solid stream ended first. */
    public long skipRest() throws IOException {
        byte[] sink = new byte[8192];
        while (left > 0) {
            if (read(sink, 0, (int) Math.min(sink.length, left)) < 0) return -1;
        }
        return 0;
    }
}
