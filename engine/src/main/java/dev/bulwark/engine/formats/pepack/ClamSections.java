package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;

/**
 * The section table as ClamAV's PE scanner hands it to its unpackers: geometry normalised as in
 * {@link PeHeaders#clamView} (with the file-alignment fallback to 0x200), sections whose raw data
 * starts outside the file removed, and RVAs mapped to file offsets last section first. The unaligned
 * raw offset and size (clipped to the file) are kept too: some unpackers (Upack) read those. Null for a
 * header ClamAV rejects before unpacking (a field with the sign bit set, every section missing).
 */
final class ClamSections {
    private static final long SIGN = 0x80000000L;
    private final long[] rva, vsize, raw, rsize, uraw, ursize;
    private final long headerSize;

    private ClamSections(long[] rva, long[] vsize, long[] raw, long[] rsize, long[] uraw, long[] ursize, long headerSize) {
        this.rva = rva;
        this.vsize = vsize;
        this.raw = raw;
        this.rsize = rsize;
        this.uraw = uraw;
        this.ursize = ursize;
        this.headerSize = headerSize;
    }

    static ClamSections of(ByteBuffer file, PeHeaders h) {
        long fsize = file.limit();
        int opt = h.peOffset + 24;
        if (opt + 64 > fsize) return null;
        long salign = h.sectionAlignment, falign = h.fileAlignment;
        for (int i = 0; falign != 0x200 && i < h.sections(); i++) {
            long p = h.rawPointer(i);
            if (falign != 0 && h.rawSize(i) != 0 && p % falign != 0 && p % 0x200 == 0) falign = 0x200;
        }
        int n = h.sections();
        long[] rva = new long[n], vs = new long[n], raw = new long[n], rs = new long[n], ur = new long[n], urz = new long[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            long uvs = h.virtualSize(i), urva = h.rva(i), urs = h.rawSize(i), uraw = h.rawPointer(i);
            long r = down(uraw, falign), size = up(urs, falign);
            if (size != 0) {
                if (r >= fsize || uraw >= fsize) continue; // removed, as cli_scanpe's header walk does
                if (r + size > fsize) size = fsize - r;
                if (!(urs > 0 && uraw + urs <= fsize)) urs = fsize - uraw;
            }
            long v = up(uvs, salign);
            if (v == 0 && size != 0) v = up(urs, salign);
            if ((urva & SIGN) != 0 || (uvs & SIGN) != 0 || (size != 0 && (uraw & SIGN) != 0) || (urs & SIGN) != 0) return null;
            rva[kept] = down(urva, salign);
            vs[kept] = v;
            raw[kept] = r;
            rs[kept] = size;
            ur[kept] = uraw;
            urz[kept] = urs;
            kept++;
        }
        if (kept == 0) return null;
        long hdr = up(PeHeaders.u32(file, opt + 60), salign);
        return new ClamSections(java.util.Arrays.copyOf(rva, kept), java.util.Arrays.copyOf(vs, kept),
                java.util.Arrays.copyOf(raw, kept), java.util.Arrays.copyOf(rs, kept), java.util.Arrays.copyOf(ur, kept),
                java.util.Arrays.copyOf(urz, kept), hdr);
    }

    int count() { return rva.length; }
    long rva(int i) { return rva[i]; }
    long vsize(int i) { return vsize[i]; }
    long raw(int i) { return raw[i]; }
    long rsize(int i) { return rsize[i]; }
    /** PointerToRawData as in the header. */
    long uraw(int i) { return uraw[i]; }
    /** SizeOfRawData as in the header, clipped to the end of the file. */
    long ursize(int i) { return ursize[i]; }

    /** The lowest section RVA (ClamAV's "min", which some entry-code checks compare against). */
    long minRva() {
        long m = Long.MAX_VALUE;
        for (long r : rva) m = Math.min(m, r);
        return m;
    }

    /** File offset of an RVA (ClamAV's cli_rawaddr: headers map to themselves, then the last section holding it), or -1. */
    long rawAddress(long r) {
        r &= 0xffffffffL;
        if (r < headerSize) return r;
        for (int i = rva.length - 1; i >= 0; i--) {
            if (rsize[i] != 0 && rva[i] <= r && rsize[i] > r - rva[i]) return r - rva[i] + raw[i];
        }
        return -1;
    }

    private static long down(long v, long a) {
        return a == 0 ? v : v / a * a;
    }

    private static long up(long v, long a) {
        return a == 0 ? v : ((v / a + (v % a != 0 ? 1 : 0)) * a) & 0xffffffffL;
    }
}
