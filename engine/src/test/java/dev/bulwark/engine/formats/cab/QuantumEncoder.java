package dev.bulwark.engine.formats.cab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Quantum compressor for tests: greedy matching over a hash chain, the CACM arithmetic encoder
 * (16-bit registers, underflow bits held back until resolved) over the same adaptive models as the
 * decoder ({@link QuantumModel}), one frame per 32 KiB of input. The decoder reads a match's raw
 * extra bits from the bit stream after the 16 bits of look-ahead its code register holds, so each
 * group of raw bits is placed after the coded bit the decoder will have consumed by then. A frame ends
 * with the coder's flush, zero bits for that look-ahead and four zero bytes, which a cabinet
 * reader skips up to the 0xFF it appends to each block.
 */
final class QuantumEncoder {
    static final int FRAME = 32 * 1024;
    private static final int MAX_LENGTH = 259, HASH_BITS = 15, MAX_CHAIN = 48;
    private static final int[] POSITION_BASE = new int[42], POSITION_EXTRA = new int[42], LENGTH_BASE = new int[27],
            LENGTH_EXTRA = new int[27];

    static {
        for (int i = 0, base = 0; i < 42; i++) {
            POSITION_BASE[i] = base;
            POSITION_EXTRA[i] = i < 2 ? 0 : (i - 2) >> 1;
            base += 1 << POSITION_EXTRA[i];
        }
        for (int i = 0, base = 0; i < 26; i++) {
            LENGTH_BASE[i] = base;
            LENGTH_EXTRA[i] = (i < 2 ? 0 : i - 2) >> 2;
            base += 1 << LENGTH_EXTRA[i];
        }
        LENGTH_BASE[26] = 254;
    }

    private final int windowSize;
    private final QuantumModel[] literal = new QuantumModel[4];
    private final QuantumModel sel4, sel5, sel6, sel6len, selector;
    /** Which selectors the greedy coder may use for matches (tests switch some off to reach the others). */
    private final boolean useSel4, useSel5, useSel6;

    // per frame
    private int low, high, pending, shifts;
    private Bits arith;
    private final List<int[]> raw = new ArrayList<>(); // {threshold, value, bits}

    QuantumEncoder(int windowBits) {
        this(windowBits, true, true, true);
    }

    QuantumEncoder(int windowBits, boolean useSel4, boolean useSel5, boolean useSel6) {
        windowSize = 1 << windowBits;
        for (int i = 0; i < 4; i++) literal[i] = new QuantumModel(i * 64, 64);
        int slots = windowBits * 2;
        sel4 = new QuantumModel(0, Math.min(slots, 24));
        sel5 = new QuantumModel(0, Math.min(slots, 36));
        sel6 = new QuantumModel(0, slots);
        sel6len = new QuantumModel(0, 27);
        selector = new QuantumModel(0, 7);
        this.useSel4 = useSel4;
        this.useSel5 = useSel5;
        this.useSel6 = useSel6;
    }

    /** The CFDATA payloads, one per frame of {@code data}. */
    List<byte[]> encode(byte[] data) {
        int[] head = new int[1 << HASH_BITS], prev = new int[Math.max(1, data.length)];
        Arrays.fill(head, -1);
        List<byte[]> blocks = new ArrayList<>();
        for (int start = 0; start < data.length || start == 0; start += FRAME) {
            int end = Math.min(data.length, start + FRAME);
            low = 0;
            high = 0xffff;
            pending = 0;
            shifts = 0;
            arith = new Bits();
            raw.clear();
            int pos = start;
            while (pos < end) {
                int bestLen = 0, bestOff = 0;
                if (pos + 2 < data.length) {
                    for (int c = head[hash(data, pos)], n = 0; c >= 0 && n < MAX_CHAIN; c = prev[c], n++) {
                        int off = pos - c;
                        if (off > windowSize) break;
                        int len = 0, max = Math.min(MAX_LENGTH, end - pos);
                        while (len < max && data[c + len] == data[pos + len]) len++;
                        if (len > bestLen) {
                            bestLen = len;
                            bestOff = off;
                        }
                    }
                }
                int used = match(bestLen, bestOff);
                if (used == 0) {
                    int b = data[pos] & 0xff;
                    code(selector, b >> 6);
                    code(literal[b >> 6], b);
                    used = 1;
                }
                for (int k = 0; k < used; k++, pos++) {
                    if (pos + 2 < data.length) {
                        int h = hash(data, pos);
                        prev[pos] = head[h];
                        head[h] = pos;
                    }
                }
            }
            blocks.add(finish());
        }
        return blocks;
    }

