package dev.bulwark.engine.formats.sevenzip;

import java.io.IOException;
import java.io.InputStream;

/**
 * 7-Zip's BCJ2 x86 branch converter, decoding side (method 03 03 01 1B, four inputs, one output).
 * The encoder splits x86 code into four streams: the main stream (the code with the 32-bit targets of
 * converted branches taken out), the CALL stream (targets of converted E8 calls, absolute, big-endian),
 * the JUMP stream (targets of converted E9 jumps and 0F 80..8F conditional jumps, likewise) and a
 * range-coded selector stream holding one bit per branch opcode met in the main stream: 1 when its
 * target was moved to the CALL or JUMP stream, 0 when the following bytes stay in the main stream.
 * <p>
 * Decoding copies the main stream to the output. After a byte that can start a branch (E8, E9, or 80..8F
 * right after 0F), one selector bit is decoded with an adaptive 11-bit probability: for E8 the model is
 * chosen by the byte before it (256 models), E9 has one model and the conditional jumps another. On a 1,
 * four bytes are taken from the CALL (E8) or JUMP stream, made relative to the output position after them
 * and written little-endian; the last of them is then the "previous byte" for the next test. The selector's
 * range coder is LZMA's (32-bit range and code, five start bytes, normalization below 2^24, 5-bit adaption).
 * 7-Zip 26.02 writes archives this reads (its encoder chooses differently which branches to convert, the
 * stream format is unchanged), as does LZMA SDK 9.20's decoder in clamscan 1.4.6.
 * <p>
 * Output stops at the declared unpack size and fails once {@code maxOutput} bytes were produced. A main
 * stream that ends before the unpack size, a CALL or JUMP stream without the four bytes a converted branch
 * needs, and a selector stream that ends early are errors ({@link IOException} naming the stream); the
 * first error is repeated on every later read. The inputs are closed with this stream.
 */
final class Bcj2Stream extends InputStream {
    static final byte[] METHOD_ID = {3, 3, 1, 0x1b};

    private static final int TOP = 1 << 24, MODEL_BITS = 11, MOVE_BITS = 5, ONE = 1 << MODEL_BITS;

    private final InputStream main, call, jump, selector;
    private final byte[] buf = new byte[1 << 14];
    private int bufPos, bufLen;
    /** Adaptive probabilities (of a 0) for E8 after each byte value, E9, and the conditional jumps. */
    private final int[] probs = new int[256 + 2];
    private int range = -1, code;
    private boolean started;
    /** The last byte output (what the branch test looks at). */
    private int prev;
    /** A branch opcode was output and its selector bit is still to be decoded; its model index. */
    private int pendingModel = -1;
    /** The opcode whose bit is pending (E8 takes its target from the CALL stream, the others from JUMP). */
    private int pendingOpcode;
    /** A converted target still being output (little-endian), from {@code targetPos} to 4. */
    private final byte[] target = new byte[4];
    private int targetPos = 4;
    private long produced, remaining;
    private final long maxOutput;
    private IOException failure;

    /**
     * @param unpackSize the folder's declared size of this coder's output
     * @param maxOutput  most bytes produced before the stream fails with a limit error
     */
    Bcj2Stream(InputStream main, InputStream call, InputStream jump, InputStream selector, long unpackSize, long maxOutput) {
        this.main = main;
        this.call = call;
        this.jump = jump;
        this.selector = selector;
        this.remaining = Math.max(0, unpackSize);
        this.maxOutput = maxOutput;
        java.util.Arrays.fill(probs, ONE >>> 1);
    }

    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) throw failure;
        if (len == 0) return 0;
        if (remaining == 0) return -1;
        try {
            return decode(b, off, (int) Math.min(len, remaining));
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    private int decode(byte[] b, int off, int len) throws IOException {
        if (produced >= maxOutput) throw new IOException("7z: BCJ2 output stopped at the scan size limit (" + maxOutput + " bytes)");
        len = (int) Math.min(len, maxOutput - produced);
        int n = 0;
        while (n < len) {
            if (targetPos < 4) {
                b[off + n++] = target[targetPos++];
                continue;
            }
            if (pendingModel >= 0) {
                resolveBranch(produced + n);
                continue;
            }
            if (bufPos == bufLen && !fill()) {
                if (n > 0) break;
                throw new IOException("7z: BCJ2 main stream ends " + remaining + " bytes before the unpack size");
            }
            // copy plain bytes up to and including the next possible branch opcode
            int p = prev;
            while (n < len && bufPos < bufLen) {
                int c = buf[bufPos++] & 0xff;
                b[off + n++] = (byte) c;
                if ((c & 0xfe) == 0xe8 || (p == 0x0f && (c & 0xf0) == 0x80)) {
                    pendingModel = c == 0xe8 ? p : c == 0xe9 ? 256 : 257;
                    pendingOpcode = c;
                    p = c;
                    break;
                }
                p = c;
            }
            prev = p;
        }
        produced += n;
        remaining -= n;
        return n;
    }

    /**
     * Decodes the pending opcode's selector bit; on a 1 the target becomes the next four output bytes.
     * {@code pos} is the output position of the first of them.
     */
    private void resolveBranch(long pos) throws IOException {
        int model = pendingModel;
        pendingModel = -1;
        if (!bit(model)) return; // prev is the opcode already
        InputStream from = pendingOpcode == 0xe8 ? call : jump;
        int src = 0;
        for (int i = 0; i < 4; i++) {
            int c = from.read();
            if (c < 0) throw new IOException("7z: BCJ2 " + (from == call ? "CALL" : "JUMP") + " stream ends early");
            src = src << 8 | c;
        }
        // relative to the position after the four bytes (32-bit arithmetic, as x86 code)
        int dest = src - (int) (pos + 4);
        target[0] = (byte) dest;
        target[1] = (byte) (dest >>> 8);
        target[2] = (byte) (dest >>> 16);
        target[3] = (byte) (dest >>> 24);
        targetPos = 0;
        prev = (dest >>> 24) & 0xff;
    }

    private boolean fill() throws IOException {
        int r = main.read(buf, 0, buf.length);
        if (r <= 0) return false;
        bufPos = 0;
        bufLen = r;
        return true;
    }

    private int selectorByte() throws IOException {
        int c = selector.read();
        if (c < 0) throw new IOException("7z: BCJ2 selector stream ends early");
        return c;
    }

    private boolean bit(int model) throws IOException {
        if (!started) {
            for (int i = 0; i < 5; i++) code = code << 8 | selectorByte();
            started = true;
        }
        if (Integer.compareUnsigned(range, TOP) < 0) {
            range <<= 8;
            code = code << 8 | selectorByte();
        }
        int p = probs[model];
        int bound = (range >>> MODEL_BITS) * p;
        if (Integer.compareUnsigned(code, bound) < 0) {
            range = bound;
            probs[model] = p + ((ONE - p) >>> MOVE_BITS);
            return false;
        }
        range -= bound;
        code -= bound;
        probs[model] = p - (p >>> MOVE_BITS);
        return true;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (InputStream in : new InputStream[] {main, call, jump, selector}) {
            try {
                in.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
