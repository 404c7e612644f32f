package dev.bulwark.engine.signatures.yara.modules;

/**
 * Minimal, bounds-checked view of a PE file's headers and section table: everything else in the pe module is
 * derived from it. {@link #parse} returns null when the data is not a PE file.
 */
final class PeFile {
    static final int MAX_SECTIONS = 96; // YARA's MAX_PE_SECTIONS

    final ScanInput in;
    final long peOffset;
    final int machine;
    final int numberOfSections;
    final long timestamp;
    final long pointerToSymbolTable;
    final long numberOfSymbols;
    final int sizeOfOptionalHeader;
    final int characteristics;
    final long opt;
    final int magic;
    final boolean is64;
    final long entryPointRva;
    final long imageBase;
    final long sectionTable;
    final int sections;
    final long numberOfRvaAndSizes;
    final long dataDirectories;

    private PeFile(ScanInput in, long pe) {
        this.in = in;
        this.peOffset = pe;
        machine = Bytes.u16(in, pe + 4);
        numberOfSections = Bytes.u16(in, pe + 6);
        timestamp = Bytes.u32(in, pe + 8);
        pointerToSymbolTable = Bytes.u32(in, pe + 12);
        numberOfSymbols = Bytes.u32(in, pe + 16);
        sizeOfOptionalHeader = Bytes.u16(in, pe + 20);
        characteristics = Bytes.u16(in, pe + 22);
        opt = pe + 24;
        magic = Bytes.u16(in, opt);
        is64 = magic == 0x20b;
        entryPointRva = Bytes.u32(in, opt + 16);
        imageBase = is64 ? Bytes.u64(in, opt + 24) : Bytes.u32(in, opt + 28);
        numberOfRvaAndSizes = Bytes.u32(in, opt + (is64 ? 108 : 92));
        dataDirectories = opt + (is64 ? 112 : 96);
        sectionTable = opt + Math.max(0, sizeOfOptionalHeader);
        int n = Math.min(Math.max(0, numberOfSections), MAX_SECTIONS);
        int fit = 0;
        while (fit < n && in.has(sectionTable + 40L * fit, 40)) fit++;
        sections = fit;
        sectionTableCut = fit < n;
    }

    /** (yara17) Some declared section header (of the first MAX_SECTIONS) lies past the end of the file. */
    final boolean sectionTableCut;

    static PeFile parse(ScanInput in) {
        if (Bytes.u16(in, 0) != 0x5A4D) return null;
        long pe = Bytes.u32(in, 0x3C);
        if (pe < 0 || Bytes.u32(in, pe) != 0x00004550) return null;
        if (!in.has(pe + 24, 2)) return null;
        return new PeFile(in, pe);
    }

    long optU32(int off) {
        return Bytes.u32(in, opt + off);
    }

    int optU16(int off) {
        return Bytes.u16(in, opt + off);
    }

    long section(int i, int field) {
        return Bytes.u32(in, sectionTable + 40L * i + field);
    }

    long sectionVa(int i) {
        return section(i, 12);
    }

    long sectionVirtualSize(int i) {
        return section(i, 8);
    }

    long sectionRawSize(int i) {
        return section(i, 16);
    }

    long sectionRawOffset(int i) {
        return section(i, 20);
    }

    byte[] sectionName(int i) {
        byte[] raw = Bytes.slice(in, sectionTable + 40L * i, 8);
        int n = 0;
        while (n < 8 && raw[n] != 0) n++;
        return java.util.Arrays.copyOf(raw, n);
    }

    /** RVA and size of data directory i, or null if absent. */
    long[] directory(int i) {
        if (numberOfRvaAndSizes >= 0 && i >= numberOfRvaAndSizes) return null;
        long va = Bytes.u32(in, dataDirectories + 8L * i), size = Bytes.u32(in, dataDirectories + 8L * i + 4);
        if (va <= 0 || size < 0) return null;
        return new long[] {va, size};
    }

    /**
     * File offset of an RVA, or -1 if it is not backed by the file: the section with the highest address whose
     * virtual size covers the RVA, its raw offset rounded down to the file alignment (at most 0x200), as the
     * Windows loader and YARA do; RVAs below every section map to the same file offset.
     */
    long rvaToOffset(long rva) {
        if (rva < 0 || sectionTableCut) return -1; // (yara17) yara 4.2.3 maps nothing when a section header is cut
        long lowest = Long.MAX_VALUE, secVa = 0, secOff = 0, secRaw = 0;
        long fa = optU32(36);
        long align = fa < 0 ? 0 : Math.min(fa, 0x200);
        for (int i = 0; i < sections; i++) {
            long va = sectionVa(i);
            lowest = Math.min(lowest, va);
            if (rva >= va && rva - va < sectionVirtualSize(i) && secVa <= va) {
                secVa = va;
                secOff = sectionRawOffset(i);
                secRaw = sectionRawSize(i);
                if (align > 0) secOff -= secOff % align;
            }
        }
        if (rva < lowest) {
            secVa = 0;
            secOff = 0;
            secRaw = in.len();
        }
        if (rva - secVa >= secRaw) return -1;
        long off = secOff + (rva - secVa);
        return off < in.len() ? off : -1;
    }
}