    /** Codes a match of up to {@code len} bytes at {@code off} if a selector can; returns the bytes covered (0: none). */
    private int match(int len, int off) {
        if (len < 3) return 0;
        int slot = slot(off - 1);
        if (len >= 5 && useSel6 && slot < sel6.entries) {
            int v = len - 5, l = 26;
            while (LENGTH_BASE[l] > v) l--;
            code(selector, 6);
            code(sel6len, l);
            raw(v - LENGTH_BASE[l], LENGTH_EXTRA[l]);
            code(sel6, slot);
            raw(off - 1 - POSITION_BASE[slot], POSITION_EXTRA[slot]);
            return len;
        }
        if (len >= 4 && useSel5 && slot < sel5.entries) {
            code(selector, 5);
            code(sel5, slot);
            raw(off - 1 - POSITION_BASE[slot], POSITION_EXTRA[slot]);
            return 4;
        }
        if (useSel4 && slot < sel4.entries) {
            code(selector, 4);
            code(sel4, slot);
            raw(off - 1 - POSITION_BASE[slot], POSITION_EXTRA[slot]);
            return 3;
        }
        return 0;
    }

    private static int slot(int v) {
        int s = 41;
        while (POSITION_BASE[s] > v) s--;
        return s;
    }

    private static int hash(byte[] d, int p) {
        int h = (d[p] & 0xff) << 16 | (d[p + 1] & 0xff) << 8 | (d[p + 2] & 0xff);
        return (h * 0x9e3779b1) >>> (32 - HASH_BITS);
    }

    private void code(QuantumModel m, int symbol) {
        int k = 0;
        while (m.sym[k] != symbol) k++;
        int total = m.cum[0];
        long range = high - low + 1;
        high = (int) (low + m.cum[k] * range / total - 1);
        low = (int) (low + m.cum[k + 1] * range / total);
        m.update(k);
        while (true) {
            if ((high & 0x8000) == (low & 0x8000)) {
                bitPlusPending(high >> 15 & 1);
            } else if ((low & 0x4000) != 0 && (high & 0x4000) == 0) {
                pending++;
                low &= 0x3fff;
                high |= 0x4000;
            } else {
                break;
            }
            low = (low << 1) & 0xffff;
            high = ((high << 1) | 1) & 0xffff;
            shifts++;
        }
    }

    private void bitPlusPending(int b) {
        arith.put(b);
        for (; pending > 0; pending--) arith.put(b ^ 1);
    }

    /** Raw bits read by the decoder once its code register has consumed 16 + shifts coded bits. */
    private void raw(int value, int bits) {
        if (bits > 0) raw.add(new int[] {16 + shifts, value, bits});
    }

    private byte[] finish() {
        pending++;
        bitPlusPending(low < 0x4000 ? 0 : 1);
        Bits out = new Bits();
        int a = 0;
        for (int[] g : raw) {
            for (; a < g[0]; a++) out.put(a < arith.size ? arith.get(a) : 0);
            for (int k = g[2] - 1; k >= 0; k--) out.put(g[1] >> k & 1);
        }
        for (; a < Math.max(arith.size, 16 + shifts + 16); a++) out.put(a < arith.size ? arith.get(a) : 0);
        while (out.size % 8 != 0) out.put(0);
        for (int k = 0; k < 32; k++) out.put(0);
        return out.bytes();
    }

    private static final class Bits {
        private byte[] b = new byte[1024];
        int size;

        void put(int bit) {
            if (size == b.length * 8) b = Arrays.copyOf(b, b.length * 2);
            if (bit != 0) b[size >> 3] |= (byte) (0x80 >> (size & 7));
            size++;
        }

        int get(int i) {
            return b[i >> 3] >> (7 - (i & 7)) & 1;
        }

        byte[] bytes() {
            return Arrays.copyOf(b, (size + 7) / 8);
        }
    }
}
