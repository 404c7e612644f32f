package dev.bulwark.engine;

import dev.bulwark.engine.exe.ExeInfo;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.match.OffsetSpec;

/** Executable header facts of a layer, for EP/section offsets, section hashes and import hashes. */
final class ExeFactsProvider {
    private ExeFactsProvider() {}

    /** ExeInfo seen as offset facts: without ClamAV's target info every EP/section offset fails. */
    record Facts(ExeInfo info) implements OffsetSpec.ExeFacts {
        @Override public long entryPoint() { return info != null && info.hasTargetInfo() ? info.entryPoint() : -1; }
        @Override public int sectionCount() { return info != null && info.hasTargetInfo() ? info.sectionCount() : 0; }
        @Override public long sectionOffset(int i) { return info.sectionRawOffset(i); }
        @Override public long sectionSize(int i) { return info.sectionRawSize(i); }
        @Override public boolean headersFailed() { return info == null || !info.hasTargetInfo(); }
        @Override public long[] versionInfoOffsets() { return info == null ? new long[0] : info.versionInfoOffsets(); }
    }

    static Facts of(LayerImpl l) {
        if (l.exeParsed) return (Facts) l.exe;
        l.exeParsed = true;
        ExeInfo info = switch (l.type) {
            case MSEXE -> ExeInfo.parsePe(l.data);
            case ELF -> ExeInfo.parseElf(l.data);
            case MACHO -> ExeInfo.parseMacho(l.data);
            default -> null;
        };
        // for executable types a failed parse still matters (EOF-n offsets fail then), so keep a Facts
        l.exe = isExecutable(l.type) ? new Facts(info) : null;
        return (Facts) l.exe;
    }

    static boolean isExecutable(FileType t) {
        return t == FileType.MSEXE || t == FileType.ELF || t == FileType.MACHO;
    }
}
