package dev.bulwark.engine.formats.tar;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import java.nio.ByteBuffer;

/**
 * TAR (POSIX/GNU ustar and old V7 headers) following ClamAV's untar: headers with a bad checksum
 * are skipped block by block, the first block starting with NUL ends the archive, link, directory
 * and device entries are passed over, GNU long-name and pax records are skipped, and the member
 * name is the 100-byte header name. Members are zero-copy slices of the layer.
 */
public final class TarExtractor implements Extractor {
    static final int BLOCK = 512;
    private static final int NAME_LEN = 100, SIZE_OFF = 124, SIZE_LEN = 12, CHKSUM_OFF = 148, TYPE_OFF = 156, MAGIC_OFF = 257;

    /**
     * What ClamAV's type recognition concludes for a layer that might be TAR: POSIX_TAR when
     * {@code "ustar"} is at offset 257 (its magic table entry, no checksum needed); otherwise its
     * {@code is_tar} fallback: POSIX_TAR for a valid header with GNU magic {@code "ustar  \0"} (subsumed
     * above), OLD_TAR for any other header with a valid checksum, null when not a tar.
     */
    public static FileType detect(ByteBuffer b) {
        if (b.limit() >= MAGIC_OFF + 5 && "ustar".equals(Bytes.text(b, MAGIC_OFF, 5, false))) return FileType.POSIX_TAR;
        if (b.limit() < BLOCK || !checksumOk(b, 0)) return null;
        byte[] gnu = {'u', 's', 't', 'a', 'r', ' ', ' ', 0};
        for (int i = 0; i < gnu.length; i++) if (b.get(MAGIC_OFF + i) != gnu[i]) return FileType.OLD_TAR;
        return FileType.POSIX_TAR;
    }

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        boolean posix = layer.type() == FileType.POSIX_TAR;
        int files = 0;
        boolean badNoted = false;
        for (long pos = 0; pos + 1 <= b.limit() && !ctx.stopped(); ) {
            int p = (int) pos;
            if (b.get(p) == 0) return; // end of archive
            if (!Bytes.has(b, p, BLOCK)) {
                ctx.note("tar: partial header at " + p);
                return;
            }
            if (!checksumOk(b, p)) {
                if (!badNoted) ctx.note("tar: bad header checksum at " + p + ", resynchronising");
                badNoted = true;
                pos += BLOCK;
                continue;
            }
            if (posix && !"ustar".equals(Bytes.text(b, p + MAGIC_OFF, 5, false))) {
                ctx.note("tar: header without ustar magic at " + p);
                return;
            }
            char type = (char) (b.get(p + TYPE_OFF) & 0xff);
            long size = size(b, p + SIZE_OFF);
            pos += BLOCK;
            switch (type) {
                case '1', '2', '3', '4', '5', '6', 'V' -> { continue; } // no data of its own
                case 'K', 'L', 'N', 'A', 'E', 'I', 'g', 'x', 'X' -> {
                    if (size < 0) continue;
                    pos += roundUp(size);
                    continue;
                }
                default -> { } // '0', NUL, '7', 'M' and unknown types are files
            }
            files++;
            if (size < 0) {
                ctx.note("tar: invalid size field at " + (p + SIZE_OFF));
                continue;
            }
            String name = cString(b, p, NAME_LEN);
            ChildInfo info = new ChildInfo(name, null, size, size, false, files, -1);
            ByteBuffer data = Bytes.slice(b, pos, size);
            if (data.remaining() < size) ctx.note("tar: member " + files + " truncated");
            if (!ctx.child(info, data) || ctx.stopped()) return;
            pos += roundUp(size);
        }
    }

    private static long roundUp(long size) { return (size + BLOCK - 1) / BLOCK * BLOCK; }

    static boolean checksumOk(ByteBuffer b, int p) {
        long recorded = octal(b, p + CHKSUM_OFF, 8);
        if (recorded < 0) return false;
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) sum += (i >= CHKSUM_OFF && i < CHKSUM_OFF + 8) ? ' ' : b.get(p + i) & 0xff;
        return sum == recorded;
    }

    /** Size field: octal (ClamAV) or GNU base-256; -1 when invalid. */
    static long size(ByteBuffer b, int off) {
        int first = b.get(off) & 0xff;
        if (first == 0x80) {
            long v = 0;
            for (int i = 1; i < SIZE_LEN; i++) {
                if (v >>> 55 != 0) return -1;
                v = v << 8 | (b.get(off + i) & 0xff);
            }
            return v;
        }
        return octal(b, off, SIZE_LEN);
    }

    /** Octal digits after optional spaces, ended by NUL or space; -1 for a blank or malformed field. */
    static long octal(ByteBuffer b, int off, int len) {
        int i = 0;
        while (i < len && b.get(off + i) == ' ') i++;
        if (i == len) return -1;
        long v = 0;
        int digits = 0;
        for (; i < len; i++, digits++) {
            int c = b.get(off + i);
            if (c < '0' || c > '7') break;
            v = v << 3 | (c - '0');
        }
        if (i < len && b.get(off + i) != 0 && b.get(off + i) != ' ') return -1;
        return digits == 0 && i < len && b.get(off + i) != 0 ? -1 : v;
    }

    private static String cString(ByteBuffer b, int off, int max) {
        int n = 0;
        while (n < max && b.get(off + n) != 0) n++;
        return Bytes.text(b, off, n, false);
    }
}
