package dev.bulwark.engine.formats.zip;

import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.deflate64.Deflate64CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZInputStream;

/** Decoders for the ZIP compression methods (APPNOTE 4.4.5). */
final class ZipMethods {
    static final int STORED = 0, SHRUNK = 1, IMPLODED = 6, DEFLATED = 8, DEFLATE64 = 9, BZIP2 = 12, LZMA = 14, ZSTD = 93, XZ = 95;
    /** Largest LZMA dictionary we allocate for one member: bigger ones are refused, not allocated. */
    static final int MAX_LZMA_DICT = 64 << 20;
    /** Memory (KiB) an XZ member may use; the reference decoder's default limit is of this order. */
    static final int XZ_MEMORY_LIMIT_KIB = 96 << 10;
    private static final int INFLATE_BUFFER = 16 * 1024;

    private ZipMethods() {}

    static boolean supported(int method) {
        return switch (method) {
            case STORED, SHRUNK, IMPLODED, DEFLATED, DEFLATE64, BZIP2, LZMA, ZSTD, XZ -> true;
            default -> false;
        };
    }

    /** A decoding stream for the member's data; the caller closes it. */
    static InputStream open(int method, int flags, ByteBuffer data, long size) throws IOException {
        InputStream raw = new BufferInputStream(data);
        return switch (method) {
            case STORED -> raw;
            case DEFLATED -> inflater(raw);
            case DEFLATE64 -> new Deflate64CompressorInputStream(raw);
            case BZIP2 -> new BZip2CompressorInputStream(raw, false);
            case IMPLODED, SHRUNK -> ZipLegacy.open(method, flags, data, size);
            case LZMA -> lzma(raw, flags, size);
            case ZSTD -> new ZstdInputStream(raw);
            case XZ -> new XZInputStream(raw, XZ_MEMORY_LIMIT_KIB);
            default -> throw new IOException("unsupported method " + method);
        };
    }

    /** Raw deflate whose native inflater is released on close. */
    static InputStream inflater(InputStream raw) {
        Inflater inf = new Inflater(true);
        return new InflaterInputStream(raw, inf, INFLATE_BUFFER) {
            private boolean closed;
            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    inf.end();
                }
                super.close();
            }
        };
    }

    /** ZIP's LZMA: version (2), properties size (2), properties (5), then the raw LZMA stream. */
    private static InputStream lzma(InputStream raw, int flags, long size) throws IOException {
        byte[] h = raw.readNBytes(9);
        if (h.length < 9 || (h[2] & 0xff | (h[3] & 0xff) << 8) != 5) throw new IOException("bad LZMA header");
        int dict = (h[5] & 0xff) | (h[6] & 0xff) << 8 | (h[7] & 0xff) << 16 | (h[8] & 0xff) << 24;
        if (dict < 0 || dict > MAX_LZMA_DICT) throw new IOException("LZMA dictionary too large: " + Integer.toUnsignedString(dict));
        boolean endMarker = (flags & 2) != 0;
        return new LZMAInputStream(raw, endMarker || size < 0 ? -1 : size, h[4], dict);
    }
}
