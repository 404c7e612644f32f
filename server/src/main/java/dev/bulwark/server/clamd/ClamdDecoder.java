package dev.bulwark.server.clamd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental decoder of the clamd wire protocol: {@code z}-framed ({@code \0}-terminated),
 * {@code n}-framed ({@code \n}-terminated) and old-style (unprefixed, one line) commands, and the
 * INSTREAM chunk stream ({@code <u32 big-endian length><bytes>}…, ended by a zero length). Feed it any
 * split of the input, down to one byte at a time; it never allocates per byte and never buffers more
 * than {@link #MAX_LINE} bytes of a command.
 */
public final class ClamdDecoder {
    /** clamd's per-connection command buffer is PATH_MAX + 8 bytes; a longer command is an error. */
    public static final int MAX_LINE = 4096 + 8;

    public enum Event { NEED_MORE, COMMAND, CHUNK, STREAM_END, STREAM_TOO_LARGE, LINE_TOO_LONG }

    private enum State { START, LINE, STREAM_HEADER, STREAM_DATA, FAILED }

    private final byte[] line = new byte[MAX_LINE];
    private int lineLen;
    private byte prefix;          // 'z', 'n' or 0 for old style
    private State state = State.START;
    private int headerBytes;
    private int header;
    private long chunkLeft;
    private long quota;

    private String command;
    private final byte[] replay = new byte[MAX_LINE + 1];
    private int replayLength;
    private int rawLength;
    private boolean endedByNewline;
    private ByteBuffer chunk;

    /** After {@link Event#COMMAND}: the command text without prefix or terminator. */
    public String command() { return command; }

    /** After {@link Event#COMMAND}: 'z', 'n', or 0 for an old-style (unprefixed) command. */
    public byte prefix() { return prefix; }

    /** The terminator replies to the current command must end with. */
    public byte terminator() { return prefix == 'z' ? 0 : (byte) '\n'; }

    /** After {@link Event#CHUNK}: a view of the chunk bytes inside the caller's buffer (valid until the next call). */
    public ByteBuffer chunk() { return chunk; }

    /** True while an old-style command is partially read (clamd ends it at the end of the packet). */
    public boolean inOldStyleLine() { return state == State.LINE && prefix == 0 && lineLen > 0; }

    /** True when nothing is partially decoded. */
    public boolean idle() { return state == State.START; }

    public boolean streaming() { return state == State.STREAM_HEADER || state == State.STREAM_DATA; }

    /** Switches to INSTREAM chunk decoding with a byte quota (StreamMaxLength). */
    public void startStream(long maxBytes) {
        state = State.STREAM_HEADER;
        headerBytes = 0;
        header = 0;
        quota = maxBytes;
    }

    /**
     * Consumes bytes from {@code in} until one event is complete or the input is exhausted
     * ({@link Event#NEED_MORE}).
     */
    public Event next(ByteBuffer in) {
        while (in.hasRemaining()) {
            switch (state) {
                case FAILED -> {
                    in.position(in.limit());
                    return Event.NEED_MORE;
                }
                case START -> {
                    byte b = in.get();
                    lineLen = 0;
                    if (b == 'z' || b == 'n') {
                        prefix = b;
                    } else {
                        prefix = 0;
                        line[lineLen++] = b;
                        if (b == '\n') return finishLine(true, 0);
                    }
                    state = State.LINE;
                }
                case LINE -> {
                    byte term = prefix == 'z' ? 0 : (byte) '\n';
                    // scan for the terminator without per-byte calls into the caller
                    int p = in.position(), lim = in.limit();
                    while (p < lim) {
                        byte b = in.get(p++);
                        if (b == term) {
                            in.position(p);
                            return finishLine(true, 1);
                        }
                        // clamd's buffer holds prefix, command and terminator: MAX_LINE bytes in all
                        if (lineLen == (prefix == 0 ? MAX_LINE : MAX_LINE - 2)) {
                            in.position(p - 1);
                            if (prefix == 0) return finishLine(false, 0); // old style: clamd takes the full buffer as the command
                            state = State.FAILED;
                            return Event.LINE_TOO_LONG;
                        }
                        line[lineLen++] = b;
                    }
                    in.position(p);
                }
                case STREAM_HEADER -> {
                    header = (header << 8) | (in.get() & 0xff);
                    if (++headerBytes == 4) {
                        long len = header & 0xffffffffL;
                        headerBytes = 0;
                        header = 0;
                        if (len == 0) {
                            state = State.START;
                            return Event.STREAM_END;
                        }
                        if (len > quota) {
                            state = State.FAILED;
                            return Event.STREAM_TOO_LARGE;
                        }
                        quota -= len;
                        chunkLeft = len;
                        state = State.STREAM_DATA;
                    }
                }
                case STREAM_DATA -> {
                    int n = (int) Math.min(chunkLeft, in.remaining());
                    chunk = in.slice(in.position(), n);
                    in.position(in.position() + n);
                    chunkLeft -= n;
                    if (chunkLeft == 0) state = State.STREAM_HEADER;
                    return Event.CHUNK;
                }
            }
        }
        return Event.NEED_MORE;
    }

    /** Ends a pending old-style command at a packet boundary, as clamd does ({@code PING} without newline). */
    public Event endOfPacket() {
        if (inOldStyleLine()) return finishLine(false, 0);
        return Event.NEED_MORE;
    }

    /**
     * After an {@code n} command: the bytes clamd treats as sent after it, which the caller must read
     * before the rest of its input. clamd ends an {@code n} command at its first NUL or CR/LF run
     * ({@code cli_chomp}, a C string), then skips exactly one byte past that end: whatever stood between
     * it and the newline, plus the newline (which it overwrote with a NUL), is input again — a command
     * inside IDSESSION, the start of an INSTREAM stream, or garbage after a path command.
     */
    public int replayLength() { return replayLength; }

    /** The bytes {@link #replayLength()} counts. */
    public byte[] replayBytes() { return replay; }

    /**
     * After an old-style {@link Event#COMMAND}: the bytes it took from the input (its newline included),
     * what clamd's command buffer holds at that point.
     */
    public int rawLength() { return rawLength; }

    /** After an old-style {@link Event#COMMAND}: whether a newline ended it (else the end of a packet did). */
    public boolean endedByNewline() { return endedByNewline; }

    /** Byte {@code i} of the last command as received, {@code i < rawLength()} (its newline excluded). */
    public byte rawByte(int i) { return line[i]; }

    private Event finishLine(boolean newline, int terminatorBytes) {
        rawLength = lineLen + terminatorBytes;
        endedByNewline = newline;
        int len = lineLen;
        replayLength = 0;
        if (prefix != 'z') {
            // clamd reads an old-style or n command as a C string: it ends at the first NUL byte
            for (int i = 0; i < len; i++) {
                if (line[i] == 0) {
                    len = i;
                    break;
                }
            }
        }
        if (prefix != 'z') {
            // clamd's cli_chomp: strip trailing CR/LF
            while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        }
        if (prefix == 'n' && len < lineLen) {
            // clamd resumes one byte after the shortened command: the rest of the line and its newline (as NUL)
            int from = len + 1;
            replayLength = lineLen - from + 1;
            System.arraycopy(line, from, replay, 0, lineLen - from);
            replay[replayLength - 1] = 0;
        }
        // a path that is not UTF-8 keeps its bytes (escaped, see RawNames): clamd scans the file those bytes name
        command = dev.bulwark.engine.RawNames.decode(line, 0, len);
        state = State.START;
        lineLen = 0;
        return Event.COMMAND;
    }
}
