package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Small PE32 files packed as Petite 2.2 packs them, built from the structures the unpacker reads: a
 * ".text" section whose raw data holds the packed stream, and a last ".petite" section with the entry
 * code ({@code mov eax, <its own address>}), the block table (move the stream to the top of .text,
 * then decompress it to the start of .text) and an import array for the entry point key. The
 * decompressed data is the payload followed by a loader stub that carries the encrypted entry point.
 */
final class SyntheticPetite {
    static final int BASE = 0x400000, TEXT_RVA = 0x1000, TEXT_RAW = 0x200, TEXT_SIZE = 0x1000, PACK_RVA = 0x2000,
            PACK_RAW = TEXT_RAW + TEXT_SIZE, PACK_SIZE = 0x1000;
    /** Loader stub length (Petite 2.2, 2.1). */
    static final int STUB = 0x355, STUB_V21 = 0x323;
    /** Petite 2.1 files here have a third, last section after the packer's (2.1's table is in the one before the last). */
    static final int LAST_RVA = 0x3000, LAST_RAW = PACK_RAW + PACK_SIZE, LAST_SIZE = 0x200;
    private static final int KEY = 0x1234567;
    /** Where the import walk's thunk array and its one import list are put (RVAs in the packer section). */
    private static final int THUNKS = PACK_RVA + 0xf00, IMPORTS = PACK_RVA + 0xf10;

    private SyntheticPetite() {}

    /**
     * Petite 2.2 around {@code payload}, original entry point {@code oep}. With {@code mangled} the stub
     * says the imports were mangled and the import list has two entries (the key is then folded over
     * them); without, the import array is empty and the entry point is simply {@code oep}.
     */
    static byte[] build(byte[] payload, int oep, boolean mangled) {
        return build(payload, oep, mangled, 0);
    }

    /** As above, with {@code noOpMoves} table entries first that each move the whole image onto itself. */
    static byte[] build(byte[] payload, int oep, boolean mangled, int noOpMoves) {
        return build(payload, oep, mangled, noOpMoves, false);
    }

    /**
     * Petite 2.1 when {@code v21}: the table at 0x178, a shorter stub, the entry point key used as it
     * is (no import walk) and one more section after the packer's.
     */
    static byte[] build(byte[] payload, int oep, boolean mangled, int noOpMoves, boolean v21) {
        int ep = PACK_RVA;
        byte[] data = new byte[payload.length + (v21 ? STUB_V21 : STUB)];
        System.arraycopy(payload, 0, data, 0, payload.length);
        ByteBuffer s = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int stub = payload.length;
        s.putInt(stub + 0x54, 0x645ec033);
        s.putInt(stub + 0x58, 0x1b8b188b);
        s.putInt(stub + 0x07, KEY ^ 0x9d6661aa);
        s.putInt(stub + 0x0b, KEY ^ 0xe908c483);
        s.putInt(stub + 0x0f, (oep - ep - 5) ^ KEY);
        s.putInt(stub + 0x121, mangled ? THUNKS : THUNKS + 4);
        s.putInt(stub + 0x1c0, mangled ? 0x11223344 : 0x90909090);
        byte[] stream = encode(data);
        int words = (stream.length + 3) / 4;
        if (words * 4 > TEXT_SIZE / 2) throw new IllegalArgumentException("payload does not fit");

        byte[] f = shell(ep, v21);
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        System.arraycopy(stream, 0, f, TEXT_RAW, stream.length);
        int top = TEXT_RVA + TEXT_SIZE; // the stream is moved to end here, then decoded upwards from TEXT_RVA
        int p = PACK_RAW; // entry code
        f[p] = (byte) 0xb8;
        o.putInt(p + 1, BASE + PACK_RVA);
        int t = PACK_RAW + (v21 ? 0x178 : 0x1b8);
        int imageWords = (PACK_RVA + PACK_SIZE - TEXT_RVA) / 4, imageEnd = PACK_RVA + PACK_SIZE - 4;
        for (int k = 0; k < noOpMoves; k++, t += 12) {
            o.putInt(t, 0x80000000 | imageWords);
            o.putInt(t + 4, imageEnd);
            o.putInt(t + 8, imageEnd);
        }
        if (t + 32 > PACK_RAW + (THUNKS - PACK_RVA)) throw new IllegalArgumentException("table too long");
        o.putInt(t, 0x80000000 | words);
        o.putInt(t + 4, TEXT_RVA + (words - 1) * 4);
        o.putInt(t + 8, top - 4);
        o.putInt(t + 12, top - words * 4);
        o.putInt(t + 16, data.length);
        o.putInt(t + 20, TEXT_RVA);
        o.putInt(t + 28, 0); // end of the table
        int th = PACK_RAW + (THUNKS - PACK_RVA);
        o.putInt(th, IMPORTS);
        o.putInt(th + 4, 0);
        int im = PACK_RAW + (IMPORTS - PACK_RVA);
        o.putInt(im, 0x3000);
        o.putInt(im + 4, 0x80000010);
        o.putInt(im + 8, 0);
        return f;
    }

