package dev.bulwark.engine;

import dev.bulwark.engine.exe.ExeInfo;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.match.OffsetSpec;

/** Executable header facts of a layer, for EP/section offsets, section hashes and import hashes. */
final class ExeFactsProvider {
    private ExeFactsProvider() {}

    /** ExeInfo seen as offset facts: without ClamAV's target info every EP/section offset fails. */
    record Facts(ExeInfo info) implements OffsetSpec.ExeFacts {
        @Override public long entryPoint() { return info.hasTargetInfo() ? info.entryPoint() : -1; }
        @Override public int sectionCount() { return info.hasTargetInfo() ? info.sectionCount() : 0; }
        @Override public long sectionOffset(int i) { return info.sectionRawOffset(i); }
        @Override public long sectionSize(int i) { return info.sectionRawSize(i); }
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
        l.exe = info == null ? null : new Facts(info);
        return (Facts) l.exe;
    }

    static boolean isExecutable(FileType t) {
        return t == FileType.MSEXE || t == FileType.ELF || t == FileType.MACHO;
    }
}
