package dev.bulwark.engine.formats.szdd;

import dev.bulwark.engine.formats.archivecommon.BulkInputStream;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.Emit;
import java.nio.ByteBuffer;

/**
 * SZDD, the format of Microsoft's {@code COMPRESS.EXE} ({@code FILE.EX_}): a 14-byte header and
 * LZSS over a 4 KiB window pre-filled with spaces. Decoded by our own code; one child.
 */
public final class SzddExtractor implements Extractor {
    private static final byte[] MAGIC = {'S', 'Z', 'D', 'D', (byte) 0x88, (byte) 0xf0, 0x27, 0x33};
    static final int HEADER = 14;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        if (!Bytes.has(b, 0, HEADER) || Bytes.indexOf(b, MAGIC, 0, MAGIC.length) != 0 || b.get(8) != 'A') {
            ctx.note("szdd: bad header");
            return;
        }
        long size = Bytes.u32le(b, 10);
        ByteBuffer packed = Bytes.slice(b, HEADER, b.limit() - HEADER);
        Emit.stream(ctx, "szdd", new ChildInfo("", null, packed.remaining(), size, false, 1, -1),
                new Lzss(packed, size), packed.remaining());
    }

    /** The SZDD LZSS decoder: flag bytes LSB first, 1 = literal, 0 = (12-bit position, 4-bit length + 3). */
    static final class Lzss extends BulkInputStream {
        private static final int N = 4096, MASK = N - 1;
        private final ByteBuffer in;
        private final byte[] window = new byte[N];
        private int inPos, wpos = N - 16, flags, flagBits;
        private int copyFrom, copyLeft;
        private long remaining;

        Lzss(ByteBuffer in, long size) {
            this.in = in;
            this.remaining = size;
            java.util.Arrays.fill(window, (byte) ' ');
        }


        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) return 0;
            int n = 0;
            while (n < len && remaining > 0) {
                if (copyLeft > 0) {
                    put(b, off + n++, window[copyFrom++ & MASK]);
                    copyLeft--;
                    continue;
                }
                if (flagBits == 0) {
                    if (inPos >= in.limit()) break;
                    flags = in.get(inPos++) & 0xff;
                    flagBits = 8;
                }
                boolean literal = (flags & 1) != 0;
                flags >>>= 1;
                flagBits--;
                if (literal) {
                    if (inPos >= in.limit()) break;
                    put(b, off + n++, in.get(inPos++));
                } else {
                    if (inPos + 2 > in.limit()) break;
                    int lo = in.get(inPos++) & 0xff, hi = in.get(inPos++) & 0xff;
                    copyFrom = lo | (hi & 0xf0) << 4;
                    copyLeft = (hi & 0x0f) + 3;
                }
            }
            return n == 0 ? -1 : n;
        }

        private void put(byte[] b, int at, byte v) {
            b[at] = v;
            window[wpos] = v;
            wpos = (wpos + 1) & MASK;
            remaining--;
        }
    }
}
