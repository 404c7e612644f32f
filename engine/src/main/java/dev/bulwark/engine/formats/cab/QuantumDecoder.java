package dev.bulwark.engine.formats.cab;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Quantum decompression (CAB compression type 2), written from the format description: an adaptive
 * arithmetic coder (16-bit low/high/code registers, frequency models from {@link QuantumModel}) picks
 * a selector per step: 0-3 a literal from one of four 64-symbol models, 4 and 5 a 3- or 4-byte match,
 * 6 a match of 5 to 259 bytes with its own length model. Match offsets are a position slot (coded)
 * plus raw extra bits read from the same bit stream (MSB first). A frame is 32 KiB of output; the
 * coder restarts at each frame, which in a cabinet is one CFDATA block, while the models and the
 * window (2^10 to 2^21 bytes) carry over for the whole folder.
 */
public final class QuantumDecoder {
    /** Output bytes per frame. */
    public static final int FRAME = 32 * 1024;
    private static final int MIN_WINDOW_BITS = 10, MAX_WINDOW_BITS = 21;
    private static final int LITERAL_MODELS = 4, LITERALS_PER_MODEL = 64, SELECTORS = 7;
    /** Match lengths: fixed for selectors 4 and 5; selector 6 adds its coded length to this. */
    private static final int LENGTH_SEL4 = 3, LENGTH_SEL5 = 4, MIN_LENGTH_SEL6 = 5;
    /** Position slots usable by selectors 4 and 5 (whatever the window), and the length slots of selector 6. */
    private static final int MAX_SLOTS_SEL4 = 24, MAX_SLOTS_SEL5 = 36, LENGTH_SLOTS = 27;
    /** Bytes read past the block (the 0xFF a cabinet reader appends, then zeros) before the input counts as truncated. */
    private static final int MAX_OVERRUN = 16;
    private static final int[] POSITION_BASE = new int[42], POSITION_EXTRA = new int[42];
    private static final int[] LENGTH_BASE = new int[LENGTH_SLOTS], LENGTH_EXTRA = new int[LENGTH_SLOTS];

    static {
        for (int i = 0, base = 0; i < POSITION_BASE.length; i++) { // slot pairs double: 1,1,1,1,2,2,4,4,...
            POSITION_BASE[i] = base;
            POSITION_EXTRA[i] = i < 2 ? 0 : (i - 2) >> 1;
            base += 1 << POSITION_EXTRA[i];
        }
        for (int i = 0, base = 0; i < LENGTH_SLOTS - 1; i++) { // groups of four: 1,1,1,1,1,1,2,2,2,2,4,...
            LENGTH_BASE[i] = base;
            LENGTH_EXTRA[i] = (i < 2 ? 0 : i - 2) >> 2;
            base += 1 << LENGTH_EXTRA[i];
        }
        LENGTH_BASE[LENGTH_SLOTS - 1] = 254; // the last slot is the single longest length
    }

    private final byte[] window;
    private final int mask;
    private final QuantumModel[] literal = new QuantumModel[LITERAL_MODELS];
    private final QuantumModel sel4, sel5, sel6, sel6len, selector;
    private int wpos;
    /** Window bytes written since construction or the last reset (from position 0): what reset clears. */
    private long dirty;

    private ByteBuffer in = ByteBuffer.allocate(0);
    private int inPos, overrun;
    private int bitBuf, bitCount;
    private int low, high, code;

    /** @param windowBits 10 to 21 (the folder's compression type, bits 8-12) */
    public QuantumDecoder(int windowBits) throws IOException {
        if (windowBits < MIN_WINDOW_BITS || windowBits > MAX_WINDOW_BITS) {
            throw new IOException("Quantum window of 2^" + windowBits + " bytes unsupported");
        }
        window = new byte[1 << windowBits];
        mask = window.length - 1;
        for (int i = 0; i < LITERAL_MODELS; i++) literal[i] = new QuantumModel(i * LITERALS_PER_MODEL, LITERALS_PER_MODEL);
        int slots = windowBits * 2;
        sel4 = new QuantumModel(0, Math.min(slots, MAX_SLOTS_SEL4));
        sel5 = new QuantumModel(0, Math.min(slots, MAX_SLOTS_SEL5));
        sel6 = new QuantumModel(0, slots);
        sel6len = new QuantumModel(0, LENGTH_SLOTS);
        selector = new QuantumModel(0, SELECTORS);
    }

