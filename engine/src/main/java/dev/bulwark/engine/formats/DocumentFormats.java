package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ole2.Ole2Extractor;
import dev.bulwark.engine.formats.pdf.PdfExtractor;
import dev.bulwark.engine.formats.rtf.RtfExtractor;
import dev.bulwark.engine.formats.swf.SwfExtractor;

/** Creates the extractors of the document formats (see {@link Extractors}). */
final class DocumentFormats {
    private DocumentFormats() {}

    /** A new extractor for a document type, or null when the type is not one of them. */
    static Extractor create(FileType type) {
        return switch (type) {
            case MSOLE2 -> new Ole2Extractor();
            case PDF -> new PdfExtractor();
            case RTF -> new RtfExtractor();
            case SWF -> new SwfExtractor();
            case SCRENC -> new dev.bulwark.engine.formats.screnc.ScrencExtractor();
            case XML_WORD, XML_XL -> new dev.bulwark.engine.formats.xmldoc.MsXmlExtractor();
            case XDP -> new dev.bulwark.engine.formats.xmldoc.XdpExtractor();
            case HTML_UTF16 -> new dev.bulwark.engine.formats.htmlutf16.HtmlUtf16Extractor();
            case HWPOLE2 -> new dev.bulwark.engine.formats.hwpole2.HwpOle2Extractor();
            case CRYPTFF -> new dev.bulwark.engine.formats.cryptff.CryptffExtractor();
            default -> null;
        };
    }
}
