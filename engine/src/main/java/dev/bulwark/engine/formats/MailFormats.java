package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.binhex.BinHexExtractor;
import dev.bulwark.engine.formats.mime.MailExtractor;
import dev.bulwark.engine.formats.tnef.TnefExtractor;
import dev.bulwark.engine.formats.uuencode.UuencodedExtractor;
import java.util.Map;

/** Registers the extractors of one format family. */
final class MailFormats {
    private MailFormats() {}

    static void register(Map<FileType, Extractor> map) {
        MailExtractor mail = new MailExtractor();
        map.put(FileType.MAIL, mail);
        map.put(FileType.MHTML, mail);
        map.put(FileType.UUENCODED, new UuencodedExtractor());
        map.put(FileType.BINHEX, new BinHexExtractor());
        map.put(FileType.TNEF, new TnefExtractor());
    }
}
