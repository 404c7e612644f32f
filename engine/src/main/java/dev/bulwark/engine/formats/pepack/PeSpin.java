package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;

/**
 * PESpin 1.1: the last section holds the loader. Its own code is encrypted in three layers (a
 * decrementing byte key, a 32-bit shift-register key, and a small generated routine of 8-bit ALU
 * operations, the "poly" layer); the other sections are encrypted with a shift-register key derived
 * from a checksum of the file, then with a second poly routine, and some are compressed with the
 * aPLib variant FSG uses (the resources possibly only from some offset on). Each step is undone here
 * at the fixed offsets of version 1.1, and the sections (without the loader) are rebuilt into a PE
 * file as ClamAV rebuilds them: image base 0x400000 and entry point 0x1000, since the original entry
 * point is not recovered.
 */
final class PeSpin {
    /** Entry code from byte 4 on: call $+5; mov ebx, [esp]; add ebx, imm8. */
    private static final byte[] EP_CODE = {(byte) 0xe8, 0, 0, 0, 0, (byte) 0x8b, 0x1c, 0x24, (byte) 0x83, (byte) 0xc3};
    /** The loader's fixed layout (offsets from the entry point). */
    private static final int KEY8_MOV = 0xdb, LEN1_MOV = 0xe0, LAYER1 = 0x1fe5, LEN1 = 0x11fe, SUM_KEY = 0x3217,
            LAYER2_KEY = 0x26eb, LAYER2 = 0x2d5, LEN2 = 0x5a0, SUM_TAIL = 0x429, XOR_BITMAP = 0x3207, LAYER3_LEN = 0x644,
            LAYER3 = 0x28d3, LEN3 = 0x180, POLY_LEN = 0x28dd, POLY_CODE = 0x28ec, POLY = 0x6d4, LEN4 = 0x1a1,
            POLY_BITMAP = 0x6f1, SECTION_POLY = 0x755, PACK_BITMAP = 0x3061, RESOURCE_RVA = 0x2fee;
    /** The loader code must reach this far past the entry point. */
    private static final int LOADER = 0x3217 + 4;
    private static final int REBUILT_BASE = 0x400000, REBUILT_EP = 0x1000;

    private PeSpin() {}

    static boolean matches(ByteBuffer file, PeHeaders h) {
        if (h.is64 || h.sections() < 2) return false;
        ClamSections s = ClamSections.of(file, h);
        if (s == null || s.count() < 2) return false;
        int last = s.count() - 1;
        long end = (s.rva(last) + s.rsize(last)) & 0xffffffffL, vep = h.entryRva;
        if (vep < s.rva(last) || 0x3217 - 4 > end || vep >= ((end - LOADER) & 0xffffffffL)) return false;
        long ep = s.rawAddress(vep);
        if (ep < 0 || ep + 4 + EP_CODE.length > file.limit()) return false;
        for (int i = 0; i < EP_CODE.length; i++) if (file.get((int) ep + 4 + i) != EP_CODE[i]) return false;
        return true;
    }

    /** The rebuilt file, or null when a layer does not decrypt or a section does not decompress within {@code budget}. */
    static byte[] unpack(ByteBuffer file, PeHeaders h, long budget) {
        if (!matches(file, h) || file.limit() > budget) return null;
        ClamSections s = ClamSections.of(file, h);
        int n = s.count() - 1; // the loader section is last
        byte[] src = new byte[file.limit()];
        file.get(0, src);
        long vep = h.entryRva;
        int lraw = (int) s.raw(n), lrsz = (int) s.rsize(n);
        long e = vep - s.rva(n); // the entry point inside the loader section
        if (lrsz <= 0 || e + LOADER > lrsz) return null;
        int ep = (int) (lraw + e);
        // layer 1: bytes [ep + LAYER1, ep + LAYER1 + LEN1) xored, from the last one back, with a key that decreases
        if ((src[ep + KEY8_MOV] & 0xff) != 0xbb || (src[ep + LEN1_MOV] & 0xff) != 0xb9 || u32(src, ep + LEN1_MOV + 1) != LEN1) {
            return null;
        }
        int key8 = src[ep + KEY8_MOV + 1] & 0xff;
        for (int p = ep + LAYER1 + LEN1 - 1, k = 0; k < LEN1; k++, p--) src[p] ^= (byte) key8--;
        if (u32(src, ep + LAYER2_KEY + 5) != LEN2) return null;
        shiftRegister(src, ep + LAYER2, LEN2, (int) u32(src, ep + LAYER2_KEY), 0x8c328834, true);
        // the section key: a stored value minus a checksum of the file (as it was) up to the loader's tail
        long tail = (src.length - u32(src, ep + SUM_TAIL)) & 0xffffffffL;
        if (tail >= src.length) return null;
        int key32 = (int) u32(src, ep + SUM_KEY) - checksum(file, (int) tail);
        int bitmap = (int) u32(src, ep + XOR_BITMAP);
        for (int j = 0; j < n; j++, bitmap >>>= 1) {
            if ((bitmap & 1) == 0) continue;
            if (s.rsize(j) == 0) return null;
            shiftRegister(src, (int) s.raw(j), (int) s.rsize(j), key32, 0xed43af31, false);
        }
        if (u32(src, ep + LAYER3_LEN) != LEN3) return null;
        shiftRegister(src, ep + LAYER3, LEN3, (int) u32(src, ep + LAYER3_LEN + 0xc), 0xed43af32, true);
        if (u32(src, ep + POLY_LEN) != LEN4) return null;
        if (!SpinPoly.run(src, ep + POLY_CODE, ep + POLY, LEN4)) return null;
        bitmap = (int) u32(src, ep + POLY_BITMAP);
        for (int j = 0; j < n; j++, bitmap >>>= 1) {
            if ((bitmap & 1) != 0 && !SpinPoly.run(src, ep + SECTION_POLY, (int) s.raw(j), (int) s.rsize(j))) return null;
        }
        return rebuild(src, s, n, ep, budget);
    }

