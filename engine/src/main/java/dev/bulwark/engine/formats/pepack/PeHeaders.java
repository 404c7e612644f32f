package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The few PE header facts the unpackers need (entry point, image base, section table), read with
 * bounds checks from a layer or from a decompressed buffer. Immutable; {@link #parse} returns null
 * for anything that is not a plausible PE32 or PE32+ header (any optional-header magic other than
 * PE32+'s is read as PE32 and any section count is accepted, as ClamAV's header parser does).
 */
public final class PeHeaders {
    /** Sections a rebuilt image may have (ClamAV's rebuilder stops there; parsing accepts any count, as cli_peheader). */
    public static final int MAX_SECTIONS = 96;
    /** Largest optional header we accept (PE32+ with 16 directories is 240 bytes; leave room for odd linkers). */
    private static final int MAX_OPT_HEADER = 0x400;
    public static final int SECTION_HEADER = 40;

    public final int peOffset;
    public final boolean is64;
    public final int optSize;
    public final long imageBase;
    public final long entryRva;
    public final long sectionAlignment;
    public final long fileAlignment;
    public final long sizeOfImage;
    private final String[] names;
    private final long[] vsize, rva, rawSize, rawPtr;

    private PeHeaders(int peOffset, boolean is64, int optSize, long imageBase, long entryRva, long sectionAlignment,
                      long fileAlignment, long sizeOfImage, String[] names, long[] vsize, long[] rva, long[] rawSize, long[] rawPtr) {
        this.peOffset = peOffset;
        this.is64 = is64;
        this.optSize = optSize;
        this.imageBase = imageBase;
        this.entryRva = entryRva;
        this.sectionAlignment = sectionAlignment;
        this.fileAlignment = fileAlignment;
        this.sizeOfImage = sizeOfImage;
        this.names = names;
        this.vsize = vsize;
        this.rva = rva;
        this.rawSize = rawSize;
        this.rawPtr = rawPtr;
    }

    /** Parses a whole executable: "MZ", e_lfanew, then the PE header. */
    public static PeHeaders parse(ByteBuffer b) {
        if (b.limit() < 0x40 || b.get(0) != 'M' || b.get(1) != 'Z') return null;
        long lfanew = u32(b, 0x3c);
        if (lfanew < 4 || lfanew > b.limit() - 24) return null;
        return parseAt(b, (int) lfanew);
    }

    /** Parses a PE header that starts with "PE\0\0" at {@code pe}; null when implausible. */
    public static PeHeaders parseAt(ByteBuffer b, int pe) {
        if (pe < 0 || pe > b.limit() - 24 || u32(b, pe) != 0x4550) return null;
        int nsec = u16(b, pe + 6), optSize = u16(b, pe + 20);
        if (nsec == 0 || optSize < 0x60 || optSize > MAX_OPT_HEADER) return null;
        int opt = pe + 24;
        long table = (long) opt + optSize;
        if (table + (long) nsec * SECTION_HEADER > b.limit()) return null;
        int magic = u16(b, opt);
        boolean is64;
        // as cli_peheader: PE32+ by its magic, anything else is read as PE32
        if (magic == 0x20b) {
            if (optSize < 0x70) return null;
            is64 = true;
        } else {
            is64 = false;
        }
        long imageBase = is64 ? u32(b, opt + 24) | u32(b, opt + 28) << 32 : u32(b, opt + 28);
        String[] names = new String[nsec];
        long[] vs = new long[nsec], va = new long[nsec], rs = new long[nsec], rp = new long[nsec];
        for (int i = 0; i < nsec; i++) {
            int s = (int) table + i * SECTION_HEADER;
            int len = 0;
            while (len < 8 && b.get(s + len) != 0) len++;
            byte[] nb = new byte[len];
            b.get(s, nb, 0, len);
            names[i] = new String(nb, StandardCharsets.ISO_8859_1);
            vs[i] = u32(b, s + 8);
            va[i] = u32(b, s + 12);
            rs[i] = u32(b, s + 16);
            rp[i] = u32(b, s + 20);
        }
        return new PeHeaders(pe, is64, optSize, imageBase, u32(b, opt + 16), u32(b, opt + 32), u32(b, opt + 36), u32(b, opt + 56),
                names, vs, va, rs, rp);
    }

    public int sections() { return names.length; }
    public String name(int i) { return names[i]; }
    public long virtualSize(int i) { return vsize[i]; }
    public long rva(int i) { return rva[i]; }
    public long rawSize(int i) { return rawSize[i]; }
    public long rawPointer(int i) { return rawPtr[i]; }
    /**
     * The section geometry as ClamAV's PE parser normalises it (and as its unpackers therefore see
     * it): RVA and raw offset rounded down, sizes rounded up to the section and file alignment, the
     * raw size clipped to the file, and a missing virtual size replaced by the raw size.
     */
    public long[] clamView(int i, long fileSize) {
        long rva = down(rva(i), sectionAlignment), raw = down(rawPointer(i), fileAlignment);
        long vs = up(virtualSize(i), sectionAlignment), rs = up(rawSize(i), fileAlignment);
        if (rs != 0) {
            if (raw >= fileSize) rs = 0;
            else if (rs > fileSize - raw) rs = fileSize - raw;
        }
        if (vs == 0 && rs != 0) vs = up(Math.min(rawSize(i), Math.max(0, fileSize - rawPointer(i))), sectionAlignment);
        return new long[] {rva, vs, raw, rs};
    }

    private static long down(long v, long a) {
        return a == 0 ? v : v / a * a;
    }

    private static long up(long v, long a) {
        return a == 0 ? v : (v / a + (v % a != 0 ? 1 : 0)) * a;
    }

    /** Offset of the section table (from the start of the buffer that was parsed). */
    public int sectionTable() { return peOffset + 24 + optSize; }

    /** File offset of an RVA inside a section's raw data, or -1. */
    public long rvaToOffset(long r) {
        for (int i = 0; i < names.length; i++) {
            long size = Math.max(vsize[i], rawSize[i]);
            if (r >= rva[i] && r - rva[i] < size && r - rva[i] < rawSize[i]) return rawPtr[i] + (r - rva[i]);
        }
        return -1;
    }

    /** End of the last section's raw data (where an overlay starts), bounded by nothing: compare with the size. */
    public long endOfRawData() {
        long end = sectionTable() + (long) names.length * SECTION_HEADER;
        for (int i = 0; i < names.length; i++) {
            if (rawSize[i] > 0) end = Math.max(end, rawPtr[i] + rawSize[i]);
        }
        return end;
    }

    static int u16(ByteBuffer b, int o) {
        return (b.get(o) & 0xff) | (b.get(o + 1) & 0xff) << 8;
    }

    static long u32(ByteBuffer b, int o) {
        return (b.get(o) & 0xffL) | (b.get(o + 1) & 0xffL) << 8 | (b.get(o + 2) & 0xffL) << 16 | (b.get(o + 3) & 0xffL) << 24;
    }
}
