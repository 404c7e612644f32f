package dev.bulwark.engine.formats.bzip2;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import dev.bulwark.engine.formats.archivecommon.Emit;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/** bzip2 (Commons Compress decoder, concatenated streams as bunzip2 reads them): one child. */
public final class Bzip2Extractor implements Extractor {
    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        InputStream in;
        try {
            in = new BZip2CompressorInputStream(new BufferInputStream(layer.data()), true);
        } catch (IOException | RuntimeException e) {
            ctx.note("bzip2: bad header: " + e.getMessage());
            return;
        }
        Emit.stream(ctx, "bzip2", new ChildInfo("", null, layer.size(), -1, false, 1, -1), in, layer.size());
    }
}
