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
 * Rewritten: every frame with a window descriptor above 8 MiB (aircompressor refuses their compressed blocks anyway),
 * and single-segment frames whose content size is above 8 MiB and either holds no compressed block (raw and RLE
 * blocks never look back) or is more than the blocks can produce (a lie). Not rewritten, and still quadratic: a
 * single-segment frame whose content size its blocks could reach and that holds a compressed block (zstd --long on a
 * file: aircompressor decodes those correctly, a rewritten one failed after 2 MiB for a reason not found).
 */
public final class ZstdExtractor implements Extractor {

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        Emit.stream(ctx, "zstd", new ChildInfo("", null, layer.size(), -1, false, 1, -1),
                new ZstdInputStream(ZstdFrames.clamped(layer.data(), ctx)), layer.size());
    }
}
