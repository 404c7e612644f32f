package dev.bulwark.engine.formats.pepack;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A PESpin 1.1 file built from scratch with {@link SyntheticPe}'s header: .text (stored), .data
 * (compressed), .rsrc (compressed from 0x40 on) and the loader section, encrypted layer by layer in the
 * reverse order of the unpacker: section poly routine, section XOR key, loader poly routine, then the
 * loader's three XOR layers; the section key is tied to a checksum of the headers.
 */
final class SyntheticSpin {
    static final int TEXT = 0x1000, DATA = 0x2000, RSRC = 0x3000, LOADER_RVA = 0x4000, EP_DELTA = 0x10;
    static final int RES_PLAIN = 0x40;
    private static final int TEXT_RAW = 0x200, DATA_RAW = 0x400, RSRC_RAW = 0x600, LOADER_RAW = 0x800, LOADER_SIZE = 0x3400;
    private static final int KEY32 = 0x1234abcd, KEY8 = 0x91;
    /** Decrypts with: xor al, cl; add al, 0x11; ror al, 3 (sections) and sub al, cl; xor al, 0x5a; inc al (loader). */
    private static final String SECTION_POLY = "32c1" + "0411" + "c0c803", LOADER_POLY = "2ac1" + "345a" + "fec0";

    private SyntheticSpin() {}

    static byte[] build(byte[] text, byte[] data, byte[] rsrc) {
        byte[] f = new byte[LOADER_RAW + LOADER_SIZE];
        ByteBuffer o = SyntheticPe.header(f, 4, LOADER_RVA + EP_DELTA, LOADER_RVA + 0x4000);
        int t = 0x58 + 0xe0;
        SyntheticPe.section(f, o, t, ".text", 0x1000, TEXT, 0x200, TEXT_RAW);
        SyntheticPe.section(f, o, t + 40, ".data", 0x1000, DATA, 0x200, DATA_RAW);
        SyntheticPe.section(f, o, t + 80, ".rsrc", 0x1000, RSRC, 0x200, RSRC_RAW);
        SyntheticPe.section(f, o, t + 120, "spin", 0x4000, LOADER_RVA, LOADER_SIZE, LOADER_RAW);
        System.arraycopy(text, 0, f, TEXT_RAW, text.length);
        put(f, DATA_RAW, aplib(Arrays.copyOf(data, 0x1000)), 0x200);
        System.arraycopy(rsrc, 0, f, RSRC_RAW, RES_PLAIN);
        put(f, RSRC_RAW + RES_PLAIN, aplib(Arrays.copyOfRange(rsrc, RES_PLAIN, 0x1000)), 0x200 - RES_PLAIN);

        int ep = LOADER_RAW + EP_DELTA;
        SyntheticPe.put(f, ep + 4, "e8000000008b1c2483c3");
        f[ep + 0xdb] = (byte) 0xbb;
        f[ep + 0xdc] = (byte) KEY8;
        f[ep + 0xe0] = (byte) 0xb9;
        o.putInt(ep + 0xe1, 0x11fe);
        o.putInt(ep + 0x26eb, 0x47b3f060);
        o.putInt(ep + 0x26f0, 0x5a0);
        o.putInt(ep + 0x429, f.length - 0x200); // checksum over the headers
        o.putInt(ep + 0x3207, 0b011);           // XOR: .text, .data
        o.putInt(ep + 0x644, 0x180);
        o.putInt(ep + 0x650, 0x43a806db);
        o.putInt(ep + 0x28dd, 0x1a1);
        routine(f, ep + 0x28ec, LOADER_POLY);
        o.putInt(ep + 0x6f1, 0b011);            // poly: .text, .data
        routine(f, ep + 0x755, SECTION_POLY);
        o.putInt(ep + 0x3061, 0b010);           // compressed: .data
        o.putInt(ep + 0x2fee, RSRC + RES_PLAIN); // resources compressed from here on

        for (int raw : new int[] {TEXT_RAW, DATA_RAW}) {
            for (int i = 0; i < 0x200; i++) { // inverse of the section routine, cl = bytes left
                int al = Integer.rotateLeft((f[raw + i] & 0xff) * 0x01010101, 3) & 0xff;
                f[raw + i] = (byte) (((al - 0x11) & 0xff) ^ ((0x200 - i) & 0xff));
            }
            shiftRegister(f, raw, 0x200, KEY32, 0xed43af31, false);
        }
        for (int i = 0; i < 0x1a1; i++) { // inverse of the loader routine over [ep + 0x6d4, ep + 0x875)
            int at = ep + 0x6d4 + i;
            f[at] = (byte) ((((f[at] & 0xff) - 1) & 0xff ^ 0x5a) + ((0x1a1 - i) & 0xff));
        }
        shiftRegister(f, ep + 0x28d3, 0x180, 0x43a806db, 0xed43af32, true);
        shiftRegister(f, ep + 0x2d5, 0x5a0, 0x47b3f060, 0x8c328834, true);
        int key8 = KEY8;
        for (int p = ep + 0x1fe5 + 0x11fe - 1, k = 0; k < 0x11fe; k++, p--) f[p] ^= (byte) key8--;
        o.putInt(ep + 0x3217, KEY32 + PeSpin.checksum(ByteBuffer.wrap(f), 0x200));
        return f;
    }

