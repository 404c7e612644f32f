package dev.bulwark.engine.formats.zip;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.deflate64.Deflate64CompressorInputStream;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.XZInputStream;

/** The ZIP methods decoded by the archive libraries (Deflate64, BZip2, LZMA, Zstandard, XZ): see {@link ZipMethods}. */
final class ZipCodecs {
    private ZipCodecs() {}

    /** A decoding stream over the member's raw data for one of these methods. */
    static InputStream open(int method, InputStream raw, int flags, long size, ArrayCache cache) throws IOException {
        return switch (method) {
            case ZipMethods.DEFLATE64 -> new Deflate64CompressorInputStream(raw);
            case ZipMethods.BZIP2 -> new BZip2CompressorInputStream(raw, false);
            case ZipMethods.LZMA -> lzma(raw, flags, size, cache);
            case ZipMethods.ZSTD -> new ZstdInputStream(raw);
            case ZipMethods.XZ -> new XZInputStream(raw, ZipMethods.XZ_MEMORY_LIMIT_KIB, cache);
            default -> throw new IOException("unsupported method " + method);
        };
    }

    /** ZIP's LZMA: version (2), properties size (2), properties (5), then the raw LZMA stream. */
    private static InputStream lzma(InputStream raw, int flags, long size, ArrayCache cache) throws IOException {
        byte[] h = raw.readNBytes(9);
        if (h.length < 9 || (h[2] & 0xff | (h[3] & 0xff) << 8) != 5) throw new IOException("bad LZMA header");
        int dict = (h[5] & 0xff) | (h[6] & 0xff) << 8 | (h[7] & 0xff) << 16 | (h[8] & 0xff) << 24;
        if (dict < 0 || dict > ZipMethods.MAX_LZMA_DICT) throw new IOException("LZMA dictionary too large: " + Integer.toUnsignedString(dict));
        boolean endMarker = (flags & 2) != 0;
        return dev.bulwark.engine.formats.archivecommon.LzmaStreams.open(raw, endMarker || size < 0 ? -1 : size, h[4], dict, cache);
    }
}
