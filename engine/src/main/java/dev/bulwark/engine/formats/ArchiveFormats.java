package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.zip.ZipExtractor;
import java.util.Map;

/** Registers the extractors of one format family. */
final class ArchiveFormats {
    private ArchiveFormats() {}

    static void register(Map<FileType, Extractor> map) {
        ZipExtractor zip = new ZipExtractor();
        for (FileType t : new FileType[] {FileType.ZIP, FileType.ZIPSFX, FileType.OOXML_WORD, FileType.OOXML_PPT,
                FileType.OOXML_XL, FileType.OOXML_HWP}) {
            map.put(t, zip);
        }
    }
}
