package dev.bulwark.engine.formats.upx;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A small NRV2B/2D/2E encoder for tests, written from the bit-stream grammar the decoders read
 * (greedy longest match, brute-force search: test-sized inputs only).
 */
final class NrvEncoder {
    private final Nrv.Variant v;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int wordPos = -1, bitCount, word;
    private long lastOff = 1;

    private NrvEncoder(Nrv.Variant v) {
        this.v = v;
    }

    static byte[] encode(Nrv.Variant v, byte[] data) {
        NrvEncoder e = new NrvEncoder(v);
        int pos = 0;
        while (pos < data.length) {
            int bestLen = 0, bestOff = 0;
            for (int from = Math.max(0, pos - 0x8000); from < pos; from++) {
                int n = 0;
                while (pos + n < data.length && data[from + n] == data[pos + n] && n < 300) n++;
                if (n > bestLen || (n == bestLen && pos - from == e.lastOff)) {
                    bestLen = n;
                    bestOff = pos - from;
                }
            }
            int min = 3 + (bestOff > 0x500 ? 1 : 0) + (v == Nrv.Variant.NRV2B && bestOff > 0xd00 ? 1 : 0);
            if (bestLen >= min) {
                e.match(bestOff, bestLen);
                pos += bestLen;
            } else {
                e.bit(1);
                e.out.write(data[pos++]);
            }
        }
        e.bit(0);
        e.gammaOffset(0xffffff + 3);
        e.out.write(0xff);
        e.flush();
        return e.result();
    }

    private void match(int off, int copy) {
        bit(0);
        boolean far = off > (v == Nrv.Variant.NRV2B ? 0xd00 : 0x500);
        int len = copy - 1 - (far ? 1 : 0);
        int lenBit;
        if (v != Nrv.Variant.NRV2B) {
            lenBit = v == Nrv.Variant.NRV2E ? (len <= 2 ? 1 : 0) : (len <= 3 ? len >> 1 : 0);
        } else {
            lenBit = -1;
        }
        if (off == lastOff) {
            gammaOffset(2);
            if (lenBit >= 0) bit(lenBit);
        } else if (v == Nrv.Variant.NRV2B) {
            gammaOffset(((off - 1) >> 8) + 3);
            out.write((off - 1) & 0xff);
        } else {
            long x = (off - 1L) * 2 + (1 - lenBit);
            gammaOffset((int) (x >> 8) + 3);
            out.write((int) (x & 0xff));
        }
        lastOff = off;
        switch (v) {
            case NRV2B -> lengthBd(len, true);
            case NRV2D -> lengthBd(len, false);
            case NRV2E -> {
                if (len <= 2) {
                    bit(len - 1);
                } else if (len <= 4) {
                    bit(1);
                    bit(len - 3);
                } else {
                    bit(0);
                    gammaSimple(len - 3);
                }
            }
        }
    }

    private void lengthBd(int len, boolean twoBits) {
        if (len <= 3) {
            if (twoBits) bit(len >> 1);
            bit(len & 1);
        } else {
            if (twoBits) bit(0);
            bit(0);
            gammaSimple(len - 2);
        }
    }

    /** The decoders' "x = x*2 + bit until a 1 bit" code, starting from 1 (values of at least 2). */
    private void gammaSimple(long value) {
        String bits = Long.toBinaryString(value).substring(1);
        for (int i = 0; i < bits.length(); i++) {
            bit(bits.charAt(i) - '0');
            bit(i == bits.length() - 1 ? 1 : 0);
        }
    }

    private void gammaOffset(long value) {
        if (v == Nrv.Variant.NRV2B) {
            gammaSimple(value);
            return;
        }
        List<Integer> bits = new ArrayList<>();
        prefix(value >> 1, bits);
        bits.add((int) (value & 1));
        bits.add(1);
        for (int b : bits) bit(b);
    }

    /** Bits that bring the 2D/2E offset code from 1 to {@code m} through non-final steps (m -> 4m + 2a - 2 + b). */
    private static void prefix(long m, List<Integer> bits) {
        if (m == 1) return;
        long m0 = (m + 2) >> 2;
        prefix(m0, bits);
        bits.add((int) ((m + 2) >> 1 & 1));
        bits.add(0);
        bits.add((int) ((m + 2) & 1));
    }

    private void bit(int b) {
        if (bitCount == 0) {
            flush();
            wordPos = out.size();
            out.write(0);
            out.write(0);
            out.write(0);
            out.write(0);
        }
        word = word << 1 | b;
        if (++bitCount == 32) {
            flush();
        }
    }

    private final List<int[]> words = new ArrayList<>();

    private void flush() {
        if (wordPos >= 0) {
            words.add(new int[] {wordPos, word << (32 - bitCount) /* 32 bits: shift by 0 */, bitCount});
            wordPos = -1;
            word = 0;
            bitCount = 0;
        }
    }

    private byte[] result() {
        byte[] r = out.toByteArray();
        for (int[] w : words) {
            int val = w[1];
            r[w[0]] = (byte) val;
            r[w[0] + 1] = (byte) (val >> 8);
            r[w[0] + 2] = (byte) (val >> 16);
            r[w[0] + 3] = (byte) (val >>> 24);
        }
        return r;
    }
}
