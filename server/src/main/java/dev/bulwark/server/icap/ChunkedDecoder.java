package dev.bulwark.server.icap;

import java.nio.ByteBuffer;

/**
 * Incremental decoder of the HTTP/1.1 chunked encoding ICAP uses for every encapsulated body, with the
 * ICAP {@code ieof} chunk extension. Feed any split of the input, down to one byte at a time. Chunk
 * extensions and trailers are bounded; data is returned as slices of the caller's buffer.
 */
public final class ChunkedDecoder {
    public enum Event { NEED_MORE, DATA, END, ERROR }

    /** Longest chunk-size line we accept (hex size plus extensions such as "; ieof"). */
    static final int MAX_SIZE_LINE = 1024;
    /** Longest trailer section after the last chunk. */
    static final int MAX_TRAILER = 8192;
    /** Largest single chunk: 2^40 bytes, far beyond any stream limit, but no overflow. */
    static final int MAX_HEX_DIGITS = 10;

    private enum State { SIZE, EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, DONE, FAILED }

    private State state = State.SIZE;
    private long size;
    private int digits;
    private int lineLen;
    private final byte[] ext = new byte[MAX_SIZE_LINE];
    private int extLen;
    private boolean ieof;
    private int trailerLen;
    private int trailerLineLen;
    private String error;
    private ByteBuffer data;

    /** After END: whether the last chunk carried {@code ieof} (the whole body was in the preview). */
    public boolean ieof() { return ieof; }
    public String error() { return error; }
    public ByteBuffer data() { return data; }
    public boolean done() { return state == State.DONE; }

    /** Starts decoding another chunked body (after a preview ended with a plain 0 chunk). */
    public void reset() {
        state = State.SIZE;
        size = 0;
        digits = 0;
        lineLen = 0;
        extLen = 0;
        ieof = false;
        trailerLen = 0;
        trailerLineLen = 0;
    }

    public Event next(ByteBuffer in) {
        while (in.hasRemaining()) {
            switch (state) {
                case DONE, FAILED -> {
                    return state == State.DONE ? Event.END : Event.ERROR;
                }
                case SIZE -> {
                    byte b = in.get();
                    int h = hex(b);
                    if (h >= 0) {
                        if (++digits > MAX_HEX_DIGITS) return fail("chunk size too large");
                        size = size * 16 + h;
                    } else if (digits == 0) {
                        return fail("chunk size expected");
                    } else if (b == ';' || b == ' ' || b == '\t') {
                        state = State.EXT;
                        extLen = 0;
                    } else if (b == '\r') {
                        state = State.SIZE_LF;
                    } else if (b == '\n') {
                        if (sizeLineDone()) return Event.END;
                    } else {
                        return fail("bad character in chunk size");
                    }
                    if (++lineLen > MAX_SIZE_LINE) return fail("chunk size line too long");
                }
                case EXT -> {
                    byte b = in.get();
                    if (++lineLen > MAX_SIZE_LINE) return fail("chunk extension too long");
                    if (b == '\r') state = State.SIZE_LF;
                    else if (b == '\n') {
                        if (sizeLineDone()) return Event.END;
                    } else ext[extLen++] = b;
                }
                case SIZE_LF -> {
                    if (in.get() != '\n') return fail("CR not followed by LF after chunk size");
                    if (sizeLineDone()) return Event.END;
                }
                case DATA -> {
                    int n = (int) Math.min(size, in.remaining());
                    data = in.slice(in.position(), n);
                    in.position(in.position() + n);
                    size -= n;
                    if (size == 0) state = State.DATA_CR;
                    return Event.DATA;
                }
                case DATA_CR -> {
                    byte b = in.get();
                    if (b == '\n') resetSize();
                    else if (b == '\r') state = State.DATA_LF;
                    else return fail("chunk data not followed by CRLF");
                }
                case DATA_LF -> {
                    if (in.get() != '\n') return fail("chunk data not followed by CRLF");
                    resetSize();
                }
                case TRAILER -> {
                    byte b = in.get();
                    if (++trailerLen > MAX_TRAILER) return fail("chunk trailer too long");
                    if (b == '\n') {
                        if (trailerLineLen == 0) {
                            state = State.DONE;
                            return Event.END;
                        }
                        trailerLineLen = 0;
                    } else if (b != '\r') {
                        trailerLineLen++;
                    }
                }
            }
        }
        return Event.NEED_MORE;
    }

    private boolean sizeLineDone() {
        if (size == 0) {
            ieof = new String(ext, 0, extLen, java.nio.charset.StandardCharsets.US_ASCII).contains("ieof");
            state = State.TRAILER;
            trailerLen = 0;
            trailerLineLen = 0;
            return false;
        }
        state = State.DATA;
        return false;
    }

    private void resetSize() {
        state = State.SIZE;
        size = 0;
        digits = 0;
        lineLen = 0;
        extLen = 0;
    }

    private Event fail(String msg) {
        state = State.FAILED;
        error = msg;
        return Event.ERROR;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') return b - '0';
        if (b >= 'a' && b <= 'f') return b - 'a' + 10;
        if (b >= 'A' && b <= 'F') return b - 'A' + 10;
        return -1;
    }
}
