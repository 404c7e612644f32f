package dev.bulwark.engine.formats.zstd;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Emit;
import io.airlift.compress.zstd.ZstdInputStream;

/**
 * Zstandard (aircompressor's pure-Java decoder; concatenated frames): one child.
 * <p>
 * (fuzz19) Frames declaring a window above 8 MiB are handed to the decoder as frames of an 8 MiB window. aircompressor
 * 2.0 decodes compressed blocks only in windows up to 8 MiB ("Window size too large (not yet supported)"), but it takes
 * raw and RLE blocks in any window, and past 8 MiB of output it grows its window buffer by one block at a time, copying
 * the whole buffer each time: a 3.2 KB frame declaring 320 MiB (or a single-segment frame declaring 1.5 GB) of 800
 * four-byte RLE blocks allocated 39.8 GB and took 15 s for 100 MB of output (ZstdFuzzTest found the 81-byte form: RLE
 * blocks of 1.2 MB, 200 MB allocated). Under an 8 MiB window the buffer stays at most ~8 MiB plus a block and the
 * output is the same: the data a match may reach is the genuine output before it, and a match reaching past what the
 * buffer holds is corrupt input to the decoder as before. The header is rewritten, the blocks are passed unchanged.
 * (zstd21) A frame above 8 MiB that holds compressed blocks is instead decoded at once by aircompressor's one-shot
 * decoder into an output of its content size (or the blocks' bound), at most MaxFileSize + 1 bytes plus a block, when
 * the reader reaches it, and handed on as raw blocks: whole and linear (zstd --long, --ultra and sized single-segment
 * frames, which fuzz19 left quadratic or cut after 2 MiB: the 8 MiB window held back its last 8 MiB when the first
 * match 10 MiB back failed). If that decode fails the frame gets the 8 MiB rewrite above. Skippable frames are left out
 * (aircompressor refuses them). See {@link ZstdFrames}.
 */
public final class ZstdExtractor implements Extractor {

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        Emit.stream(ctx, "zstd", new ChildInfo("", null, layer.size(), -1, false, 1, -1),
                new ZstdInputStream(ZstdFrames.clamped(layer.data(), ctx)), layer.size());
    }
}
