package dev.bulwark.engine;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.match.OffsetSpec;

/** Executable header facts of a layer, for EP/section offsets, section hashes and import hashes. */
final class ExeFactsProvider {
    private ExeFactsProvider() {}

    /** Facts of a PE layer, with its import hash. */
    interface Pe extends OffsetSpec.ExeFacts {
        String imphash();
        long imphashSize();
    }

    static OffsetSpec.ExeFacts of(LayerImpl l) {
        if (l.exeParsed) return l.exe;
        l.exeParsed = true;
        if (l.type == FileType.MSEXE || l.type == FileType.ELF || l.type == FileType.MACHO) {
            l.exe = parse(l);
        }
        return l.exe;
    }

    private static OffsetSpec.ExeFacts parse(LayerImpl l) {
        return null;
    }
}
