package dev.bulwark.engine.formats.archivecommon;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Wraps a decoder so that corrupt input ends the member instead of failing the scan: the first
 * decoder error (checked or runtime) is remembered and reported as end of stream, so the bytes
 * decoded until then are still scanned, as ClamAV scans partially inflated members.
 */
public final class SafeStream extends FilterInputStream {
    private Throwable failure;

    public SafeStream(InputStream in) { super(in); }

    /** The error that ended decoding early, or null when the stream ended normally. */
    public Throwable failure() { return failure; }

    @Override
    public int read() throws IOException {
        if (failure != null) return -1;
        try {
            return super.read();
        } catch (IOException | RuntimeException | StackOverflowError e) {
            failure = e;
            return -1;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (failure != null) return -1;
        try {
            return in.read(b, off, len);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            failure = e;
            return -1;
        }
    }

    @Override
    public long skip(long n) {
        int k = (int) Math.max(0, Math.min(n, 8192));
        return Math.max(0, read(new byte[k], 0, k));
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException | RuntimeException e) {
            // closing a decoder over memory cannot lose data
        }
    }

    /** A short description of the failure for a note, or null. */
    public String describe() {
        return failure == null ? null : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
