package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ole2.Ole2Extractor;
import dev.bulwark.engine.formats.pdf.PdfExtractor;
import dev.bulwark.engine.formats.rtf.RtfExtractor;
import dev.bulwark.engine.formats.swf.SwfExtractor;
import java.util.Map;

/** Registers the extractors of one format family. */
final class DocumentFormats {
    private DocumentFormats() {}

    static void register(Map<FileType, Extractor> map) {
        map.put(FileType.MSOLE2, new Ole2Extractor());
        map.put(FileType.PDF, new PdfExtractor());
        map.put(FileType.RTF, new RtfExtractor());
        map.put(FileType.SWF, new SwfExtractor());
        map.put(FileType.SCRENC, new dev.bulwark.engine.formats.screnc.ScrencExtractor());
        map.put(FileType.XML_WORD, new dev.bulwark.engine.formats.xmldoc.MsXmlExtractor());
        map.put(FileType.XML_XL, new dev.bulwark.engine.formats.xmldoc.MsXmlExtractor());
        map.put(FileType.XDP, new dev.bulwark.engine.formats.xmldoc.XdpExtractor());
        map.put(FileType.HTML_UTF16, new dev.bulwark.engine.formats.htmlutf16.HtmlUtf16Extractor());
    }
}
