package dev.bulwark.engine.formats.zstd;

import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * (fuzz19) zstd frame headers declaring windows above 8 MiB rewritten for aircompressor (see {@link ZstdExtractor}); for
 * .zst layers and ZIP's method 93. A class of its own, free of aircompressor types, so that ZIP's method table can call
 * it without its verification loading the decoder's classes.
 */
public final class ZstdFrames {
    private ZstdFrames() {}

    private static final int MAGIC = 0xFD2FB528;
    /** The largest window aircompressor decodes compressed blocks in. */
    static final long MAX_WINDOW = 8 << 20;
    /** Window descriptor of an 8 MiB window: exponent 13 (2^(10+13)), mantissa 0. */
    private static final byte WINDOW_8MIB = (byte) (13 << 3);

    /** The layer with every frame header declaring a window above {@link #MAX_WINDOW} rewritten to declare 8 MiB (ctx: for the note, or null). */
    public static InputStream clamped(ByteBuffer b, ExtractContext ctx) {
        b = b.slice(); // absolute indices below count from the data's start
        List<InputStream> parts = new ArrayList<>();
        int n = b.limit(), done = 0, p = 0;
        while (p + 4 <= n) {
            long magic = Bytes.u32le(b, p);
            if ((magic & 0xFFFFFFF0L) == 0x184D2A50L) { // skippable frame
                if (p + 8 > n) break;
                long next = p + 8 + Bytes.u32le(b, p + 4);
                if (next > n) break;
                p = (int) next;
                continue;
            }
            if (magic != (MAGIC & 0xFFFFFFFFL) || p + 5 > n) break;
            int fhd = Bytes.u8(b, p + 4);
            if ((fhd & 0x08) != 0) break; // reserved bit: the decoder reports it
            boolean single = (fhd & 0x20) != 0;
            int fcsFlag = fhd >>> 6, didSize = new int[] {0, 1, 2, 4}[fhd & 3];
            int fcsSize = new int[] {single ? 1 : 0, 2, 4, 8}[fcsFlag];
            int at = p + 5, headerEnd = at + (single ? 0 : 1) + didSize + fcsSize;
            if (headerEnd > n) break;
            long window;
            if (!single) {
                int wd = Bytes.u8(b, at);
                long base = 1L << (10 + (wd >>> 3));
                window = base + (base >>> 3) * (wd & 7);
            } else {
                int fcsAt = at + didSize;
                window = switch (fcsSize) {
                    case 1 -> Bytes.u8(b, fcsAt);
                    case 2 -> Bytes.u16le(b, fcsAt) + 256L;
                    case 4 -> Bytes.u32le(b, fcsAt);
                    default -> Bytes.u64le(b, fcsAt);
                };
                if (window < 0) window = Long.MAX_VALUE;
            }
            int q = headerEnd;
            boolean last = false, compressed = false;
            long bound = 0; // the most this frame's blocks can produce: raw and RLE sizes, 128 KiB per compressed block
            while (!last && q + 3 <= n) {
                int bh = Bytes.u8(b, q) | Bytes.u8(b, q + 1) << 8 | Bytes.u8(b, q + 2) << 16;
                int type = bh >>> 1 & 3;
                if (type == 3) break; // reserved: the decoder reports it
                last = (bh & 1) != 0;
                compressed |= type == 2;
                bound += type == 2 ? 128 << 10 : bh >>> 3;
                q += 3 + (type == 1 ? 1 : bh >>> 3);
            }
            // a single-segment frame is left alone when its content size may be true and it has compressed blocks:
            // aircompressor decodes those (slowly past 8 MiB) where a rewritten 8 MiB frame failed after 2 MiB
            if (window > MAX_WINDOW && (!single || !compressed || window > bound)) {
                // the frame header becomes: checksum and dictionary-id flags kept, no content size, an 8 MiB window
                byte[] header = new byte[2 + didSize];
                header[0] = (byte) (fhd & 0x07);
                header[1] = WINDOW_8MIB;
                for (int i = 0; i < didSize; i++) header[2 + i] = b.get(at + (single ? 0 : 1) + i);
                parts.add(new BufferInputStream(b.slice(done, p + 4 - done)));
                parts.add(new ByteArrayInputStream(header));
                done = headerEnd;
                if (ctx != null) ctx.note("zstd: frame at " + p + " declares a window of " + window + " bytes, decoded in " + MAX_WINDOW);
            }
            if (!last) break;
            p = q + ((fhd & 0x04) != 0 ? 4 : 0);
        }
        if (parts.isEmpty()) return new BufferInputStream(b);
        parts.add(new BufferInputStream(b.slice(done, n - done)));
        return new SequenceInputStream(Collections.enumeration(parts));
    }
}
