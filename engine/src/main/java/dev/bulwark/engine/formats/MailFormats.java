package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;
import java.util.Map;

/** Registers the extractors of one format family. */
final class MailFormats {
    private MailFormats() {}

    static void register(Map<FileType, Extractor> map) {
    }
}
