package dev.bulwark.engine.formats.zstd;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import dev.bulwark.engine.formats.archivecommon.Emit;
import io.airlift.compress.zstd.ZstdInputStream;

/** Zstandard (aircompressor's pure-Java decoder; concatenated frames): one child. */
public final class ZstdExtractor implements Extractor {
    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        Emit.stream(ctx, "zstd", new ChildInfo("", null, layer.size(), -1, false, 1, -1),
                new ZstdInputStream(new BufferInputStream(layer.data())), layer.size());
    }
}
