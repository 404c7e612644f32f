package dev.bulwark.engine.formats.arj;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.NativeInput;
import dev.bulwark.engine.formats.archivecommon.Emit;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import dev.bulwark.engine.filetype.ByteScan;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * ARJ archives (and ARJ-SFX: the main header is searched for, by a valid CRC): as ClamAV's unarj, the
 * headers of an archive are read without checking their CRC (a damaged header CRC does not end the archive),
 * members use {@link ArjDecoder} (methods 0-4). Garbled (password-protected) members are announced.
 */
public final class ArjExtractor implements Extractor {
    private static final int ID0 = 0x60, ID1 = 0xea;
    /** Largest basic header the format allows. */
    static final int MAX_HEADER = 2600;
    /** Candidate signatures checked when looking for the main header (SFX stubs contain stray 0x60EA). */
    static final int MAX_CANDIDATES = 4096;
    /** Extended headers followed per entry; ARJ itself writes none or one. */
    static final int MAX_EXT_HEADERS = 64;
    private static final int FLAG_GARBLED = 1, TYPE_COMMENT = 2, TYPE_DIR = 3, TYPE_LABEL = 4;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        try {
            // an archive that starts with a header is read from there, as ClamAV reads it (its CRC unchecked);
            // a valid CRC only tells where an archive starts behind an SFX stub
            long pos = headerAt(b, 0) ? 0 : findMain(b);
            if (pos < 0) {
                ctx.note("arj: no valid main header");
                return;
            }
            pos = skipHeader(b, pos); // the main header describes the archive, not a member
            int position = 0;
            while (!ctx.stopped()) {
                if (!Bytes.has(b, pos, 4) || Bytes.u8(b, pos) != ID0 || Bytes.u8(b, pos + 1) != ID1) {
                    ctx.note("arj: no header at " + pos);
                    return;
                }
                int size = Bytes.u16le(b, pos + 2);
                if (size == 0) return; // end of archive
                if (!headerAt(b, pos)) {
                    ctx.note("arj: header at " + pos + " larger than the format allows or truncated");
                    return;
                }
                if (!crcOk(b, pos)) ctx.note("arj: header CRC mismatch at " + pos + " (read anyway, as ClamAV does)");
                long h = pos + 4;
                int first = Bytes.u8(b, h);
                int flags = Bytes.u8(b, h + 4), method = Bytes.u8(b, h + 5), type = Bytes.u8(b, h + 6);
                long csize = Bytes.u32le(b, h + 12), osize = Bytes.u32le(b, h + 16), crc = Bytes.u32le(b, h + 20);
                String name = cString(b, h + first, h + size);
                long data = skipHeader(b, pos);
                pos = data + csize;
                if (type == TYPE_DIR || type == TYPE_LABEL || type == TYPE_COMMENT) continue;
                position++;
                ChildInfo info = new ChildInfo(name, null, csize, osize, (flags & FLAG_GARBLED) != 0, position, crc);
                if (!member(b, info, data, csize, osize, method, ctx)) return;
            }
        } catch (MalformedException e) {
            ctx.note("arj: " + e.getMessage());
        }
    }

    private static boolean member(ByteBuffer b, ChildInfo info, long data, long csize, long osize, int method, ExtractContext ctx) {
        if (info.encrypted() || method > 4) {
            if (method > 4) ctx.note("arj: member " + info.position() + " uses unknown method " + method);
            return ctx.announce(info) && !ctx.stopped();
        }
        ByteBuffer packed = Bytes.slice(b, data, csize);
        if (packed.remaining() < csize) ctx.note("arj: member " + info.position() + " truncated");
        if (osize == 0) return ctx.announce(info) && !ctx.stopped();
        if (method == 0) return ctx.child(info, Bytes.slice(packed, 0, osize)) && !ctx.stopped();
        return Emit.stream(ctx, "arj", info, new ArjDecoder(packed, osize, method), packed.remaining());
    }

    /**
     * Offset of the first header with a valid CRC, or -1. The 0x60 bytes are found eight at a time in a heap
     * buffer ({@link ByteScan#next}); the candidates and their order are those of a byte-by-byte walk.
     */
    static long findMain(ByteBuffer b) {
        int candidates = 0, end = b.limit() - 3; // a candidate needs its id and size: i + 4 <= limit
        byte[] a = b.hasArray() ? b.array() : null;
        int o = a == null ? 0 : b.arrayOffset();
        for (int i = nextId(b, a, o, 0, end); i >= 0 && candidates < MAX_CANDIDATES; i = nextId(b, a, o, i + 1, end)) {
            if ((b.get(i + 1) & 0xff) != ID1) continue;
            candidates++;
            int size = Bytes.u16le(b, i + 2);
            if (size > 0 && size <= MAX_HEADER && crcOk(b, i)) return i;
        }
        return -1;
    }

    /** Index of the first {@code ID0} byte in {@code [from, end)} of the buffer, or -1. */
    private static int nextId(ByteBuffer b, byte[] a, int o, int from, int end) {
        if (from >= end) return -1;
        if (a != null) {
            int k = ByteScan.next(a, o + from, o + end, (byte) ID0);
            return k < 0 ? -1 : k - o;
        }
        for (int i = from; i < end; i++) if ((b.get(i) & 0xff) == ID0) return i;
        return -1;
    }

    /**
     * A basic header at {@code pos} as ClamAV's arj_read_main_header/arj_read_file_header accept it: the id, a
     * size within the format's bound with the header and its CRC present, a first-header size of at least 30
     * and within the header, and the name and comment each ended by a NUL inside the header.
     */
    private static boolean headerAt(ByteBuffer b, long pos) {
        if (!Bytes.has(b, pos, 4) || Bytes.u8(b, pos) != ID0 || Bytes.u8(b, pos + 1) != ID1) return false;
        int size = Bytes.u16le(b, pos + 2);
        if (size <= 0 || size > MAX_HEADER || !Bytes.has(b, pos + 4, size + 4L)) return false;
        long h = pos + 4, end = h + size;
        int first = Bytes.u8(b, h);
        if (first < 30 || first > size) return false;
        long nameEnd = nul(b, h + first, end);
        return nameEnd >= 0 && nul(b, nameEnd + 1, end) >= 0;
    }

    private static long nul(ByteBuffer b, long from, long end) {
        for (long i = from; i < end; i++) if (b.get((int) i) == 0) return i;
        return -1;
    }

    private static boolean crcOk(ByteBuffer b, long pos) {
        int size = Bytes.u16le(b, pos + 2);
        if (size > MAX_HEADER || !Bytes.has(b, pos + 4, size + 4L)) return false;
        CRC32 crc = new CRC32();
        NativeInput.update(Bytes.slice(b, pos + 4, size), crc); // (sigbus) not native on a mapped buffer
        return crc.getValue() == Bytes.u32le(b, pos + 4 + size);
    }

    /** Skips a header at {@code pos} (basic header, its CRC, the extended headers); returns the next offset. */
    private static long skipHeader(ByteBuffer b, long pos) {
        long p = pos + 4 + Bytes.u16le(b, pos + 2) + 4;
        for (int i = 0; ; i++) {
            int ext = Bytes.u16le(b, p);
            p += 2;
            if (ext == 0) return p;
            if (i >= MAX_EXT_HEADERS) throw new MalformedException("too many extended headers", p);
            p += ext + 4L;
        }
    }

    private static String cString(ByteBuffer b, long from, long end) {
        long p = from;
        while (p < end && Bytes.u8(b, p) != 0) p++;
        return Bytes.text(b, from, (int) Math.min(p - from, 255), false);
    }
}
