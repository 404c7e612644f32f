package dev.bulwark.engine.formats.swf;

import dev.bulwark.engine.formats.archivecommon.BulkInputStream;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.LzmaStreams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.InflaterInputStream;

/**
 * CL_TYPE_SWF: compressed Flash files ({@code CWS} zlib, {@code ZWS} LZMA) are decompressed into the
 * equivalent uncompressed {@code FWS} file, which becomes the single child. Uncompressed files have
 * no members.
 */
public final class SwfExtractor implements Extractor {
    private static final int HEADER = 8;                 // signature, version, file length
    private static final int ZWS_HEADER = 17;            // + compressed length + 5 LZMA property bytes
    /** LZMA dictionaries larger than this are refused: the decoder allocates the dictionary up front. */
    private static final int MAX_LZMA_DICT = 64 << 20;

    @Override
    public void extract(Layer layer, ExtractContext ctx) throws IOException {
        ByteBuffer b = layer.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.limit();
        if (n < HEADER) return;
        int sig = b.get(0) & 0xff;
        if ((sig != 'C' && sig != 'Z') || b.get(1) != 'W' || b.get(2) != 'S') return;
        long declared = b.getInt(4) & 0xffffffffL;
        byte[] header = {'F', 'W', 'S', b.get(3), b.get(4), b.get(5), b.get(6), b.get(7)};
        InputStream body;
        if (sig == 'C') {
            body = new InflaterInputStream(new ByteBufferInput(b, HEADER, n)); // closed below: ends its Inflater
        } else {
            if (n < ZWS_HEADER) return;
            int props = b.get(12) & 0xff;
            int dict = b.getInt(13);
            long out = Math.max(0, declared - HEADER);
            long effectiveDict = Math.min(dict < 0 ? Long.MAX_VALUE : dict, out);
            if (effectiveDict > MAX_LZMA_DICT) {
                ctx.note("SWF: LZMA dictionary of " + effectiveDict + " bytes refused");
                return;
            }
            try {
                // (fuzz19) the dictionary comes from the scan's cache and the range coder's first bytes are checked
                // before it is taken: a tar of 3,000 38-byte ZWS files declaring 64 MiB allocated 3,000 (15 s of CPU)
                body = LzmaStreams.open(new ByteBufferInput(b, ZWS_HEADER, n), out, (byte) props,
                        (int) Math.max(4096, effectiveDict), ctx.dictionaries());
            } catch (IOException | RuntimeException e) {
                ctx.note("SWF: bad LZMA properties: " + e.getMessage());
                return;
            }
        }
        ChildInfo info = new ChildInfo("", null, n, declared, false, 1, -1);
        try (InputStream whole = new SequenceInputStream(new ByteArrayInputStream(header), new Lenient(body))) {
            ctx.child(info, whole, n);
        }
    }

    /** Turns a corrupt-data exception into end of stream, so that what was decoded is still scanned. */
    private static final class Lenient extends BulkInputStream {
        private final InputStream in;
        private boolean dead;

        Lenient(InputStream in) { this.in = in; }


        @Override public void close() throws IOException { in.close(); }

        @Override public int read(byte[] buf, int off, int len) {
            if (dead) return -1;
            try {
                return in.read(buf, off, len);
            } catch (IOException | RuntimeException e) {
                dead = true;
                return -1;
            }
        }
    }

    /** An InputStream over a region of a ByteBuffer (absolute indices). */
    static final class ByteBufferInput extends InputStream {
        private final ByteBuffer b;
        private int pos;
        private final int end;

        ByteBufferInput(ByteBuffer b, int from, int end) {
            this.b = b;
            this.pos = from;
            this.end = end;
        }

        @Override public int read() { return pos < end ? b.get(pos++) & 0xff : -1; }

        @Override public int read(byte[] out, int off, int len) {
            if (pos >= end) return -1;
            int k = Math.min(len, end - pos);
            b.get(pos, out, off, k);
            pos += k;
            return k;
        }
    }
}
