package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * MEW 11 SE: an empty first section (the memory of the original sections) followed by the packer's
 * section. The entry point jumps back into the PE header, where the stub's parameters sit (a pointer
 * to a table in the packer section: original entry point, first destination, then the compressed
 * regions one after another, each followed by the address of the next). Regions are compressed with
 * FSG's aPLib-style LZ coder ({@link Aplib}) and, when the stub calls one, the image then with LZMA
 * ({@link Lzma#mewStreams}). The result is rebuilt the way ClamAV rebuilds it
 * ({@link RebuiltPe}): one section per region, or one for the whole image after LZMA.
 */
final class Mew {
    /** The stub's parameter block is at one of these RVAs (with or without "Win9x compatibility"). */
    private static final int PARAMS_9X = 0x154, PARAMS = 0x158, PARAMS_LEN = 0xb0;
    /** Bytes of entry code ClamAV needs before it looks for MEW. */
    private static final int EP_MIN = 16;
    /** Regions are rebuilt at page granularity. */
    private static final int PAGE = 0x1000;
    /** A region list longer than this cannot be rebuilt (the PE section limit). */
    private static final int MAX_REGIONS = 96;
    /**
     * Bytes all regions together may write, as a multiple of the buffer: the packer writes each byte
     * once, a hostile table could make every region rewrite the whole buffer.
     */
    private static final int MAX_REWRITES = 4;
    private static final int TABLE = 12;

    private Mew() {}

    /** Where the parameters are, or -1 when the file does not look like MEW. */
    private record Found(int empty, long params) {}

    private static Found find(ByteBuffer file, PeHeaders h, ClamSections l) {
        if (h.is64 || l == null) return null;
        int empty = -1;
        for (int i = 0; i < l.count() - 1; i++) {
            if (l.rsize(i) == 0 && l.vsize(i) != 0 && l.rsize(i + 1) != 0
                    && l.vsize(i + 1) != 0) {
                empty = i;
                break;
            }
        }
        long ep = l.rawAddress(h.entryRva);
        if (empty < 0 || ep < 0 || file.limit() - ep < EP_MIN || (file.get((int) ep) & 0xff) != 0xe9) return null;
        long params = (h.entryRva + PeHeaders.u32(file, (int) ep + 1) + 5) & 0xffffffffL;
        return params == PARAMS_9X || params == PARAMS ? new Found(empty, params) : null;
    }

    static boolean matches(ByteBuffer file, PeHeaders h) {
        return find(file, h, ClamSections.of(file, h)) != null;
    }

    /** The rebuilt image, or null when the parameters or the data do not unpack. */
    static byte[] unpack(ByteBuffer file, PeHeaders h, long budget) {
        ClamSections l = ClamSections.of(file, h);
        Found f = find(file, h, l);
        if (f == null || f.params + PARAMS_LEN > file.limit()) return null;
        int t = (int) f.params, i = f.empty;
        long base = h.imageBase & 0xffffffffL;
        long packRva = l.rva(i + 1), packRaw = l.raw(i + 1);
        long packRsz = l.rsize(i + 1);
        long off = (PeHeaders.u32(file, t + 1) - base) & 0xffffffffL;
        // ClamAV bounds the table pointer by the section's raw offset, not its size: kept so both accept the same files
        if (off <= packRva || off >= ((packRva + packRaw - 4) & 0xffffffffL)) return null;
        off -= packRva;
        long ssize = l.vsize(i + 1), dsize = l.vsize(i);
        if (ssize + dsize > 0xffffffffL || off >= ssize + dsize) return null;
        if (Math.max(ssize + dsize, packRsz) > budget) return null;
        if (packRsz < off + TABLE || packRsz > ssize) return null;
        byte[] src = new byte[(int) (ssize + dsize)];
        file.get((int) packRaw, src, (int) dsize, (int) packRsz);
        long lzma = 0;
        if ((file.get(t + 0x7b) & 0xff) == 0xe8) {
            long call = PeHeaders.u32(file, t + 0x7c);
            long target = (call + f.params + 0x80) & 0xffffffffL;
            long r1 = l.count() > 1 ? l.rva(1) : 0, v1 = l.count() > 1 ? l.vsize(1) : 0;
            if (v1 < 4 || target < r1 || target + 4 > r1 + v1) return null;
            lzma = (call - (l.rva(0) - f.params - 0x80)) & 0xffffffffL;
        }
        return unmew11(src, off, ssize, dsize, base, l.rva(0), lzma, budget);
    }

    /** Follows the region table in {@code src} (the image from {@code vadd}, packer section at {@code dsize}). */
    static byte[] unmew11(byte[] src, long off, long ssize, long dsize, long base, long vadd, long lzma, long budget) {
        long vma = base + vadd, sum = ssize + dsize;
        if (vma > 0xffffffffL || sum > 0xffffffffL || !Lzma.in(src, off, TABLE)) return null;
        long table = dsize + off;
        if (!Lzma.in(src, table, TABLE)) return null;
        long ep = Lzma.le32u(src, (int) table + 4);
        long next = Lzma.le32u(src, (int) table + 8);
        long in = table + TABLE, inLen = (ssize - TABLE - off) & 0xffffffffL;
        long out = (next - vma) & 0xffffffffL, outLen = (sum - out) & 0xffffffffL;
        List<RebuiltPe.Section> regions = new ArrayList<>();
        long lastRaw = 0, end = -1, work = (long) MAX_REWRITES * src.length;
        for (int i = 0; ; i++) {
            if (!Lzma.in(src, in, inLen) || !Lzma.in(src, out, outLen) || regions.size() >= MAX_REGIONS) return null;
            int[] ends = Aplib.unpackEnds(src, (int) in, (int) inLen, src, (int) out, (int) outLen);
            if (ends == null || (work -= ends[1] - out) < 0) return null; // the coder writes forward only
            end = ends[0];
            if (!Lzma.in(src, end, 4)) return null;
            inLen = (inLen - (end + 4 - in)) & 0xffffffffL;
            in = end + 4;
            next = Lzma.le32u(src, (int) end);
            out = (next - vma) & 0xffffffffL;
            outLen = (sum - out) & 0xffffffffL;
            if (lzma == 0) {
                long val = pages(ends[1]);
                if (i > 0 && val < lastRaw) return null;
                long size = i > 0 ? val - lastRaw : val;
                if (lastRaw + size > dsize) return null;
                long rva = pages(lastRaw + vadd), whole = pages(size); // size: whole pages already
                regions.add(new RebuiltPe.Section(rva, whole, lastRaw, whole));
                lastRaw = val;
            }
            if (next == 0) break;
        }
        if (lzma != 0) {
            if (!Lzma.in(src, lzma + 8, 1) || !Lzma.in(src, end + 4, 29)) return null;
            if (!Lzma.mewStreams(src, end + 4, vma, src[(int) lzma + 8] == 0x50)) return null; // 0x50: push eax
            // one section for the whole first section's memory, rounded up to pages with zeros (not packer bytes)
            long whole = pages(dsize);
            if (whole > budget) return null;
            byte[] image = java.util.Arrays.copyOf(src, (int) whole);
            java.util.Arrays.fill(image, (int) dsize, (int) Math.min(whole, src.length), (byte) 0);
            RebuiltPe.Section[] one = {new RebuiltPe.Section(pages(vadd), whole, 0, whole)};
            return RebuiltPe.build(image, one, base, (ep - base) & 0xffffffffL, 0, 0, budget);
        }
        return RebuiltPe.build(src, regions.toArray(RebuiltPe.Section[]::new), base, (ep - base) & 0xffffffffL, 0, 0, budget);
    }

    /** Rounded up to whole pages (ClamAV rebuilds MEW's sections at page alignment). */
    private static long pages(long v) {
        return (v + PAGE - 1) / PAGE * PAGE;
    }
}
