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
 * bzip2 (Commons Compress decoder): one child, decoded as libclamav's {@code cli_scanbzip} decodes it (compat17).
 * Only the first stream: libbz2's BZ2_bzDecompress ends at the first end-of-stream marker and cli_scanbzip stops there,
 * so a second concatenated stream (and anything after the first) is never read; clamscan 1.4.6 finds nothing in an
 * empty or 'hello' stream followed by one holding EICAR. And the output is written in 8 KiB pieces (FILEBUFF) as its
 * buffer fills, the last piece at the end of the stream: when decoding fails (damaged data, a CRC that does not match,
 * input that ends early) the piece being filled is dropped and what was written before is scanned.
 */
public final class Bzip2Extractor implements Extractor {
    /** libclamav's FILEBUFF: cli_scanbzip's output buffer. */
    static final int PIECE = 8192;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        InputStream in;
        try {
            in = new BZip2CompressorInputStream(new BufferInputStream(layer.data()), false);
        } catch (IOException | RuntimeException e) {
            ctx.note("bzip2: bad header: " + e.getMessage());
            return;
        }
        Emit.stream(ctx, "bzip2", new ChildInfo("", null, layer.size(), -1, false, 1, -1), new Pieces(in), layer.size());
    }

    /**
     * Hands the decoder's output on in whole {@link #PIECE}s and the last, short one only at a clean end; a failure
     * drops the piece being filled and is rethrown.
     */
    static final class Pieces extends InputStream {
        private final InputStream in;
        private final byte[] piece = new byte[PIECE];
        private int filled, pos;
        private boolean end;

        Pieces(InputStream in) { this.in = in; }

        private boolean fill() throws IOException {
            if (end) return false;
            filled = 0;
            pos = 0;
            try {
                while (filled < PIECE) {
                    int r = in.read(piece, filled, PIECE - filled);
                    if (r < 0) { end = true; break; }
                    filled += r;
                }
            } catch (IOException | RuntimeException e) {
                filled = 0;
                end = true;
                throw e;
            }
            return filled > 0;
        }

        @Override
        public int read() throws IOException {
            if (pos == filled && !fill()) return -1;
            return piece[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (pos == filled && !fill()) return -1;
            int k = Math.min(len, filled - pos);
            System.arraycopy(piece, pos, b, off, k);
            pos += k;
            return k;
        }

        @Override
        public void close() throws IOException { in.close(); }
    }
}
