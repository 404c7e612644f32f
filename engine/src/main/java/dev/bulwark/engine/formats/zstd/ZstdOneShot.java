package dev.bulwark.engine.formats.zstd;

import io.airlift.compress.zstd.ZstdDecompressor;

/**
 * (zstd21) One zstd frame decoded at once by aircompressor's one-shot decoder into an output array of a size fixed
 * beforehand (see {@link ZstdFrames}): no window buffer to grow, memory the output's size, time linear. Kept apart from
 * {@link ZstdFrames} so that ZIP's method table does not load aircompressor's classes to verify it.
 */
final class ZstdOneShot {
    private ZstdOneShot() {}

    /** The output of {@code frame} (a whole single-segment frame) as an array of length out[0], or null if it is corrupt. */
    static byte[] decode(byte[] frame, int outSize, int[] length) {
        byte[] out = new byte[outSize];
        try {
            length[0] = new ZstdDecompressor().decompress(frame, 0, frame.length, out, 0, outSize);
            return out;
        } catch (RuntimeException e) { // MalformedInputException, or an index the decoder did not check
            return null;
        }
    }
}
