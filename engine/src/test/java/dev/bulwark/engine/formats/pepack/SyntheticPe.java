package dev.bulwark.engine.formats.pepack;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/** Small PE32 files packed the way yC and WWPack pack them, built from the structures the unpackers read. */
final class SyntheticPe {
    static final int TEXT_RVA = 0x1000, TEXT_RAW = 0x200, TEXT_SIZE = 0x200, PACK_RVA = 0x2000, PACK_RAW = 0x400,
            PACK_SIZE = 0x1200;

    private SyntheticPe() {}

    /** Two sections (.text with the payload, then the packer's section) and the entry point in the latter. */
    private static byte[] shell(String packName, int ep, int packVsize) {
        return shell(0x40, packName, ep, packVsize);
    }

    /** {@link #shell(String, int, int)} with the PE header at {@code pe} (MEW puts it inside the DOS header). */
    private static byte[] shell(int pe, String packName, int ep, int packVsize) {
        byte[] f = new byte[PACK_RAW + PACK_SIZE];
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        f[0] = 'M';
        f[1] = 'Z';
        o.putInt(0x3c, pe);
        o.putInt(pe, 0x4550);
        o.putShort(pe + 4, (short) 0x14c);
        o.putShort(pe + 6, (short) 2);
        o.putShort(pe + 20, (short) 0xe0);
        o.putShort(pe + 22, (short) 0x10f);
        int opt = pe + 24;
        o.putShort(opt, (short) 0x10b);
        o.putInt(opt + 16, ep);
        o.putInt(opt + 28, 0x400000);
        o.putInt(opt + 32, 0x1000);
        o.putInt(opt + 36, 0x200);
        o.putShort(opt + 40, (short) 4);
        o.putShort(opt + 48, (short) 4);
        o.putInt(opt + 56, PACK_RVA + packVsize);
        o.putInt(opt + 60, 0x200);
        o.putShort(opt + 68, (short) 2);
        o.putInt(opt + 92, 16);
        section(f, o, opt + 0xe0, ".text", 0x1000, TEXT_RVA, TEXT_SIZE, TEXT_RAW);
        section(f, o, opt + 0xe0 + 40, packName, packVsize, PACK_RVA, PACK_SIZE, PACK_RAW);
        return f;
    }

    /** MEW: the stub's parameters follow the section table at this RVA (= file offset). */
    static final int MEW_PARAMS = 0x154;
    private static final int MEW_TABLE = 0x10, MEW_EP = 0x1000, MEW_LZMA_CALL = 0x1080, MEW_PROBS = 0x2000, MEW_PACK_VSIZE = 0x9000;

    /**
     * MEW 11 SE: an empty first section for {@code payload}, the packer section holding the region table
     * (original entry point, destination, then MEW's LZ stream); with {@code lzma} 1 the LZ region is a
     * single byte and the payload follows as an LZMA block (lc 4, pb 2), with 2 the same in the "special"
     * one-block form with the E8/E9 call filter.
     */
    static byte[] mew(byte[] payload, int oep, int lzma) {
        return mew(payload, oep, lzma, 1);
    }

    /** {@link #mew(byte[], int, int)} with the LZMA block written {@code blocks} times (plain form only). */
    static byte[] mew(byte[] payload, int oep, int lzma, int blocks) {
        byte[] f = shell(0xc, "MEW", PACK_RVA + MEW_EP, MEW_PACK_VSIZE);
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int s0 = 0xc + 24 + 0xe0;
        o.putInt(s0 + 16, 0); // no raw data: the first section is memory only
        o.putInt(s0 + 20, 0);
        int ep = PACK_RAW + MEW_EP;
        f[ep] = (byte) 0xe9;
        o.putInt(ep + 1, MEW_PARAMS - (PACK_RVA + MEW_EP + 5));
        f[MEW_PARAMS] = (byte) 0xbe; // mov esi, table
        o.putInt(MEW_PARAMS + 1, 0x400000 + PACK_RVA + MEW_TABLE);
        int t = PACK_RAW + MEW_TABLE;
        o.putInt(t + 4, 0x400000 + oep);
        o.putInt(t + 8, 0x400000 + TEXT_RVA);
        byte[] lz = mewLz(lzma == 0 ? payload : new byte[] {0x4d});
        System.arraycopy(lz, 0, f, t + 12, lz.length);
        int at = t + 12 + lz.length + 4; // next destination: 0, the last region
        if (lzma == 0) return f;
        boolean special = lzma == 2;
        f[MEW_PARAMS + 0x7b] = (byte) 0xe8; // call to the LZMA routine
        o.putInt(MEW_PARAMS + 0x7c, PACK_RVA + MEW_LZMA_CALL - MEW_PARAMS - 0x80);
        f[PACK_RAW + MEW_LZMA_CALL + 8] = (byte) (special ? 0x50 : 0x90); // push eax: the one-block form
        byte[] data = special ? mewFilter(payload) : payload;
        byte[] packed = rawLzma(data);
        if (special) {
            o.putInt(at, payload.length);
            at += 4;
        }
        o.putInt(at, 0x400000 + PACK_RVA + MEW_PROBS);
        at += 4;
        for (int k = 0; k < (special ? 1 : blocks); k++, at += 13 + packed.length) {
            o.putInt(at, payload.length);
            o.putInt(at + 4, 0x400000 + TEXT_RVA);
            o.putInt(at + 8, packed.length);
            System.arraycopy(packed, 0, f, at + 13, packed.length); // one unused byte before the coder's 5
        }
        return f; // the zero length that ends the block list follows (the file is zero-filled)
    }

