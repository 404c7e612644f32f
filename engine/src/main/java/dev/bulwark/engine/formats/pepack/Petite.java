package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;

/**
 * Petite 2.1 and 2.2 (compression levels 1 to 9). The entry code starts with {@code mov eax, <address of
 * the packer section>} (2.2: the last section; 2.1: the one before it). A table in that section lists,
 * in the memory image, blocks of packed data to move (bit 31 set: count of dwords, source end,
 * destination end) and sections to decompress (source RVA, byte count, destination RVA), ending with a
 * zero. The last section decompressed carries petite's loader code at its end; it is cut off, and the
 * original entry point, which the loader keeps encrypted with a key folded over the import table, is
 * recovered from it. The sections are then written into a fresh PE file ({@link RebuiltPe}). Detection,
 * geometry, limits and the file produced follow ClamAV's Petite unpacker, so that both scan the same
 * bytes; only bounds where ClamAV has none (a work limit on decoding and on the import walk) are ours.
 */
final class Petite {
    private static final long M = 0xffffffffL;
    /** ClamAV reads the entry code into a 4 KiB buffer and only looks for Petite when 200 bytes are there. */
    private static final int MIN_EP_BYTES = 200;
    private static final int MOV_EAX = 0xb8;
    /** A dword at EP+0x80 marks compression level 0 (data stored, another table layout: not handled, as in ClamAV). */
    private static final int LEVEL_ZERO_AT = 0x80, LEVEL_ZERO = 0x163c988d;

    private Petite() {}

    static boolean matches(ByteBuffer file, PeHeaders h) {
        View v = View.of(file, h);
        return v != null && version(file, h, v) != 0;
    }

    /** The rebuilt file, or null when the file does not unpack (nothing is decoded outside the image). */
    static byte[] unpack(ByteBuffer file, PeHeaders h, long budget) {
        View v = View.of(file, h);
        int version = v == null ? 0 : version(file, h, v);
        if (version == 0) return null;
        long min = v.rva[0], max = v.rva[0] + v.rsz[0];
        for (int i = 1; i < v.n; i++) {
            min = Math.min(min, v.rva[i]);
            max = Math.max(max, v.rva[i] + v.rsz[i]);
        }
        long size = max - min;
        if (size <= 0 || size > budget || size > Integer.MAX_VALUE - 8) return null;
        byte[] buf = new byte[(int) size];
        for (int i = 0; i < v.n; i++) {
            if (v.raw[i] == 0) continue;
            long at = v.rva[i] - min, n = v.ursz[i];
            if (v.rsz[i] == 0 || !contained(0, size, at, n) || v.raw[i] + n > file.limit()) return null;
            file.get((int) v.raw[i], buf, (int) at, (int) n);
        }
        int opt = h.peOffset + 24;
        long dirs = PeHeaders.u32(file, opt + 92);
        long resRva = 0, resSize = 0;
        if (dirs >= 3 && opt + 0x78 <= file.limit()) {
            resRva = PeHeaders.u32(file, opt + 0x70);
            resSize = PeHeaders.u32(file, opt + 0x74);
        }
        int sections = v.n - (version == 1 ? 1 : 0);
        PetiteImage image = new PetiteImage(buf, min, v, sections, h.imageBase & M, h.entryRva, version == 2);
        return image.unpack() ? image.rebuild(resRva, resSize, budget) : null;
    }

    /** 2 for Petite 2.2, 1 for 2.1, 0 when the entry code is not Petite's (or is level 0). */
    private static int version(ByteBuffer file, PeHeaders h, View v) {
        if (h.is64) return 0;
        long ep = v.rawAddress(h.entryRva, file.limit());
        if (ep < 0 || ep + MIN_EP_BYTES > file.limit() || (file.get((int) ep) & 0xff) != MOV_EAX) return 0;
        long target = PeHeaders.u32(file, (int) ep + 1);
        int version;
        if (target == ((v.rva[v.n - 1] + h.imageBase) & M)) version = 2;
        else if (v.n >= 2 && target == ((v.rva[v.n - 2] + h.imageBase) & M)) version = 1;
        else return 0;
        return PeHeaders.u32(file, (int) ep + LEVEL_ZERO_AT) == LEVEL_ZERO ? 0 : version;
    }

    /** CLI_ISCONTAINED: a non-empty range inside a non-empty one (64-bit arithmetic, no wrap). */
    static boolean contained(long big, long bigSize, long at, long n) {
        return bigSize > 0 && n > 0 && n <= bigSize && at >= big && at + n <= big + bigSize;
    }

    /**
     * Section geometry as ClamAV's PE parser normalises it: RVA and raw offset aligned down, sizes
     * aligned up (unsigned 32-bit), raw sizes clipped to the file, and the unaligned raw size clipped
     * too ({@code ursz}: what is read from the file).
     */
    static final class View {
        final int n;
        final long[] rva, vsz, raw, rsz, ursz;
        /** SizeOfHeaders aligned up to the section alignment: entry points below it are file offsets. */
        private final long headers;

        private View(int n, long headers) {
            this.n = n;
            this.headers = headers;
            rva = new long[n];
            vsz = new long[n];
            raw = new long[n];
            rsz = new long[n];
            ursz = new long[n];
        }

        /** Null for what ClamAV's parser rejects before any unpacker runs (sign bits in section fields). */
        static View of(ByteBuffer file, PeHeaders h) {
            long fsize = file.limit(), sa = h.sectionAlignment, fa = h.fileAlignment;
            View v = new View(h.sections(), up(PeHeaders.u32(file, h.peOffset + 24 + 60), sa));
            for (int i = 0; i < v.n; i++) {
                long urva = h.rva(i), uvsz = h.virtualSize(i), uraw = h.rawPointer(i), ursz = h.rawSize(i);
                long rsz = up(ursz, fa);
                v.rva[i] = down(urva, sa);
                v.vsz[i] = up(uvsz, sa);
                v.raw[i] = down(uraw, fa);
                if (rsz != 0) {
                    if (v.raw[i] >= fsize || uraw >= fsize) rsz = ursz = 0;
                    else {
                        if (v.raw[i] + rsz > fsize) rsz = fsize - v.raw[i];
                        if (uraw + ursz > fsize) ursz = fsize - uraw;
                    }
                }
                if (v.vsz[i] == 0 && rsz != 0) v.vsz[i] = up(ursz, sa);
                if (urva >> 31 != 0 || uvsz >> 31 != 0 || (rsz != 0 && uraw >> 31 != 0) || ursz >> 31 != 0) return null;
                v.rsz[i] = rsz;
                v.ursz[i] = ursz;
            }
            return v;
        }

        /** File offset of an RVA as ClamAV maps the entry point (cli_rawaddr), or -1. */
        long rawAddress(long at, long fsize) {
            if (at < headers) return at < fsize ? at : -1;
            for (int i = n - 1; i >= 0; i--) {
                if (rsz[i] != 0 && rva[i] <= at && rsz[i] > at - rva[i]) return at - rva[i] + raw[i];
            }
            return -1;
        }

        private static long down(long v, long a) {
            return a == 0 ? v : v / a * a;
        }

        private static long up(long v, long a) {
            return a == 0 ? v : ((v / a + (v % a != 0 ? 1 : 0)) * a) & M;
        }
    }
}
