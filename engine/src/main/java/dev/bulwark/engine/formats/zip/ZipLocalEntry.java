package dev.bulwark.engine.formats.zip;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.Emit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The one ZIP member whose local header starts the layer, as ClamAV extracts each ZIP-SFX hit
 * ({@code cli_unzip_single}): no central directory, so sizes come from the local header; a member that
 * defers its sizes to a data descriptor, has masked headers, is empty, encrypted or runs past the end is
 * only reported to {@code .cdb} rules. Container position is 0, as ClamAV reports it.
 */
public final class ZipLocalEntry implements Extractor {

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int n = b.limit();
        if (n < ZipExtractor.LOCAL_HEADER_SIZE || b.getInt(0) != CentralDirectory.SIG_LOCAL) return;
        int flags = Bytes.u16le(b, 6), method = Bytes.u16le(b, 8);
        long crc = Bytes.u32le(b, 14), cs = Bytes.u32le(b, 18), us = Bytes.u32le(b, 22);
        int nlen = Bytes.u16le(b, 26), elen = Bytes.u16le(b, 28);
        long left = n - ZipExtractor.LOCAL_HEADER_SIZE;
        if (left <= nlen) {
            ctx.note("zip: local header name runs past the end");
            return;
        }
        ZipRecord r = new ZipRecord(0, flags, method, cs, us, crc, 0, ZipExtractor.LOCAL_HEADER_SIZE,
                Math.min(nlen, CentralDirectory.MAX_NAME));
        String name = Bytes.text(b, r.nameOffset(), r.nameLength(), (flags & ZipRecord.FLAG_UTF8) != 0);
        ChildInfo info = new ChildInfo(name, null, cs, us, r.encrypted(), 0, crc);
        left -= nlen;
        if ((flags & (ZipRecord.FLAG_MASKED_HEADERS | ZipRecord.FLAG_DATA_DESCRIPTOR)) != 0 || left <= elen || cs == 0
                || left - elen < cs || r.encrypted() || !ZipMethods.supported(method)) {
            if (!ZipMethods.supported(method)) ctx.note("zip: unsupported method " + method);
            ctx.announce(info);
            return;
        }
        long dataStart = (long) ZipExtractor.LOCAL_HEADER_SIZE + nlen + elen;
        ByteBuffer data = Bytes.slice(b, dataStart, cs);
        if (method == ZipMethods.STORED) {
            ctx.child(info, data);
            return;
        }
        InputStream in;
        try {
            in = ZipMethods.open(method, flags, data, us);
        } catch (IOException | RuntimeException e) {
            ctx.note("zip: " + e.getMessage());
            ctx.announce(info);
            return;
        }
        Emit.stream(ctx, "zip", info, in, data.remaining());
    }
}
