package dev.bulwark.engine.formats.nsis;

import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.tukaani.xz.ArrayCache;

/** The compression of an NSIS block or solid stream, recognised from its first bytes as ClamAV does. */
enum Method {
    /** NSIS's own bzip2 variant: no stream header, one-byte block markers, no CRCs. */
    BZIP2,
    /** A 5-byte LZMA properties header (0x5d and the dictionary size), then raw LZMA. */
    LZMA,
    /** Raw deflate. */
    ZLIB;

    /** Dictionary NSIS can be told to use at most (SetCompressorDictSize 128): anything larger lies. */
    private static final int MAX_DICT = 128 << 20;
    private static final int MIN_DICT = 4096;

    /**
     * ClamAV's rule (first word 0x5d once bit 31 is cleared: the default 8 MiB and 16 MiB multiples) or
     * the LZMA properties NSIS writes (0x5d) followed by a dictionary size NSIS can produce.
     */
    static Method of(ByteBuffer b, int off) {
        if (off + 4 > b.limit()) return ZLIB;
        if (b.get(off) == '1') return BZIP2;
        long w = (b.get(off) & 0xffL) | (b.get(off + 1) & 0xffL) << 8 | (b.get(off + 2) & 0xffL) << 16 | (b.get(off + 3) & 0x7fL) << 24;
        if (w == 0x5d) return LZMA;
        if (b.get(off) != 0x5d || off + 5 > b.limit()) return ZLIB;
        long dict = w >>> 8 | (b.get(off + 4) & 0xffL) << 24;
        return dict >= MIN_DICT && dict <= MAX_DICT && Long.bitCount(dict) == 1 ? LZMA : ZLIB;
    }

    /** A decoding stream over {@code data}; errors surface as IOExceptions from read. */
    InputStream open(ByteBuffer data, ExtractContext ctx) {
        return open(data, ctx, ArrayCache.getDefaultCache());
    }

    /** As {@link #open(ByteBuffer, ExtractContext)}; an LZMA dictionary comes from (and goes back to, on close) {@code cache}. */
    InputStream open(ByteBuffer data, ExtractContext ctx, ArrayCache cache) {
        return switch (this) {
            case ZLIB -> new InflaterInputStream(new BufferInputStream(data), new Inflater(true)) {
                @Override
                public void close() throws IOException {
                    super.close();
                    inf.end();
                }
            };
            case LZMA -> lzma(data, ctx, cache);
            case BZIP2 -> new NsisBzip2(data);
        };
    }

    private static InputStream lzma(ByteBuffer data, ExtractContext ctx, ArrayCache cache) {
        return new InputStream() {
            private InputStream in;

            private InputStream in() throws IOException {
                if (in == null) {
                    if (data.limit() < 5) throw new IOException("nsis: LZMA header truncated");
                    byte props = data.get(0);
                    long dict = (data.get(1) & 0xffL) | (data.get(2) & 0xffL) << 8 | (data.get(3) & 0xffL) << 16 | (data.get(4) & 0xffL) << 24;
                    if (dict > MAX_DICT) throw new IOException("nsis: LZMA dictionary of " + dict + " bytes");
                    // output beyond the scan size is never looked at, so neither is a dictionary larger than it
                    int d = (int) Math.max(MIN_DICT, Math.min(dict, Math.min(MAX_DICT, ctx.limits().maxScanSize())));
                    in = dev.bulwark.engine.formats.archivecommon.LzmaStreams.open(new BufferInputStream(data.slice(5, data.limit() - 5)), -1, props, d, cache);
                }
                return in;
            }

            @Override
            public int read() throws IOException {
                return in().read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in().read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (in != null) in.close();
            }
        };
    }
}