    /** Decompresses the sections the packer compressed (and the resources' tail) and lays them out. */
    private static byte[] rebuild(byte[] src, ClamSections s, int n, int ep, long budget) {
        int packed = (int) u32(src, ep + PACK_BITMAP);
        long grown = 0;
        int bm = packed;
        for (int j = 0; j < n; j++, bm >>>= 1) if ((bm & 1) != 0) grown += s.vsize(j);
        if (grown > budget) return null; // ClamAV skips the file as too large
        byte[][] data = new byte[n][];
        bm = packed;
        for (int j = 0; j < n; j++, bm >>>= 1) {
            if ((bm & 1) == 0) continue;
            if (s.vsize(j) == 0) return null;
            data[j] = new byte[(int) s.vsize(j)];
            if (!Aplib.unpack(src, (int) s.raw(j), (int) s.rsize(j), data[j], 0, data[j].length)) return null;
        }
        int compressed = packed;
        long res = u32(src, ep + RESOURCE_RVA);
        if (res != 0) {
            int j = 0;
            for (; j < n; j++) {
                long off = res - s.rva(j);
                if (s.rva(j) <= res && off < s.vsize(j) && off > 0 && off <= s.rsize(j)) break;
            }
            if (j != n && (compressed & (1 << j)) == 0) {
                int off = (int) (res - s.rva(j));
                byte[] r = new byte[(int) s.vsize(j)];
                System.arraycopy(src, (int) s.raw(j), r, 0, off);
                if (Aplib.unpack(src, (int) s.raw(j) + off, (int) s.rsize(j) - off, r, off, r.length - off)) {
                    data[j] = r;
                    compressed |= 1 << j;
                }
            }
        }
        RebuiltPe.Section[] out = new RebuiltPe.Section[n];
        long total = 0;
        bm = compressed;
        for (int j = 0; j < n; j++, bm >>>= 1) {
            long size = (bm & 1) != 0 ? s.vsize(j) : s.rsize(j);
            out[j] = new RebuiltPe.Section(s.rva(j), s.vsize(j), total, size);
            total += size;
        }
        if (total > budget) return null;
        byte[] blob = new byte[(int) total];
        bm = compressed;
        for (int j = 0; j < n; j++, bm >>>= 1) {
            int size = (int) out[j].rsize();
            // a grown section's bit aliased by a section number past 31 (shifts count mod 32): give up
            if ((bm & 1) != 0 && data[j] == null || data[j] != null && data[j].length < size) return null;
            if (data[j] != null) System.arraycopy(data[j], 0, blob, (int) out[j].raw(), size);
            else System.arraycopy(src, (int) s.raw(j), blob, (int) out[j].raw(), size);
        }
        return RebuiltPe.build(blob, out, REBUILT_BASE, REBUILT_EP, 0, 0, budget);
    }

    /**
     * XORs {@code len} bytes with the low byte of a 32-bit shift register: shifted right once per byte
     * and XORed with {@code poly} when the bit shifted out is 1 ({@code onOne}) or 0.
     */
    private static void shiftRegister(byte[] b, int at, int len, int key, int poly, boolean onOne) {
        for (int i = 0; i < len; i++) {
            boolean low = (key & 1) != 0;
            key >>>= 1;
            if (low == onOne) key ^= poly;
            b[at + i] ^= (byte) key;
        }
    }

    /** The loader's checksum over the first {@code len} bytes of the file. */
    static int checksum(ByteBuffer file, int len) {
        int eax = -1, ebx = -1;
        for (int i = 0; i < len; i++) {
            eax ^= (file.get(i) & 0xff) << 8;
            eax >>>= 3;
            for (int r = 0; r < 4; r++) {
                eax ^= ebx >>> 8 & 0xff;
                eax += 0x7801a108;
                eax ^= ebx;
                eax = Integer.rotateRight(eax, ebx & 0xff);
                int t = eax;
                eax = ebx;
                ebx = t;
            }
        }
        return ebx;
    }

    static long u32(byte[] b, int o) {
        return (b[o] & 0xffL) | (b[o + 1] & 0xffL) << 8 | (b[o + 2] & 0xffL) << 16 | (b[o + 3] & 0xffL) << 24;
    }
}
