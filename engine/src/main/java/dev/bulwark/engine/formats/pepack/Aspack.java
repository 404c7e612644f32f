package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ASPack 2.12 to 2.42: the packer's code, entered at its section's RVA + 1, decompresses a list of
 * blocks (RVA, size) in place in the memory image, undoes the call/jump target transform on the first
 * block and jumps to the original entry point. The layout of that code (block list, tables, original
 * entry point) sits at fixed offsets that differ per version; the version is told by where the
 * "push 0; ret" that the packer patches with the original entry point is. The rebuilt file has the
 * memory image's sections (without the two ASPack sections when they are last) as {@link RebuiltPe}
 * lays them out.
 */
final class Aspack {
    /** Entry code: pusha; call $+8; jmp ...; jmp short. */
    private static final byte[] EP_HEAD = {0x60, (byte) 0xe8, 0x03, 0x00, 0x00, 0x00, (byte) 0xe9, (byte) 0xeb};
    /** push 0; ret: patched at run time with the original entry point. */
    private static final byte[] PUSH_RET = {0x68, 0, 0, 0, 0, (byte) 0xc3};
    /** The entry code must be at least this long (the 2.12 "push 0; ret" ends there). */
    private static final int MIN_EP_CODE = 0x3bf;
    /** Bytes from the entry point the file must extend past (2.12 tables and the distance slot widths). */
    private static final int MIN_TAIL = 58 + 0x70e;
    /**
     * Each block is decompressed from a copy of itself; more total output than this times the image means
     * a block list that repeats itself.
     */
    private static final int MAX_PASSES = 4;

    /** Offsets from the ASPack section start (entry point - 1) per version. */
    enum Version {
        V212(0x3b9, 0x57c, 0x70e, 0x6d6, 0x148, 0x39b, 8),
        V2XX(0x41f, 0x5d8, 0x76a, 0x732, 0x13a, 0x401, 12),
        V242(0x42b, 0x5e4, 0x776, 0x73e, 0x148, 0x40d, 12);

        final int pushRet, blocks, slotBits, stuff, callMarker, oep, blockEntry;

        Version(int pushRet, int blocks, int slotBits, int stuff, int callMarker, int oep, int blockEntry) {
            this.pushRet = pushRet;
            this.blocks = blocks;
            this.slotBits = slotBits;
            this.stuff = stuff;
            this.callMarker = callMarker;
            this.oep = oep;
            this.blockEntry = blockEntry;
        }
    }

    private Aspack() {}

    /** The version whose entry code the file has, or null. */
    static Version version(ByteBuffer file, PeHeaders h) {
        if (h.is64) return null;
        ClamSections s = ClamSections.of(file, h);
        if (s == null) return null;
        long ep = s.rawAddress(h.entryRva);
        if (ep < 0 || ep + MIN_TAIL >= file.limit() || file.limit() - ep < MIN_EP_CODE) return null;
        if (!equalAt(file, ep, EP_HEAD)) return null;
        for (Version v : Version.values()) if (equalAt(file, ep + v.pushRet, PUSH_RET)) return v;
        return null;
    }

