package dev.bulwark.engine.formats.uuencode;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;

/** CL_TYPE_UUENCODED: every {@code begin ... end} block of the layer becomes a child. */
public final class UuencodedExtractor implements Extractor {
    private static final int MAX_BLOCKS = 10_000; // a text file with more blocks is abuse; the scanner's MaxFiles is lower anyway

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        int end = b.limit();
        int pos = 0;
        for (int n = 1; n <= MAX_BLOCKS && !ctx.stopped(); n++) {
            int begin = UuDecoder.findBegin(b, pos, end);
            if (begin < 0) return;
            ByteSink sink = new ByteSink(ctx.budget());
            pos = UuDecoder.decode(b, begin, end, sink);
            if (pos <= begin) pos = begin + 1;
            if (sink.overflowed()) ctx.note("uuencoded block at " + begin + " exceeds the size budget; truncated");
            if (!ctx.child(ChildInfo.named(UuDecoder.fileName(b, begin, end), n), sink.view())) return;
        }
    }
}
