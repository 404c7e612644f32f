package dev.bulwark.engine.formats.ole2;

import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;

/** MS-OVBA "CompressedContainer" decompression (an LZ77 variant in 4096-byte chunks). */
public final class VbaDecompressor {
    private static final int CHUNK = 4096;

    private VbaDecompressor() {}

    /**
     * Decompresses the container at [from, to) of {@code in} into {@code out}. Returns false when
     * the signature byte is missing; damaged chunks end decompression early with what was decoded.
     */
    public static boolean decompress(ByteBuffer in, int from, int to, ByteSink out) {
        if (from >= to || in.get(from) != 1) return false;
        int p = from + 1;
        while (p + 2 <= to) {
            int header = (in.get(p) & 0xff) | (in.get(p + 1) & 0xff) << 8;
            int chunkEnd = Math.min(to, p + (header & 0x0fff) + 3);
            boolean compressed = (header & 0x8000) != 0;
            p += 2;
            int chunkStart = out.size();
            if (!compressed) {
                int n = Math.min(CHUNK, to - p);
                if (!out.put(in, p, n)) return true;
                p += n;
                continue;
            }
            while (p < chunkEnd) {
                int flags = in.get(p++) & 0xff;
                for (int bit = 0; bit < 8 && p < chunkEnd; bit++) {
                    if ((flags & (1 << bit)) == 0) {
                        if (!out.put(in.get(p++))) return true;
                        continue;
                    }
                    if (p + 2 > chunkEnd) return true;
                    int token = (in.get(p) & 0xff) | (in.get(p + 1) & 0xff) << 8;
                    p += 2;
                    int d = out.size() - chunkStart;
                    int bits = 4;
                    while ((1 << bits) < d && bits < 12) bits++;
                    int lengthMask = 0xffff >> bits;
                    int length = (token & lengthMask) + 3;
                    int offset = (token >>> (16 - bits)) + 1;
                    int src = out.size() - offset;
                    if (offset > d || src < 0) return true; // reaches before the chunk: corrupt
                    for (int k = 0; k < length; k++) {
                        if (!out.put(out.get(src + k))) return true;
                    }
                }
            }
            p = chunkEnd;
        }
        return true;
    }
}