    private static void routine(byte[] f, int at, String hex) {
        Arrays.fill(f, at, at + SpinPoly.LENGTH, (byte) 0x90);
        SyntheticPe.put(f, at, hex);
        f[at + SpinPoly.LENGTH] = (byte) 0xaa;
    }

    private static void put(byte[] f, int at, byte[] b, int room) {
        if (b.length > room) throw new IllegalArgumentException("does not fit: " + b.length);
        System.arraycopy(b, 0, f, at, b.length);
    }

    private static void shiftRegister(byte[] b, int at, int len, int key, int poly, boolean onOne) {
        for (int i = 0; i < len; i++) {
            boolean low = (key & 1) != 0;
            key >>>= 1;
            if (low == onOne) key ^= poly;
            b[at + i] ^= (byte) key;
        }
    }

    /** aPLib (FSG flavour): the first byte as is, then literals and matches (distance up to 0x7f, length 4 on), end marker. */
    static byte[] aplib(byte[] d) {
        Tags w = new Tags();
        w.out.write(d[0]);
        int pos = 1;
        boolean lostBit = true;
        while (pos < d.length) {
            int best = 0, dist = 0;
            for (int k = 1; k <= 0x7f && k <= pos; k++) {
                int l = 0;
                while (pos + l < d.length && d[pos + l] == d[pos + l - k]) l++;
                if (l > best) {
                    best = l;
                    dist = k;
                }
            }
            if (best >= 4) { // 1 0, gamma(2 + lostBit), distance byte, gamma(length - 2)
                w.bit(1);
                w.bit(0);
                w.gamma(lostBit ? 3 : 2);
                w.out.write(dist);
                w.gamma(best - 2);
                pos += best;
                lostBit = false;
            } else {
                w.bit(0);
                w.out.write(d[pos++]);
                lostBit = true;
            }
        }
        w.bit(1); // end: short match with distance 0
        w.bit(1);
        w.bit(0);
        w.out.write(0);
        return w.out.toByteArray();
    }

    /** Tag bits in bytes reserved in the output where the decoder will look for them. */
    private static final class Tags {
        final Out out = new Out();
        private int tagAt = -1, left;

        void bit(int b) {
            if (left == 0) {
                tagAt = out.size();
                out.write(0);
                left = 8;
            }
            left--;
            if (b != 0) out.set(tagAt, 1 << left);
        }

        void gamma(int v) {
            int top = 31 - Integer.numberOfLeadingZeros(v);
            for (int i = top - 1; i >= 0; i--) {
                bit(v >>> i & 1);
                bit(i > 0 ? 1 : 0);
            }
        }
    }

    private static final class Out extends ByteArrayOutputStream {
        void set(int at, int mask) {
            buf[at] |= (byte) mask;
        }
    }
}