    private static final int UPACK_STREAM = 0x200, UPACK_PROBS = 0x4000, UPACK_COUNT = 0x1c, UPACK_LC = 3;

    /**
     * Upack 1.1/1.2 (2 sections, the first empty; the entry code "mov esi, params; lodsd; mov edi, eax"):
     * the parameters in the DOS header area (probability table, input, output, output end), the stub's
     * constants at fixed offsets from the entry point, and {@code payload} as raw LZMA (lc 3, lp 0, pb 0)
     * decoded into the first section. No call filter.
     */
    static byte[] upack11(byte[] payload, int oep) {
        byte[] f = shell(0x180, "", PACK_RVA, 0x9000);
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int s0 = 0x180 + 24 + 0xe0;
        o.putInt(s0 + 16, 0); // the first section is memory only
        o.putInt(s0 + 20, 0);
        int base = 0x400000, code = PACK_RAW; // entry point at the start of the packer section
        f[code] = (byte) 0xbe;
        o.putInt(code + 1, base + 0x148); // below the first section: the parameters are in the header
        put(f, code + 5, "ad8bf8");
        f[code + 0x1b] = UPACK_COUNT; // rep stosd count / 0x100: probabilities to set to one half
        f[code + 0x41] = UPACK_LC;
        o.putInt(code + 0x1a4, oep - (PACK_RVA + 0x1a8)); // the final jump to the original entry point
        o.putInt(code + 0x174, 0); // calls to un-filter
        byte[] z = rawLzma(payload, UPACK_LC, 0);
        System.arraycopy(z, 1, f, PACK_RAW + UPACK_STREAM, z.length - 1); // the coder's leading zero byte is not stored
        o.putInt(0x148, base + UPACK_PROBS - 4);
        o.putInt(0x14c, base + PACK_RVA + UPACK_STREAM);
        o.putInt(0x150, base + TEXT_RVA);
        o.putInt(0x130, base + TEXT_RVA + payload.length);
        return f;
    }

    /**
     * Upack 0.39, 2-section form (entry code "pusha; call $+9"): the stub finds its parameter block
     * before the entry point (through the dword after the call), copies a table from it into the image
     * (the coder's state with range and low swapped, the output range, a relocated input pointer) and
     * sets {@code count} probabilities after it to the value the table names.
     */
    static byte[] upack039(byte[] payload, int oep) {
        byte[] f = shell(0x40, "", PACK_RVA + 0x400, 0x9000);
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int s0 = 0x40 + 24 + 0xe0;
        o.putInt(s0 + 16, 0);
        o.putInt(s0 + 20, 0);
        int base = 0x400000, code = PACK_RAW + 0x400, codeRva = PACK_RVA + 0x400;
        put(f, code, "60e809000000");
        int block = code - 0x200, blockRva = codeRva - 0x200; // the parameter block, 0x200 bytes before
        o.putInt(code + 6, 6 + 0x200); // what the stub subtracts from its own address to find the block
        f[code + 0x3a] = UPACK_COUNT;
        f[code + 0x5f] = UPACK_LC;
        o.putInt(code + 0x217, oep - (codeRva + 0x21b));
        o.putInt(block, base + blockRva); // the block's own address: no relocation
        int tables = UPACK_PROBS, words = 0x21;
        o.putInt(block + 4, base + tables);
        o.putInt(block + 8, words);
        int t = block + 12; // copied to "tables": entries stepped over, then 0x400, the input, the state
        o.putInt(t, 0x14);
        o.putInt(t + 4, base + TEXT_RVA);
        o.putInt(t + 0x2c, base + TEXT_RVA + payload.length);
        o.putInt(t + 0x48, 0); // calls to un-filter
        o.putInt(t + 0x54, 0x400);
        o.putInt(t + 0x68, base + PACK_RVA + 0x800);
        o.putInt(t + 0x6c, 0); // low, then range: the stub swaps them
        o.putInt(t + 0x70, -1);
        for (int i = 0; i < 4; i++) o.putInt(t + 0x74 + 4 * i, 1);
        byte[] z = rawLzma(payload, UPACK_LC, 0);
        System.arraycopy(z, 1, f, PACK_RAW + 0x800, z.length - 1);
        return f;
    }