    /** The rebuilt file, or null when the file is not ASPack or does not unpack within {@code budget} bytes. */
    static byte[] unpack(ByteBuffer file, PeHeaders h, long budget) {
        Version v = version(file, h);
        if (v == null) return null;
        ClamSections s = ClamSections.of(file, h);
        long size = 0;
        for (int i = 0; i < s.count(); i++) size = Math.max(size, s.rva(i) + s.vsize(i));
        if (size == 0 || size > budget || size > Integer.MAX_VALUE - 8) return null;
        byte[] img = new byte[(int) size];
        for (int i = 0; i < s.count(); i++) {
            long rs = s.rsize(i);
            if (rs == 0) continue;
            if (s.rva(i) + rs > size || s.raw(i) + rs > file.limit()) return null;
            file.get((int) s.raw(i), img, (int) s.rva(i), (int) rs);
        }
        long ep = (h.entryRva - 1) & 0xffffffffL;
        if (!decompress(img, ep, v, budget)) return null;

        int n = s.count();
        if (n > 2 && ep == s.rva(n - 2) && s.rsize(n - 1) == 0) n -= 2; // drop the .aspack and .adata sections
        RebuiltPe.Section[] out = new RebuiltPe.Section[n];
        for (int i = 0; i < n; i++) out[i] = new RebuiltPe.Section(s.rva(i), s.vsize(i), s.rva(i), s.vsize(i));
        long oep = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).getInt((int) ep + v.oep) & 0xffffffffL;
        byte[] rebuilt = RebuiltPe.build(img, out, h.imageBase, oep, 0, 0, budget);
        return rebuilt != null ? rebuilt : img; // as ClamAV: the bare image when it cannot be rebuilt
    }

    /** Runs the block list; false when a block does not decode or the list does not end with a zero RVA. */
    private static boolean decompress(byte[] img, long ep, Version v, long budget) {
        int size = img.length;
        // the packer's code must be in the image: stuff, the call marker, the original entry point
        if (ep + v.stuff + AspackDecoder.STUFF_SIZE > size || ep + v.oep + 4 > size || ep + v.callMarker >= size) return false;
        int base = (int) ep;
        int[] slotBits = new int[AspackDecoder.SLOTS];
        for (int i = 0; i < slotBits.length; i++) {
            long at = ep + v.slotBits + i;
            slotBits[i] = at < size ? img[(int) at] & 0xff : -1;
        }
        AspackDecoder dec = new AspackDecoder(slotBits);
        long total = 0, blocks = ep + v.blocks;
        long rva = 1;
        int i = 0;
        while (blocks + 8 <= size) {
            rva = u32(img, (int) blocks);
            long bsize = u32(img, (int) blocks + 4);
            if (rva == 0 || bsize == 0 || rva + bsize > size) break;
            total += bsize;
            if (total > (long) MAX_PASSES * size || total > budget) return false;
            byte[] in = new byte[(int) bsize + AspackDecoder.INPUT_PAD];
            System.arraycopy(img, (int) rva, in, 0, (int) bsize);
            if (!dec.block(in, in.length, img, (int) rva, (int) bsize, base + v.stuff)) return false;
            if (i == 0 && bsize > 7) i = unfilterCalls(img, (int) rva, (int) bsize, base + v.callMarker);
            blocks += v.blockEntry;
            // entries whose size is -0x10e are skipped (the packer's own marker for an empty slot)
            while (v.blockEntry == 12 && blocks + 8 <= size && u32(img, (int) blocks + 4) == 0xfffffef2L) blocks += 12;
        }
        return rva == 0;
    }

    /**
     * The packer stores the targets of E8/E9 (call/jmp rel32) instructions whose first operand byte is
     * the marker byte as absolute, byte-rotated values; this turns them back into relative ones. Returns
     * the position the scan stopped at (never 0 for a block this long).
     */
    private static int unfilterCalls(byte[] img, int rva, int bsize, int marker) {
        int i = 0;
        while (i < bsize - 6) {
            int op = img[rva + i] & 0xff;
            if ((op == 0xe8 || op == 0xe9) && img[rva + i + 1] == img[marker]) {
                int at = rva + i + 1;
                int t = (int) u32(img, at) & 0xffffff00;
                t = Integer.rotateLeft(t, 24) - i;
                img[at] = (byte) t;
                img[at + 1] = (byte) (t >>> 8);
                img[at + 2] = (byte) (t >>> 16);
                img[at + 3] = (byte) (t >>> 24);
                i += 4;
            }
            i++;
        }
        return i;
    }

    private static long u32(byte[] b, int o) {
        return (b[o] & 0xffL) | (b[o + 1] & 0xffL) << 8 | (b[o + 2] & 0xffL) << 16 | (b[o + 3] & 0xffL) << 24;
    }

    private static boolean equalAt(ByteBuffer b, long off, byte[] p) {
        if (off < 0 || off + p.length > b.limit()) return false;
        for (int i = 0; i < p.length; i++) if (b.get((int) off + i) != p[i]) return false;
        return true;
    }
}
