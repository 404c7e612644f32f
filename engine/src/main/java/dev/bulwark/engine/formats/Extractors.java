package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;
import java.util.EnumMap;
import java.util.Map;

/**
 * The registry of extractors by layer type. Each format family registers itself in its own
 * class so that format packages stay independent.
 */
public final class Extractors {
    private static final Map<FileType, Extractor> BY_TYPE = new EnumMap<>(FileType.class);

    static {
        ArchiveFormats.register(BY_TYPE);
        DocumentFormats.register(BY_TYPE);
        MailFormats.register(BY_TYPE);
        BY_TYPE.put(FileType.MACHO_UNIBIN, new dev.bulwark.engine.formats.macho.MachoUniversalExtractor());
        BY_TYPE.put(FileType.MSEXE, new dev.bulwark.engine.formats.pepack.PeUnpackExtractor());
    }

    private Extractors() {}

    /** The extractor for a type, or null when the type has no members. */
    public static Extractor forType(FileType type) {
        return BY_TYPE.get(type);
    }
}