    /** MEW's call filter: each E8/E9 operand becomes big-endian absolute (position + 1 added). */
    private static byte[] mewFilter(byte[] p) {
        byte[] b = p.clone();
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN), be = ByteBuffer.wrap(b);
        for (int i = 0; i < b.length - 5; i++) {
            if ((b[i] & 0xff) != 0xe8 && (b[i] & 0xff) != 0xe9) continue;
            be.putInt(i + 1, le.getInt(i + 1) + i + 1);
            i += 4;
        }
        return b;
    }

    /** Raw LZMA (no header, no end marker) with MEW's parameters: lc 4, lp 0, pb 2. */
    static byte[] rawLzma(byte[] data) {
        return rawLzma(data, 4, 2);
    }

    static byte[] rawLzma(byte[] data, int lc, int pb) {
        try {
            org.tukaani.xz.LZMA2Options opt = new org.tukaani.xz.LZMA2Options();
            opt.setDictSize(1 << 16);
            opt.setLcLp(lc, 0);
            opt.setPb(pb);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (org.tukaani.xz.LZMAOutputStream z = new org.tukaani.xz.LZMAOutputStream(out, opt, false)) {
                z.write(data);
            }
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * MEW's LZ coder, the parts a small payload needs: literals, a zero byte as "111" + 0000, repeats
     * within 127 bytes as "110" + (distance << 1 | length - 2), and "110" + 0 at the end. Tag bits are
     * taken MSB first from bytes placed in the stream when the decoder will need them.
     */
    static byte[] mewLz(byte[] d) {
        LzTags w = new LzTags();
        w.out.write(d[0]);
        int pos = 1;
        while (pos < d.length) {
            int dist = 0, len = 0;
            for (int k = 1; k <= 127 && k <= pos; k++) {
                int n = 0;
                while (n < 3 && pos + n < d.length && d[pos + n - k] == d[pos + n]) n++;
                if (n >= 2 && n > len) {
                    dist = k;
                    len = n;
                }
            }
            if (len >= 2) {
                w.bits(0b110, 3);
                w.out.write(dist << 1 | (len - 2));
                pos += len;
            } else if (d[pos] == 0) {
                w.bits(0b1110000, 7);
                pos++;
            } else {
                w.bits(0, 1);
                w.out.write(d[pos++]);
            }
        }
        w.bits(0b110, 3);
        w.out.write(0);
        return w.finish();
    }

    private static final class LzTags {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final java.util.List<int[]> tags = new java.util.ArrayList<>();
        private int at = -1, used = 8, value;

        void bits(int v, int n) {
            for (int i = n - 1; i >= 0; i--) {
                if (used == 8) { // the decoder fetches the next tag byte here, from where the stream is now
                    if (at >= 0) tags.add(new int[] {at, value});
                    at = out.size();
                    out.write(0);
                    used = 0;
                    value = 0;
                }
                value |= (v >>> i & 1) << (7 - used++);
            }
        }

        byte[] finish() {
            if (at >= 0) tags.add(new int[] {at, value});
            byte[] r = out.toByteArray();
            for (int[] t : tags) r[t[0]] = (byte) t[1];
            return r;
        }
    }

    static void section(byte[] f, ByteBuffer o, int s, String name, int vsz, int rva, int rsz, int ptr) {
        for (int i = 0; i < name.length(); i++) f[s + i] = (byte) name.charAt(i);
        o.putInt(s + 8, vsz);
        o.putInt(s + 12, rva);
        o.putInt(s + 16, rsz);
        o.putInt(s + 20, ptr);
        o.putInt(s + 36, 0xe0000060);
    }

    /**
     * yC 1.x ("modified" entry, shift -0x18): layer 1 is "xor al, 0x5a" over 0x1000 bytes of the yC
     * section, layer 2 (inside them) is "add al, 7" over .text; the original entry point is {@code oep}.
     */
    static byte[] yc(byte[] payload, int oep) {
        int ecx = 0x1000;
        byte[] f = shell("yC", PACK_RVA + 0x60, 0x2000);
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int ep = PACK_RAW + 0x60, yc = PACK_RAW - 0x18;
        put(f, ep, "60e8000000005d81ed");
        o.putInt(ep + 0x9, 0x1000);
        f[ep + 0xd] = (byte) 0xb9;
        o.putInt(ep + 0xe, ecx);
        put(f, ep + 0x12, "8dbd");
        o.putInt(ep + 0x14, 0x1000 + 0x48);
        put(f, ep + 0x18, "8bf7ac");
        put(f, ep + 0x4b, "aae2cc");
        int r1 = yc + 0x93;
        java.util.Arrays.fill(f, r1, r1 + 0x30, (byte) 0x90);
        put(f, r1, "345a");
        // plaintext of the layer-1 region: routine 2 and the OEP, then encrypted with xor 0x5a
        int code = yc + 0xc6, r2 = yc + 0x3ea;
        java.util.Arrays.fill(f, r2, r2 + 0x30, (byte) 0x90);
        put(f, r2, "0407");
        o.putInt(yc + 0xa0f, oep);
        for (int i = 0; i < ecx; i++) f[code + i] ^= 0x5a;
        for (int i = 0; i < payload.length; i++) f[TEXT_RAW + i] = (byte) (payload[i] - 7);
        return f;
    }

    /** WWPack32 with one region: .text holds a literal/short-copy stream that decodes to {@code payload}. */
    static byte[] wwpack(byte[] payload, int oep) {
        byte[] f = shell(".WWP32", PACK_RVA, 0x1000);
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int ep = PACK_RAW;
        put(f, ep, "53558be833dbeb");
        put(f, ep + 0x68, "e800000000582d6d0000005060" + "33c950585050");
        byte[] stream = wwStream(payload);
        if (stream.length > TEXT_SIZE) throw new IllegalArgumentException("payload does not fit");
        System.arraycopy(stream, 0, f, TEXT_RAW, stream.length);
        int t = PACK_RAW + 0x2a1;
        o.putInt(t, PACK_RVA - TEXT_RVA);
        o.putInt(t + 8, stream.length / 4);
        o.putInt(t + 12, stream.length - 4);
        f[t + 16] = 0;
        o.putInt(PACK_RAW + 0x295, oep - PACK_RVA - 0x299);
        return f;
    }

    /** Flag bits in little-endian dwords refilled as soon as the previous one is used up; literals in between. */
    static byte[] wwStream(byte[] data) {
        WwWriter w = new WwWriter();
        int pos = 0;
        while (pos < data.length) {
            int d = 0;
            for (int k = 1; k <= 32 && k <= pos && pos + 2 <= data.length; k++) {
                if (data[pos - k] == data[pos] && data[pos - k + 1] == data[pos + 1]) {
                    d = k;
                    break;
                }
            }
            if (d > 0) { // 2-byte copy: 1, 11, 00, 5-bit distance - 1
                w.bits(0b11100, 5);
                w.bits(d - 1, 5);
                pos += 2;
            } else {
                w.bits(0, 1);
                w.out.write(data[pos++]);
            }
        }
        w.bits(0b11111, 5); // end: 2-byte copy class 3 (9 bits) with value 0x1ff
        w.bits(0x1ff, 9);
        return w.finish();
    }

    private static final class WwWriter {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final java.util.List<int[]> words = new java.util.ArrayList<>();
        private int at, used, value;

        WwWriter() {
            out.writeBytes(new byte[4]);
        }

        void bits(int v, int n) {
            for (int i = n - 1; i >= 0; i--) {
                value |= (v >>> i & 1) << (31 - used);
                if (++used == 32) { // the unpacker refills right away, before any literal that follows
                    words.add(new int[] {at, value});
                    at = out.size();
                    used = 0;
                    value = 0;
                    out.writeBytes(new byte[4]);
                }
            }
        }

        byte[] finish() {
            words.add(new int[] {at, value});
            byte[] r = out.toByteArray();
            r = java.util.Arrays.copyOf(r, (r.length + 3) & ~3);
            ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] w : words) b.putInt(w[0], w[1]);
            return r;
        }
    }

    /** A PE32 header (MZ, PE, optional header with 16 directories) for {@code sections} sections, table at 0x138. */
    static ByteBuffer header(byte[] f, int sections, int ep, int imageSize) {
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        f[0] = 'M';
        f[1] = 'Z';
        o.putInt(0x3c, 0x40);
        o.putInt(0x40, 0x4550);
        o.putShort(0x44, (short) 0x14c);
        o.putShort(0x46, (short) sections);
        o.putShort(0x54, (short) 0xe0);
        o.putShort(0x56, (short) 0x10f);
        int opt = 0x58;
        o.putShort(opt, (short) 0x10b);
        o.putInt(opt + 16, ep);
        o.putInt(opt + 28, 0x400000);
        o.putInt(opt + 32, 0x1000);
        o.putInt(opt + 36, 0x200);
        o.putShort(opt + 40, (short) 4);
        o.putShort(opt + 48, (short) 4);
        o.putInt(opt + 56, imageSize);
        o.putInt(opt + 60, 0x200);
        o.putShort(opt + 68, (short) 2);
        o.putInt(opt + 92, 16);
        return o;
    }

    static void put(byte[] f, int at, String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        System.arraycopy(b, 0, f, at, b.length);
    }
}