    /**
     * Starts a new folder as a fresh decoder of the same window would: models, window position, and the
     * window bytes written since the last reset cleared (only those: a reused decoder costs what it decoded).
     */
    public void reset() {
        java.util.Arrays.fill(window, 0, (int) Math.min(dirty, window.length), (byte) 0);
        dirty = 0;
        wpos = 0;
        for (QuantumModel m : literal) m.reset();
        sel4.reset();
        sel5.reset();
        sel6.reset();
        sel6len.reset();
        selector.reset();
        setInput(ByteBuffer.allocate(0));
    }

    /** The packed bytes of the next frame (one CFDATA block). */
    public void setInput(ByteBuffer packed) {
        in = packed;
        inPos = 0;
        overrun = 0;
        bitBuf = 0;
        bitCount = 0;
    }

    /**
     * Decodes the next frame's first {@code size} bytes (at most {@link #FRAME}; less only for the last
     * frame of a folder) into {@code out}. A match may run past {@code size} but not past the frame.
     */
    public int decodeFrame(byte[] out, int size) throws IOException {
        if (size > FRAME || size < 0) throw new IOException("Quantum frame of " + size + " bytes");
        low = 0;
        high = 0xffff;
        int n = 0, frameLeft = FRAME;
        try {
            code = bits(16);
            while (n < size) {
                int sel = symbol(selector);
                if (sel < LITERAL_MODELS) {
                    byte v = (byte) symbol(literal[sel]);
                    window[wpos] = v;
                    wpos = (wpos + 1) & mask;
                    out[n++] = v;
                    frameLeft--;
                    continue;
                }
                int length, slot;
                if (sel == 4) {
                    slot = symbol(sel4);
                    length = LENGTH_SEL4;
                } else if (sel == 5) {
                    slot = symbol(sel5);
                    length = LENGTH_SEL5;
                } else if (sel == 6) {
                    int l = symbol(sel6len);
                    length = LENGTH_BASE[l] + bits(LENGTH_EXTRA[l]) + MIN_LENGTH_SEL6;
                    slot = symbol(sel6);
                } else {
                    throw new IOException("Quantum selector " + sel);
                }
                int offset = POSITION_BASE[slot] + bits(POSITION_EXTRA[slot]) + 1;
                if (length > frameLeft) throw new IOException("Quantum match runs past its frame");
                if (offset > window.length) throw new IOException("Quantum match offset " + offset + " beyond the window");
                int from = wpos - offset;
                for (int i = 0; i < length; i++) {
                    byte v = window[(from + i) & mask];
                    window[wpos] = v;
                    wpos = (wpos + 1) & mask;
                    if (n < size) out[n++] = v;
                }
                frameLeft -= length;
            }
        } finally {
            dirty += FRAME - frameLeft; // the window bytes this frame wrote (a match may run past size, not past the frame)
        }
        return size;
    }

    /** Decodes one symbol of {@code m} and moves the coder on (CACM-style interval narrowing, with underflow). */
    private int symbol(QuantumModel m) throws EOFException {
        int[] cum = m.cum;
        int total = cum[0];
        int range = ((high - low) & 0xffff) + 1;
        int target = (int) (((((code - low + 1) * total - 1) & 0xffffffffL) / range) & 0xffff);
        int i = 1;
        while (i < m.entries && cum[i] > target) i++;
        int s = m.sym[i - 1];
        long width = (high - low + 1) & 0xffffffffL; // unsigned 32-bit arithmetic, as the format's reference does
        high = (int) ((low + ((cum[i - 1] * width) & 0xffffffffL) / total - 1) & 0xffff);
        low = (int) ((low + ((cum[i] * width) & 0xffffffffL) / total) & 0xffff);
        m.update(i - 1);
        while (true) {
            if ((low & 0x8000) != (high & 0x8000)) {
                if ((low & 0x4000) == 0 || (high & 0x4000) != 0) break;
                code ^= 0x4000; // underflow: low = 01..., high = 10...: drop the second bit
                low &= 0x3fff;
                high |= 0x4000;
            }
            low = (low << 1) & 0xffff;
            high = ((high << 1) | 1) & 0xffff;
            code = ((code << 1) | bits(1)) & 0xffff;
        }
        return s;
    }

    /** {@code n} (0 to 19) bits, most significant first. */
    private int bits(int n) throws EOFException {
        while (bitCount < n) {
            int b;
            if (inPos < in.limit()) {
                b = in.get(inPos) & 0xff;
            } else { // a cabinet reader appends 0xFF to each Quantum block; then nothing is left
                if (++overrun > MAX_OVERRUN) throw new EOFException("Quantum input truncated");
                b = inPos == in.limit() ? 0xff : 0;
            }
            inPos++;
            bitBuf = bitBuf << 8 | b;
            bitCount += 8;
        }
        bitCount -= n;
        return (bitBuf >>> bitCount) & ((1 << n) - 1);
    }
}
