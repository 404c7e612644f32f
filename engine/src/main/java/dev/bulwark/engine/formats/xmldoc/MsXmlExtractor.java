package dev.bulwark.engine.formats.xmldoc;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.XmlReader;
import java.nio.ByteBuffer;

/**
 * CL_TYPE_XML_WORD / CL_TYPE_XML_XL: Word and Excel 2003 XML documents. Their embedded binaries (the
 * macro project {@code editdata.mso}, OLE objects, images) sit base64-encoded in {@code binData}
 * elements; each text node directly inside one is decoded and scanned as a child, as ClamAV's msxml
 * scanner does: element names compared without namespace prefix and case, {@code fonts} and
 * {@code styles} subtrees and elements nested deeper than {@value #MAX_LEVEL} levels skipped, and a
 * document that is not well-formed yields nothing (libxml2 rejects it), and a character or entity
 * reference inside {@code binData} ends the extraction there (clamscan stops with a parse error).
 */
public final class MsXmlExtractor implements Extractor {
    /** ClamAV MSXML_RECLEVEL_MAX: elements at this nesting level and below are skipped. */
    static final int MAX_LEVEL = 20;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        if (!wellFormed(b, ctx)) return;
        XmlReader r = new XmlReader(b);
        int skip = 0, binData = 0, index = 0;
        for (int e = r.next(); e > 0; e = r.next()) {
            int level = r.depth();
            if (e == XmlReader.START) {
                if (skip > 0 || binData > 0) continue;
                if (level > MAX_LEVEL || r.localNameIs("fonts", true) || r.localNameIs("styles", true)) skip = level;
                else if (r.localNameIs("bindata", true)) binData = level;
            } else if (e == XmlReader.END) {
                if (skip == level) skip = 0;
                if (binData == level) binData = 0;
            } else if (binData > 0 && level == binData && skip == 0) {
                if (XmlText.hasReference(b, r.textStart(), r.textEnd())) {
                    // clamscan 1.4.6 stops parsing the document at a reference inside binData (CL_EPARSE)
                    ctx.note("xml: reference inside binData ends the document");
                    return;
                }
                ByteBuffer text = b.slice(r.textStart(), r.textEnd() - r.textStart());
                ByteSink out = new ByteSink(ctx.budget());
                if (Base64Text.decode(text, 0, text.limit(), out) == 0) continue;
                ChildInfo info = new ChildInfo("binData#" + index, null, r.textEnd() - r.textStart(), -1, false, index + 1, -1);
                index++;
                if (!ctx.child(info, out.view())) return;
            }
        }
    }

    /** A document libxml2 would reject is noted and not extracted. */
    static boolean wellFormed(ByteBuffer b, ExtractContext ctx) {
        String problem = XmlReader.problem(b);
        if (problem != null) ctx.note("xml: " + problem);
        return problem == null;
    }
}
