package dev.bulwark.engine.signatures.yara.modules;

/** File offset of the entry point of a PE or ELF file, for YARA's {@code entrypoint} keyword. */
public final class ExeEntry {
    private ExeEntry() {}

    /** Returns -1 when the data is not an executable we understand or the entry point is not in the file. */
    public static long fileOffset(ScanInput in) {
        PeFile pe = PeFile.parse(in);
        if (pe != null) return pe.rvaToOffset(pe.entryPointRva);
        ElfFile elf = ElfFile.parse(in);
        return elf == null ? -1 : elf.entryOffset();
    }
}
