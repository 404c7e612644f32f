package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.binhex.BinHexExtractor;
import dev.bulwark.engine.formats.mime.MailExtractor;
import dev.bulwark.engine.formats.tnef.TnefExtractor;
import dev.bulwark.engine.formats.uuencode.UuencodedExtractor;

/** Creates the extractors of the mail formats (see {@link Extractors}). */
final class MailFormats {
    private MailFormats() {}

    /** A new extractor for a mail type, or null when the type is not one of them. */
    static Extractor create(FileType type) {
        return switch (type) {
            case MAIL, MHTML -> new MailExtractor();
            case UUENCODED -> new UuencodedExtractor();
            case BINHEX -> new BinHexExtractor();
            case TNEF -> new TnefExtractor();
            default -> null;
        };
    }
}
