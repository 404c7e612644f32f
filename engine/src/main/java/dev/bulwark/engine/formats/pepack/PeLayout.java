package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;

/**
 * The section table as ClamAV's PE scanner normalises it before it runs its unpackers: RVAs and raw
 * offsets rounded down and sizes rounded up to the alignments (with its fallback to 0x200 file
 * alignment), sections that start past the end of the file dropped, raw sizes clipped to the file,
 * the unaligned raw offset and size kept beside them. Packers whose detection reads these values
 * (MEW, Upack) see the same geometry as ClamAV's and so accept and reject the same files.
 */
final class PeLayout {
    /** Indices into {@link #section}. */
    static final int RVA = 0, VSIZE = 1, RAW = 2, RSIZE = 3, URAW = 4, URSIZE = 5;

    final PeHeaders h;
    final long fileSize;
    /** SizeOfHeaders rounded up to the section alignment (RVAs below it map to the same file offset). */
    final long hdrSize;
    private final long[][] s;

    private PeLayout(PeHeaders h, long fileSize, long hdrSize, long[][] s) {
        this.h = h;
        this.fileSize = fileSize;
        this.hdrSize = hdrSize;
        this.s = s;
    }

    /** The normalised table, or null where ClamAV rejects the header (sign bits set, nothing left in the file). */
    static PeLayout of(ByteBuffer file, PeHeaders h) {
        long size = file.limit();
        long salign = h.sectionAlignment, falign = h.fileAlignment;
        for (int i = 0; falign != 0x200 && i < h.sections(); i++) {
            long p = h.rawPointer(i);
            if (falign != 0 && h.rawSize(i) != 0 && p % falign != 0 && p % 0x200 == 0) falign = 0x200;
        }
        long[][] out = new long[h.sections()][];
        int n = 0;
        for (int i = 0; i < h.sections(); i++) {
            long urva = h.rva(i), uvsz = h.virtualSize(i), uraw = h.rawPointer(i), ursz = h.rawSize(i);
            long[] v = {down(urva, salign), up(uvsz, salign), down(uraw, falign), up(ursz, falign), uraw, ursz};
            if (v[RSIZE] != 0) {
                if (v[RAW] >= size || uraw >= size) continue; // ClamAV drops a section that starts past the end
                if (v[RAW] + v[RSIZE] > size) v[RSIZE] = size - v[RAW];
                if (uraw + ursz > size) v[URSIZE] = size - uraw;
            }
            if (v[VSIZE] == 0 && v[RSIZE] != 0) v[VSIZE] = up(v[URSIZE], salign);
            boolean signBits = urva >>> 31 != 0 || uvsz >>> 31 != 0 || v[RSIZE] != 0 && uraw >>> 31 != 0 || v[URSIZE] >>> 31 != 0;
            if (signBits) return null; // ClamAV refuses the whole PE
            out[n++] = v;
        }
        if (n == 0) return null;
        long hdr = file.limit() >= h.peOffset + 24 + 64 ? PeHeaders.u32(file, h.peOffset + 24 + 60) : 0;
        return new PeLayout(h, size, up(hdr, salign), java.util.Arrays.copyOf(out, n));
    }

    int sections() { return s.length; }

    long get(int section, int field) { return s[section][field]; }

    /** Lowest section RVA (ClamAV's "min"). */
    long minRva() {
        long m = Long.MAX_VALUE;
        for (long[] v : s) m = Math.min(m, v[RVA]);
        return m;
    }

    /** File offset of an RVA the way ClamAV maps it (headers 1:1, then the last section holding it), or -1. */
    long rawAddr(long rva) {
        if (rva < hdrSize) return rva < fileSize ? rva : -1;
        for (int i = s.length - 1; i >= 0; i--) {
            long[] v = s[i];
            if (v[RSIZE] != 0 && v[RVA] <= rva && v[RSIZE] > rva - v[RVA]) return rva - v[RVA] + v[RAW];
        }
        return -1;
    }

    /** The entry point's file offset, or -1 (ClamAV does not scan such a PE at all). */
    long entryOffset() {
        return rawAddr(h.entryRva);
    }

    static long down(long v, long a) {
        return a == 0 ? v : v / a * a;
    }

    static long up(long v, long a) {
        return a == 0 ? v : (v / a + (v % a != 0 ? 1 : 0)) * a;
    }
}