    private static byte[] shell(int ep, boolean v21) {
        byte[] f = new byte[v21 ? LAST_RAW + LAST_SIZE : PACK_RAW + PACK_SIZE];
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        f[0] = 'M';
        f[1] = 'Z';
        o.putInt(0x3c, 0x40);
        o.putInt(0x40, 0x4550);
        o.putShort(0x44, (short) 0x14c);
        o.putShort(0x46, (short) (v21 ? 3 : 2));
        o.putShort(0x54, (short) 0xe0);
        o.putShort(0x56, (short) 0x10f);
        int opt = 0x58;
        o.putShort(opt, (short) 0x10b);
        o.putInt(opt + 16, ep);
        o.putInt(opt + 28, BASE);
        o.putInt(opt + 32, 0x1000);
        o.putInt(opt + 36, 0x200);
        o.putShort(opt + 40, (short) 4);
        o.putShort(opt + 48, (short) 4);
        o.putInt(opt + 56, (v21 ? LAST_RVA : PACK_RVA) + 0x1000);
        o.putInt(opt + 60, 0x200);
        o.putShort(opt + 68, (short) 2);
        o.putInt(opt + 92, 16);
        section(f, o, opt + 0xe0, ".text", 0x1000, TEXT_RVA, TEXT_SIZE, TEXT_RAW);
        section(f, o, opt + 0xe0 + 40, ".petite", 0x1000, PACK_RVA, PACK_SIZE, PACK_RAW);
        if (v21) {
            section(f, o, opt + 0xe0 + 80, ".rsrc", 0x1000, LAST_RVA, LAST_SIZE, LAST_RAW);
            java.util.Arrays.fill(f, LAST_RAW, LAST_RAW + LAST_SIZE, (byte) 0x5a);
        }
        return f;
    }

    private static void section(byte[] f, ByteBuffer o, int s, String name, int vsz, int rva, int rsz, int ptr) {
        for (int i = 0; i < name.length(); i++) f[s + i] = (byte) name.charAt(i);
        o.putInt(s + 8, vsz);
        o.putInt(s + 12, rva);
        o.putInt(s + 16, rsz);
        o.putInt(s + 20, ptr);
        o.putInt(s + 36, 0xe0000060);
    }

    /**
     * The packed stream: the first byte stored, then greedy copies (distance 1..32, length 2 and up,
     * the previous distance reused when it repeats) and literals xored with the low byte of the count
     * still to go. Flag bytes are put where the decoder will need its next bit (lazily, MSB first).
     */
    static byte[] encode(byte[] data) {
        if (data.length >= 0x10000) throw new IllegalArgumentException("short streams only (5 extra distance bits)");
        Bits w = new Bits();
        w.write(data[0]);
        int pos = 1, lastD = 0;
        while (pos < data.length) {
            int bestLen = 0, bestD = 0;
            for (int d = 1; d <= 32 && d <= pos; d++) {
                int len = 0;
                while (pos + len < data.length && data[pos + len] == data[pos + len - d]) len++;
                if (len > bestLen) {
                    bestLen = len;
                    bestD = d;
                }
            }
            if (bestLen >= 2) {
                w.bit(1);
                if (bestD == lastD) { // code 2: previous distance; length in 2 bits (1..3) or gamma + 2
                    w.gamma(2);
                    lengthCode(w, bestLen, 0);
                } else { // code 3 then 5 bits: distance - 1; length counts one more
                    w.gamma(3);
                    for (int k = 4; k >= 0; k--) w.bit((bestD - 1) >> k & 1);
                    lengthCode(w, bestLen, 1);
                }
                lastD = bestD;
                pos += bestLen;
            } else {
                w.bit(0);
                w.write(data[pos] ^ (data.length - pos));
                pos++;
            }
        }
        return w.toByteArray();
    }

    private static void lengthCode(Bits w, int len, int extra) {
        int v = len - extra;
        if (v <= 3) {
            w.bit(v >> 1);
            w.bit(v & 1);
        } else {
            w.bit(0);
            w.bit(0);
            w.gamma(v - 2);
        }
    }

    /** The stream being written: bytes in order, with flag bytes set bit by bit after they are placed. */
    private static final class Bits {
        private byte[] buf = new byte[256];
        private int size, flagAt = -1, used = 8;

        void write(int b) {
            if (size == buf.length) buf = java.util.Arrays.copyOf(buf, size * 2);
            buf[size++] = (byte) b;
        }

        void bit(int b) {
            if (used == 8) { // the decoder fetches a flag byte when it needs a bit and the last one is used up
                flagAt = size;
                write(0);
                used = 0;
            }
            if (b != 0) buf[flagAt] |= (byte) (0x80 >> used);
            used++;
        }

        /** Elias gamma without the leading 1: each further bit followed by 1 (more) or 0 (last); {@code v >= 2}. */
        void gamma(int v) {
            int top = 31 - Integer.numberOfLeadingZeros(v);
            for (int k = top - 1; k >= 0; k--) {
                bit(v >> k & 1);
                bit(k > 0 ? 1 : 0);
            }
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buf, size);
        }
    }
}
