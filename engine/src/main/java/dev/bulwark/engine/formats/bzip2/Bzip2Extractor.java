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

/**
 * bzip2 (Commons Compress decoder): one child, the first stream. (types17) As ClamAV's cli_scanbzip, decoding ends at
 * the first end-of-stream mark: a second concatenated stream is not read (bunzip2 would read it) and bytes after the
 * stream do not matter (reading them as a next stream's header failed, and the decoder's exception then lost what the
 * same read had decoded: clamscan found EICAR in a stream followed by junk, Bulwark did not).
 */
public final class Bzip2Extractor implements Extractor {
    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        InputStream in;
        try {
            in = new BZip2CompressorInputStream(new BufferInputStream(layer.data()), false);
        } catch (IOException | RuntimeException e) {
            ctx.note("bzip2: bad header: " + e.getMessage());
            return;
        }
        Emit.stream(ctx, "bzip2", new ChildInfo("", null, layer.size(), -1, false, 1, -1), in, layer.size());
    }
}
