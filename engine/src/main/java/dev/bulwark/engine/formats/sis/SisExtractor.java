package dev.bulwark.engine.formats.sis;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.Emit;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Symbian installation files of the pre-9 format (UID3 0x10000419): the file records are walked
 * as ClamAV walks them and every language variant of every file is extracted, zlib-inflated
 * unless the header says "not compressed". Symbian 9 SIS (UID1 0x10201A7A) is recognised and noted
 * but not extracted.
 */
public final class SisExtractor implements Extractor {
    private static final long UID3_OLD = 0x10000419L, UID1_V9 = 0x10201a7aL;
    private static final int HEADER = 84, FLAG_NOT_COMPRESSED = 0x0008;
    private static final int PKG_FILE = 0, PKG_LANGFILE = 1, PKG_OPTION = 2, PKG_IF = 3, PKG_ELSIF = 4;
    private static final int FT_NULL = 4;
    /** Languages accepted (ClamAV rejects counts beyond its language table, about a hundred). */
    static final int MAX_LANGS = 128;
    /** File records walked. */
    static final int MAX_RECORDS = 65_535;
    /** Characters of a name kept (ClamAV: 400 bytes of UTF-16). */
    private static final int MAX_NAME_BYTES = 400;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        try {
            if (Bytes.has(b, 0, 16) && Bytes.u32le(b, 0) == UID1_V9) {
                ctx.note("sis: Symbian 9 SIS format is not extracted");
                return;
            }
            if (!Bytes.has(b, 0, HEADER) || Bytes.u32le(b, 8) != UID3_OLD) {
                ctx.note("sis: not a SIS file");
                return;
            }
            walk(b, ctx);
        } catch (MalformedException e) {
            ctx.note("sis: " + e.getMessage());
        }
    }

    private static void walk(ByteBuffer b, ExtractContext ctx) {
        int langs = Bytes.u16le(b, 18), files = Bytes.u16le(b, 20), flags = Bytes.u16le(b, 36);
        long pfiles = Bytes.u32le(b, 52);
        if (langs == 0 || langs >= MAX_LANGS) throw new MalformedException("bad language count " + langs, 18);
        if (pfiles < HEADER) throw new MalformedException("file records inside the header", 52);
        boolean compressed = (flags & FLAG_NOT_COMPRESSED) == 0;
        long pos = pfiles;
        int position = 0;
        for (int i = 0; i < Math.min(files, MAX_RECORDS) && !ctx.stopped(); i++) {
            long type = Bytes.u32le(b, pos);
            pos += 4;
            if (type == PKG_FILE || type == PKG_LANGFILE) {
                long ftype = Bytes.u32le(b, pos);
                long srcLen = Bytes.u32le(b, pos + 8), srcPtr = Bytes.u32le(b, pos + 12);
                pos += 24;
                long lens = pos, ptrs = pos + 4L * langs, olens = pos + 8L * langs;
                pos += 12L * langs + 8; // lengths, pointers, original lengths, MIME type
                Bytes.need(b, lens, 12L * langs);
                String name = name(b, srcPtr, srcLen);
                for (int j = 0; j < langs && ftype != FT_NULL; j++) {
                    long len = Bytes.u32le(b, lens + 4L * j), ptr = Bytes.u32le(b, ptrs + 4L * j), olen = Bytes.u32le(b, olens + 4L * j);
                    if (len == 0 || ptr < HEADER) continue;
                    position++;
                    ChildInfo info = new ChildInfo(name, null, len, compressed ? olen : len, false, position, -1);
                    ByteBuffer data = Bytes.slice(b, ptr, len);
                    if (data.remaining() < len) ctx.note("sis: file " + position + " extends past the end");
                    if (!emit(ctx, info, data, compressed)) return;
                }
            } else if (type == PKG_OPTION) {
                pos += 4 + Bytes.u32le(b, pos) * langs * 8L;
            } else if (type == PKG_IF || type == PKG_ELSIF) {
                pos += 4 + Bytes.u32le(b, pos);
            }
            // PKGelse, PKGendif and unknown records have no body
        }
    }

    private static boolean emit(ExtractContext ctx, ChildInfo info, ByteBuffer data, boolean compressed) {
        if (!compressed) return ctx.child(info, data) && !ctx.stopped();
        Inflater inf = new Inflater();
        InputStream in = new InflaterInputStream(new BufferInputStream(data), inf, 8192);
        try {
            return Emit.stream(ctx, "sis", info, in, data.remaining());
        } finally {
            inf.end();
        }
    }

    private static String name(ByteBuffer b, long ptr, long len) {
        int n = (int) Math.min(len, MAX_NAME_BYTES) & ~1;
        if (n == 0 || !Bytes.has(b, ptr, n)) return "";
        byte[] a = new byte[n];
        b.get((int) ptr, a, 0, n);
        return new String(a, StandardCharsets.UTF_16LE);
    }

}
