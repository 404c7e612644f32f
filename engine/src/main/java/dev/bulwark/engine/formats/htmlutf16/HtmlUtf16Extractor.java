package dev.bulwark.engine.formats.htmlutf16;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.filetype.FileTypeDetector;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import java.nio.ByteBuffer;

/**
 * HTML in UTF-16 (CL_TYPE_HTML_UTF16): the layer is folded to one byte per code unit as ClamAV folds
 * it ({@link FileTypeDetector#foldUtf16}) and the result is scanned as an HTML layer, so that its normalised views are matched.
 */
public final class HtmlUtf16Extractor implements Extractor {

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        if (!ctx.options().enabled(ScanOptions.Parser.HTML)) return;
        ByteBuffer d = layer.data();
        int n = (int) Math.min(d.limit() & ~1, Math.max(0, Math.min(ctx.budget(), Integer.MAX_VALUE - 16L)) * 2);
        if (n < 2) return;
        byte[] out = new byte[n / 2];
        FileTypeDetector.foldUtf16(d, n, out);
        ctx.child(new ChildInfo("", FileType.HTML, -1, -1, false, 0, -1), ByteBuffer.wrap(out));
    }
}
