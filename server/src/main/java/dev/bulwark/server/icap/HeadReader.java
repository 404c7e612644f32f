package dev.bulwark.server.icap;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Collects a header block ending in an empty line (CRLF CRLF, or bare LF LF), incrementally and bounded.
 * Used for the ICAP request head and for the encapsulated HTTP headers.
 */
public final class HeadReader {
    public enum Event { NEED_MORE, DONE, TOO_LARGE }

    private final int max;
    private byte[] buf = new byte[512];
    private int len;
    private int target = -1; // when >= 0: read exactly this many bytes (encapsulated headers have known length)

    public HeadReader(int max) {
        this.max = max;
    }

    /** Reads exactly {@code n} bytes instead of scanning for the blank line. */
    public void expect(int n) {
        target = n;
    }

    public void reset() {
        len = 0;
        target = -1;
    }

    public byte[] bytes() { return Arrays.copyOf(buf, len); }

    public Event next(ByteBuffer in) {
        while (in.hasRemaining()) {
            if (target >= 0 && len == target) return Event.DONE;
            if (len == max) return Event.TOO_LARGE;
            if (len == buf.length) buf = Arrays.copyOf(buf, Math.min(max, buf.length * 2));
            byte b = in.get();
            buf[len++] = b;
            if (target < 0 && b == '\n' && endsWithBlankLine()) return Event.DONE;
        }
        return target >= 0 && len == target ? Event.DONE : Event.NEED_MORE;
    }

    private boolean endsWithBlankLine() {
        if (len >= 2 && buf[len - 2] == '\n') return true;
        return len >= 4 && buf[len - 2] == '\r' && buf[len - 3] == '\n';
    }
}
