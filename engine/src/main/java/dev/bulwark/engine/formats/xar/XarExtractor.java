package dev.bulwark.engine.formats.xar;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.NativeInput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * (types17) XAR ({@code xar!}): a big-endian header (its own size at 4, the table of contents' compressed and
 * decompressed sizes at 8 and 16), the zlib-compressed XML table of contents, then the heap. As ClamAV's
 * cli_scanxar: the decompressed TOC is a child (cut to the size the header gives; a zlib error ends the scan), each
 * {@code <subdoc>} before {@code <toc>} is one, and each {@code <data>} or {@code <ea>} extent ({@code offset},
 * {@code length}, {@code size}, encoding) is one, in TOC order: {@code application/x-gzip} is inflated (zlib; a data
 * error drops that member), {@code application/x-lzma} decoded (LZMA-alone), anything else (raw, bzip2, xz) handed
 * on as stored, to be typed and unpacked as its own layer. An extent that starts beyond the file ends the scan;
 * checksums are not checked (ClamAV only counts mismatches). Members are bounded by the context's limits.
 */
public final class XarExtractor implements Extractor {
    static final int HEADER = 28;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        int n = b.limit();
        if (n < HEADER || b.getInt(0) != 0x78617221) {
            ctx.note("xar: bad header");
            return;
        }
        int hsize = b.getShort(4) & 0xFFFF;
        long tocC = b.getLong(8), tocU = b.getLong(16);
        if (tocC < 0 || tocU < 0 || tocC > n - hsize) { // (not hsize + tocC: that overflows for a tocC near 2^63)
            ctx.note("xar: TOC beyond the file");
            return;
        }
        if (tocU > ctx.budget()) { // the TOC is held in memory: no larger than a member may be
            ctx.limit("MaxFileSize");
            return;
        }
        byte[] toc = inflateToc(b, hsize, (int) tocC, (int) tocU);
        if (toc == null) {
            ctx.note("xar: TOC does not inflate");
            return;
        }
        if (!ctx.child(new ChildInfo("", null, tocC, toc.length, false, 0, -1), ByteBuffer.wrap(toc)) || ctx.stopped()) return;
        Toc t = new Toc(new String(toc, StandardCharsets.ISO_8859_1));
        if (!t.subdocs(ctx)) return;
        long heap = hsize + tocC;
        int position = 1;
        for (Toc.Extent e; (e = t.next()) != null; ) {
            long at = heap + e.offset();
            boolean gzip = e.encoding().equals("application/x-gzip"), lzma = e.encoding().equals("application/x-lzma");
            long avail = at >= n ? 0 : Math.min(n - at, e.length());
            // ClamAV reads a stored extent at once and an LZMA one's 13-byte header first: a read that cannot be made
            // (past the end, or of no bytes) ends the scan; a gzip extent past the end inflates nothing, an empty member
            if (at < 0 || !gzip && (lzma ? at + 13 > n : avail == 0)) {
                ctx.note("xar: extent beyond the file");
                return;
            }
            ChildInfo info = new ChildInfo("", null, e.length(), e.size(), false, position++, -1);
            ByteBuffer in = b.slice((int) Math.min(at, n), (int) avail);
            boolean go;
            switch (e.encoding()) {
                case "application/x-gzip" -> {
                    byte[] out = inflateMember(in, ctx.budget());
                    if (out == null) { // a zlib data error: ClamAV scans nothing of it, and goes on
                        ctx.note("xar: member " + (position - 1) + " does not inflate");
                        continue;
                    }
                    go = ctx.child(info, ByteBuffer.wrap(out));
                }
                case "application/x-lzma" -> go = lzma(ctx, info, b.slice((int) at, 13), in);
                default -> go = ctx.child(info, in);
            }
            if (!go || ctx.stopped()) return;
        }
    }

    /**
     * The TOC as zlib inflates it into {@code outLen} bytes (fewer when the stream ends or its input runs out); null on
     * a data error or when nothing can be produced (ClamAV: inflate's Z_BUF_ERROR).
     */
    static byte[] inflateToc(ByteBuffer b, int off, int len, int outLen) {
        Inflater inf = new Inflater();
        try {
            // (sigbus) a mapped (direct) layer reaches zlib as heap copies: see NativeInput
            NativeInput.Feed feed = new NativeInput.Feed(inf, b, off, off + len);
            // (review21) grown as the stream produces, up to outLen: a few bytes declaring a TOC of MaxFileSize no
            // longer allocate all of it up front
            byte[] out = new byte[Math.min(outLen, 64 << 10)];
            int got = 0;
            while (got < outLen && !inf.finished()) {
                if (got == out.length) out = java.util.Arrays.copyOf(out, (int) Math.min(outLen, 2L * out.length));
                int k = inf.inflate(out, got, out.length - got);
                if (k == 0 && inf.needsInput() && feed.next()) continue;
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                got += k;
            }
            if (got == 0 && !inf.finished()) return null;
            return got == out.length ? out : java.util.Arrays.copyOf(out, got);
        } catch (DataFormatException e) {
            return null;
        } finally {
            inf.end();
        }
    }

    /**
     * A gzip-encoded member (a zlib stream): all it inflates to, or one byte more than {@code cap} when it is larger
     * (the context then refuses it by size), or null on a data error.
     */
    static byte[] inflateMember(ByteBuffer in, long cap) {
        Inflater inf = new Inflater();
        try {
            NativeInput.Feed feed = new NativeInput.Feed(inf, in, in.position(), in.limit());
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int k = inf.inflate(buf);
                if (k == 0 && inf.needsInput() && feed.next()) continue;
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                o.write(buf, 0, k);
                if (o.size() > cap) break;
            }
            return o.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inf.end();
        }
    }

    /**
     * An LZMA-alone member: its 13-byte header, then the rest of the extent (none when the extent is shorter than the
     * header); what decodes, bounded by the limits, is the member.
     */
    private static boolean lzma(ExtractContext ctx, ChildInfo info, ByteBuffer header, ByteBuffer extent) {
        int body = Math.max(0, extent.remaining() - 13);
        byte[] all = new byte[13 + body];
        header.get(0, all, 0, 13);
        if (body > 0) extent.get(13, all, 13, body);
        long cap = ctx.budget();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        if (!decodeLzma(all, cap, o, 8192)) {
            // damaged: the decoder loses what a read had decoded when it fails, so decode again a byte per read, to
            // keep all that decodes before the damage (ClamAV writes each decoded block before the next)
            o.reset();
            decodeLzma(all, cap, o, 1);
        }
        return ctx.child(info, ByteBuffer.wrap(o.toByteArray()));
    }

    /** Decodes into {@code o} (stopping past {@code cap}) with reads of {@code chunk} bytes; false when damaged. */
    private static boolean decodeLzma(byte[] all, long cap, ByteArrayOutputStream o, int chunk) {
        try (InputStream z = new org.tukaani.xz.LZMAInputStream(new java.io.ByteArrayInputStream(all), 64 << 10)) {
            byte[] buf = new byte[chunk];
            for (int k; (k = z.read(buf)) > 0; ) {
                o.write(buf, 0, k);
                if (o.size() > cap) break;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
