package dev.bulwark.engine.formats.cpio;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.nio.ByteBuffer;

/**
 * cpio in its four variants: old binary (little or big endian, 26-byte header, even padding), odc
 * ({@code 070707}, octal, no padding), newc ({@code 070701}) and crc ({@code 070702}) (hex, 4-byte
 * padding). As in ClamAV, every header is the same variant as the first, empty members are skipped,
 * the old format yields only regular files, and headers after {@code TRAILER!!!} are still read.
 * Members are zero-copy slices.
 */
public final class CpioExtractor implements Extractor {
    private static final int OLD_HEADER = 26, ODC_HEADER = 76, NEWC_HEADER = 110;
    /** Name bytes kept for metadata (ClamAV keeps 512). */
    private static final int MAX_NAME = 512;
    private static final String TRAILER = "TRAILER!!!";

    private enum Kind { OLD_LE, OLD_BE, ODC, NEWC }

    /** One parsed header: where the data starts, its size, name and mode. */
    private record Header(String name, long size, long dataStart, long mode) {}

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        Kind kind = kind(b, 0);
        if (kind == null) {
            ctx.note("cpio: no cpio magic");
            return;
        }
        int file = 0;
        boolean trailer = false;
        long pos = 0;
        try {
            while (Bytes.has(b, pos, headerSize(kind)) && !ctx.stopped()) {
                if (kind(b, pos) != kind) {
                    if (!trailer) ctx.note("cpio: bad header magic at " + pos);
                    return;
                }
                Header h = header(b, kind, pos);
                file++;
                if (h.name().equals(TRAILER)) trailer = true;
                long end = h.dataStart() + h.size();
                long next = kind == Kind.NEWC ? (end + 3) & ~3L : kind == Kind.ODC ? end : (end + 1) & ~1L;
                ChildInfo info = new ChildInfo(h.name(), null, h.size(), h.size(), false, file, -1);
                if (h.size() > 0 && kind.ordinal() <= Kind.OLD_BE.ordinal() && (h.mode() & 0170000) != 0100000) {
                    if (!ctx.announce(info)) return; // old format: only regular files are scanned
                } else if (h.size() > 0) {
                    ByteBuffer data = Bytes.slice(b, h.dataStart(), h.size());
                    if (data.remaining() < h.size()) ctx.note("cpio: member " + file + " truncated");
                    if (!ctx.child(info, data)) return;
                }
                if (next <= pos) return;
                pos = next;
            }
        } catch (MalformedException e) {
            ctx.note("cpio: " + e.getMessage());
        }
    }

    private static int headerSize(Kind k) {
        return switch (k) {
            case OLD_LE, OLD_BE -> OLD_HEADER;
            case ODC -> ODC_HEADER;
            case NEWC -> NEWC_HEADER;
        };
    }

    private static Kind kind(ByteBuffer b, long pos) {
        if (!Bytes.has(b, pos, 6)) return Bytes.has(b, pos, 2) ? oldKind(b, pos) : null;
        String m = Bytes.text(b, pos, 6, false);
        if (m.equals("070707")) return Kind.ODC;
        if (m.equals("070701") || m.equals("070702")) return Kind.NEWC;
        return oldKind(b, pos);
    }

    private static Kind oldKind(ByteBuffer b, long pos) {
        int lo = Bytes.u8(b, pos), hi = Bytes.u8(b, pos + 1);
        if (lo == 0xc7 && hi == 0x71) return Kind.OLD_LE;
        if (lo == 0x71 && hi == 0xc7) return Kind.OLD_BE;
        return null;
    }

    private static Header header(ByteBuffer b, Kind k, long pos) {
        return switch (k) {
            case OLD_LE, OLD_BE -> {
                boolean le = k == Kind.OLD_LE;
                long mode = u16(b, pos + 6, le);
                int nlen = u16(b, pos + 20, le);
                long size = (long) u16(b, pos + 22, le) << 16 | u16(b, pos + 24, le);
                long nameAt = pos + OLD_HEADER;
                yield new Header(name(b, nameAt, nlen), size, nameAt + nlen + (nlen & 1), mode);
            }
            case ODC -> { // as ClamAV's cpio_odc: only the name and file sizes are read (the mode is not used for odc)
                long mode = 0100000;
                long nlen = number(b, pos + 59, 6, 8);
                long size = number(b, pos + 65, 11, 8);
                yield new Header(name(b, pos + ODC_HEADER, nlen), size, pos + ODC_HEADER + nlen, mode);
            }
            case NEWC -> { // as ClamAV's cpio_newc: only the name and file sizes are read
                long mode = 0100000;
                long size = number(b, pos + 54, 8, 16);
                long nlen = number(b, pos + 94, 8, 16);
                long start = (pos + NEWC_HEADER + nlen + 3) & ~3L;
                yield new Header(name(b, pos + NEWC_HEADER, nlen), size, start, mode);
            }
        };
    }

    private static int u16(ByteBuffer b, long off, boolean le) { return le ? Bytes.u16le(b, off) : Bytes.u16be(b, off); }

    /**
     * An ASCII number field in the given radix read as ClamAV reads it (sscanf "%o"/"%x" on the field): leading
     * white space, then the digits up to the first other byte; a field without a digit ends the archive.
     */
    private static long number(ByteBuffer b, long off, int len, int radix) {
        int i = 0;
        while (i < len && isSpace(Bytes.u8(b, off + i))) i++;
        if (radix == 16 && i + 1 < len && Bytes.u8(b, off + i) == '0' && (Bytes.u8(b, off + i + 1) | 0x20) == 'x'
                && i + 2 < len && Character.digit((char) Bytes.u8(b, off + i + 2), 16) >= 0) {
            i += 2; // %x takes a 0x prefix
        }
        long v = 0;
        int digits = 0;
        for (; i < len; i++, digits++) {
            int d = Character.digit((char) Bytes.u8(b, off + i), radix);
            if (d < 0) break;
            v = v * radix + d;
        }
        if (digits == 0) throw new MalformedException("bad number in cpio header", off);
        return v;
    }

    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** The member name without its NUL, clipped to what the layer holds and to MAX_NAME. */
    private static String name(ByteBuffer b, long off, long len) {
        int n = (int) Math.max(0, Math.min(Math.min(len, MAX_NAME), b.limit() - off));
        int z = 0;
        while (z < n && b.get((int) (off + z)) != 0) z++;
        return Bytes.text(b, off, z, false);
    }
}
