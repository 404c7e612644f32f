package dev.bulwark.engine.formats.ishield;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * An InstallShield {@code data1.hdr} ("ISc(" header) and the files it places in the {@code dataN.cab}
 * cabinets of the same overlay, read as ClamAV reads them: the header's object table gives the file
 * table; every internal, non-duplicate, non-empty file whose stream lies inside its cabinet is decoded
 * (a sequence of chunks, each a 16-bit length and a raw deflate stream) and scanned.
 */
final class IscHeader {
    static final int MAGIC = 0x28635349; // "ISc("
    /** Packed sizes of the header, object table and file record. */
    static final int HDR = 20, OBJECTS = 74, FILE = 87;
    private static final int FLAG_INTERNAL = 4;
    /** File records read per header: each needs 87 bytes of the header, so this only bounds lying counts. */
    static final int MAX_FILES = 1 << 20;
    private static final int CHUNK_OUT = 64 << 10;

    private IscHeader() {}

    /**
     * Extracts the files of the header. Returns true when ClamAV would then scan the header and the
     * cabinets themselves: the header is unusable (missing, too small, wrong magic) or some listed
     * file could not be taken from its cabinet.
     */
    static boolean extract(ByteBuffer layer, IshieldOverlay.Part hdr, List<IshieldOverlay.Part> cabs, ExtractContext ctx) {
        if (hdr == null || hdr.size() == 0 || cabs.isEmpty()) return true;
        ByteBuffer b = layer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long h = hdr.offset();
        if (!Bytes.has(b, h, hdr.size()) || hdr.size() < HDR) return true;
        long dataOff = Bytes.u32le(b, h + 12);
        long objs = h + dataOff;
        if (!Bytes.has(b, objs, OBJECTS)) return true;
        if ((int) Bytes.u32le(b, h) != MAGIC) return true;
        long dirsOff = Bytes.u32le(b, objs + 12);
        long filesCnt = Bytes.u32le(b, objs + 40);
        long dirSz2 = Bytes.u32le(b, objs + 44);
        long off = h + dataOff + dirsOff + dirSz2;
        boolean rescan = false;
        for (long i = 0; i < filesCnt && i < MAX_FILES; i++, off += FILE) {
            if (ctx.stopped()) return false;
            if (!Bytes.has(b, off, FILE)) return true; // this and every later record lies outside the data
            int flags = Bytes.u16le(b, off);
            if (flags != FLAG_INTERNAL) continue; // external (0) or unknown entries are not in the cabinets
            if ((Bytes.u8(b, off + 84) & 1) != 0) continue; // a duplicate of an earlier file
            long size = Bytes.u64le(b, off + 2), csize = Bytes.u64le(b, off + 10), stream = Bytes.u64le(b, off + 18);
            if (size == 0) continue;
            int cabNo = Bytes.u16le(b, off + 85);
            IshieldOverlay.Part cab = null;
            for (IshieldOverlay.Part c : cabs) {
                if (c.cabNo() == cabNo) { cab = c; break; }
            }
            if (cab == null || !contained(cab.size(), stream, csize)) {
                rescan = true;
                continue;
            }
            String name = name(b, h, hdr.size(), dataOff + dirsOff + Bytes.u32le(b, off + 58));
            Boolean r = chunks(b, cab.offset() + stream, csize, name, (int) Math.min(i, Integer.MAX_VALUE), ctx);
            if (r == null) return false;
            if (!r) rescan = true;
        }
        return rescan;
    }

    /** ClamAV's CLI_ISCONTAINED for a stream of {@code len} bytes at {@code at} inside a cabinet of {@code size}. */
    private static boolean contained(long size, long at, long len) {
        return size > 0 && len > 0 && at >= 0 && len <= size && at < size && at <= size - len;
    }

    /** The file's name from the header's string area, or "" when it does not fit. */
    private static String name(ByteBuffer b, long h, int hdrSize, long rel) {
        if (rel < 0 || rel >= hdrSize) return "";
        int end = (int) (h + rel);
        int limit = (int) (h + hdrSize);
        while (end < limit && b.get(end) != 0) end++;
        if (end >= limit) return "";
        byte[] a = new byte[end - (int) (h + rel)];
        b.get((int) (h + rel), a, 0, a.length);
        return new String(a, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * Decodes one file's chunks and scans it. Returns true when it was scanned, false when decoding
     * failed (ClamAV then scans nothing of it), null when the scan must stop.
     */
    private static Boolean chunks(ByteBuffer b, long off, long csize, String name, int position, ExtractContext ctx) {
        long cap = ctx.budget();
        byte[] out = new byte[(int) Math.min(Math.min(cap, csize * 4 + 1024), Integer.MAX_VALUE - 16)];
        int n = 0;
        boolean ok = false, full = false;
        byte[] in = new byte[0];
        Inflater inf = new Inflater(true);
        try {
            while (csize > 0 && !full) {
                ok = false;
                if (csize < 2 || !Bytes.has(b, off, 2)) break;
                csize -= 2;
                int chunk = Bytes.u16le(b, off);
                off += 2;
                if (chunk == 0) continue;
                if (csize < chunk || !Bytes.has(b, off, chunk)) break;
                csize -= chunk;
                if (in.length < chunk) in = new byte[chunk];
                b.get((int) off, in, 0, chunk);
                off += chunk;
                inf.reset();
                inf.setInput(in, 0, chunk);
                while (true) {
                    if (n == out.length) {
                        if (n >= cap) { full = true; ok = true; break; } // trimmed at the limit, scanned as far as it goes
                        out = Arrays.copyOf(out, (int) Math.min(cap, Math.min((long) n * 2 + CHUNK_OUT, Integer.MAX_VALUE - 16)));
                    }
                    int got = inf.inflate(out, n, out.length - n);
                    n += got;
                    if (inf.finished() || got == 0 && (inf.needsInput() || inf.needsDictionary())) { ok = true; break; }
                    if (ctx.stopped()) return null;
                }
                if (!ok) break;
            }
        } catch (DataFormatException e) {
            ok = false;
        } finally {
            inf.end();
        }
        if (!ok) {
            ctx.note("ishield: " + name + ": damaged compressed stream");
            return false;
        }
        return ctx.child(new ChildInfo(name, null, -1, -1, false, position, -1), ByteBuffer.wrap(out, 0, n)) ? true : null;
    }
}
