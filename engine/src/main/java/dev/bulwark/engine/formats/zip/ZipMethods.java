package dev.bulwark.engine.formats.zip;

import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decoders for the ZIP compression methods (APPNOTE 4.4.5). The methods decoded by the archive libraries
 * live in {@link ZipCodecs}: verifying this class then loads none of those libraries' classes, so a ZIP of
 * stored and deflated members (nearly all of them) opens no other jar.
 */
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
            case DEFLATE64, BZIP2, LZMA, ZSTD, XZ -> ZipCodecs.open(method, raw, flags, size);
            case IMPLODED, SHRUNK -> ZipLegacy.open(method, flags, data, size);
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
}
