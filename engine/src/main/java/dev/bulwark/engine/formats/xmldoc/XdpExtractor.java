package dev.bulwark.engine.formats.xmldoc;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.XmlReader;
import java.nio.ByteBuffer;

/**
 * CL_TYPE_XDP: Adobe XML Data Package, which carries a PDF base64-encoded in {@code chunk} elements.
 * As ClamAV's XDP scanner: each {@code chunk}'s inner markup is decoded, and scanned when
 * {@code %PDF-} appears in its first {@value #PDF_WINDOW} bytes; the first chunk that does not hold
 * a PDF ends the extraction. A document that is not well-formed yields nothing.
 */
public final class XdpExtractor implements Extractor {
    /** ClamAV MAGIC_BUFFER_SIZE: where the decoded chunk must show its PDF header. */
    static final int PDF_WINDOW = 1024;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        if (!MsXmlExtractor.wellFormed(b, ctx)) return;
        XmlReader r = new XmlReader(b);
        int chunk = 0, innerStart = 0, index = 0;
        for (int e = r.next(); e > 0; e = r.next()) {
            boolean end;
            if (e == XmlReader.START && chunk == 0 && r.localNameIs("chunk", false)) {
                chunk = r.depth();
                innerStart = r.tagEnd();
                continue;
            }
            end = e == XmlReader.END && chunk > 0 && r.depth() == chunk;
            if (!end) continue;
            chunk = 0;
            int innerEnd = Math.max(innerStart, r.tagStart());
            ByteSink out = new ByteSink(ctx.budget());
            Base64Text.decode(b, innerStart, innerEnd, out);
            if (!hasPdfHeader(out)) {
                if (out.size() > 0) ctx.note("xdp: chunk " + index + " does not hold a PDF");
                return;
            }
            ChildInfo info = new ChildInfo("chunk#" + index, null, innerEnd - innerStart, -1, false, index + 1, -1);
            index++;
            if (!ctx.child(info, out.view())) return;
        }
    }

    static boolean hasPdfHeader(ByteSink d) {
        int n = Math.min(PDF_WINDOW, d.size() - 5);
        for (int i = 0; i < n; i++) {
            if (d.get(i) == '%' && (d.get(i + 1) | 0x20) == 'p' && (d.get(i + 2) | 0x20) == 'd'
                    && (d.get(i + 3) | 0x20) == 'f' && d.get(i + 4) == '-') {
                return true;
            }
        }
        return false;
    }
}
