package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;

/**
 * The registry of extractors by layer type. Each format family creates its own extractors in its own
 * class so that format packages stay independent.
 *
 * <p>An extractor is created the first time its type is met, not all at class initialisation: creating
 * (and verifying) all of them loads ~40 format classes and, through the ZIP, XZ, BZip2 and Zstandard
 * decoders, the archive libraries' jars (their manifests are parsed and their protection domains set up
 * at start-up), which a one-file scan of a text file never needs (docs/benchmarks/startup.md, "Start-up, round 6").
 * Extractors have no instance fields, so publishing one through the plain array is safe: two threads
 * meeting a type at once may each create one, and either is fine.
 */
public final class Extractors {
    private static final Extractor[] BY_TYPE = new Extractor[FileType.values().length];

    private Extractors() {}

    /** The extractor for a type, or null when the type has no members. */
    public static Extractor forType(FileType type) {
        Extractor x = BY_TYPE[type.ordinal()];
        if (x == null) {
            x = create(type);
            if (x != null) BY_TYPE[type.ordinal()] = x;
        }
        return x;
    }

    private static Extractor create(FileType type) {
        Extractor x = ArchiveFormats.create(type);
        if (x == null) x = DocumentFormats.create(type);
        if (x == null) x = MailFormats.create(type);
        if (x != null) return x;
        return switch (type) {
            case MACHO_UNIBIN -> new dev.bulwark.engine.formats.macho.MachoUniversalExtractor();
            case MSEXE -> new dev.bulwark.engine.formats.pepack.PeUnpackExtractor();
            default -> null;
        };
    }
}
