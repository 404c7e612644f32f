package dev.bulwark.engine.formats.zip;

import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * The legacy ZIP methods (implode, shrink), apart from {@link ZipMethods} so that linking the common
 * decoders does not load Commons Compress's streaming ZIP reader: that class refers to a zstd stream the
 * JDK's ahead-of-time cache cannot hold (its zstd-jni dependency is absent), and checking that reference
 * opened three jars at every start of {@code bin/bulwark} once the reader was in the cache.
 */
final class ZipLegacy {
    private ZipLegacy() {}

    /**
     * Implode and shrink: Commons Compress decodes them only inside its streaming ZIP reader, so the
     * member is presented to it behind a synthetic local header (no copy of the data).
     */
    static InputStream open(int method, int flags, ByteBuffer data, long size) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(31).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.putInt(CentralDirectory.SIG_LOCAL).putShort((short) 10).putShort((short) (flags & 6)).putShort((short) method)
                .putInt(0).putInt(0).putInt(data.remaining()).putInt((int) Math.min(Math.max(size, 0), 0xfffffffeL)).putShort((short) 1).putShort((short) 0).put((byte) 'x');
        ZipArchiveInputStream zin = new ZipArchiveInputStream(
                new SequenceInputStream(new ByteArrayInputStream(h.array()), new BufferInputStream(data)));
        if (zin.getNextEntry() == null) throw new IOException("member header rejected");
        return zin;
    }
}
