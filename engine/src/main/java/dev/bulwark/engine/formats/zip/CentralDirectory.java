package dev.bulwark.engine.formats.zip;

import dev.bulwark.engine.formats.archivecommon.Bytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Finds and reads the central directory (with ZIP64 and SFX offset correction). */
final class CentralDirectory {
    static final int SIG_CENTRAL = 0x02014b50;
    static final int SIG_LOCAL = 0x04034b50;
    static final int SIG_EOCD = 0x06054b50;
    static final int SIG_EOCD64 = 0x06064b50;
    static final int SIG_EOCD64_LOCATOR = 0x07064b50;
    static final int CENTRAL_HEADER_SIZE = 46;
    static final int EOCD_SIZE = 22;
    /** Records kept for the overlap check and extraction (each ~64 bytes): bounds memory on forged counts. */
    static final int MAX_RECORDS = 250_000;
    /** Names longer than this are cut, as ClamAV cuts them to its 256-byte buffer. */
    static final int MAX_NAME = 255;
    private static final long U32 = 0xffffffffL;

    private CentralDirectory() {}

    /** The records of the central directory, or null when there is none usable. */
    static List<ZipRecord> read(ByteBuffer b, StringBuilder notes) {
        int limit = b.limit();
        for (int eocd = limit - EOCD_SIZE; eocd >= 0; eocd--) {
            if (b.getInt(eocd) != SIG_EOCD) continue;
            long cdSize = Bytes.u32le(b, eocd + 12);
            long cdOffset = Bytes.u32le(b, eocd + 16);
            long cdEnd = eocd;
            if ((cdOffset == U32 || cdSize == U32) && eocd >= 20 && b.getInt(eocd - 20) == SIG_EOCD64_LOCATOR) {
                long e64 = Bytes.u64le(b, eocd - 20 + 8);
                if (e64 >= 0 && Bytes.has(b, e64, 56) && b.getInt((int) e64) == SIG_EOCD64) {
                    cdSize = Bytes.u64le(b, e64 + 40);
                    cdOffset = Bytes.u64le(b, e64 + 48);
                    cdEnd = e64;
                }
            }
            long start = -1;
            if (cdSize >= 0 && cdEnd - cdSize >= 0 && isCentral(b, cdEnd - cdSize)) start = cdEnd - cdSize;
            else if (isCentral(b, cdOffset)) start = cdOffset;
            if (start < 0) continue;
            long delta = cdOffset >= 0 && cdOffset <= start ? start - cdOffset : 0; // bytes of an SFX stub
            if (delta != 0) notes.append("zip: ").append(delta).append(" bytes before the archive (SFX)\n");
            return entries(b, (int) start, delta, notes);
        }
        return null;
    }

    private static boolean isCentral(ByteBuffer b, long off) {
        return off >= 0 && Bytes.has(b, off, CENTRAL_HEADER_SIZE) && b.getInt((int) off) == SIG_CENTRAL;
    }

    private static List<ZipRecord> entries(ByteBuffer b, int off, long delta, StringBuilder notes) {
        List<ZipRecord> out = new ArrayList<>();
        while (isCentral(b, off)) {
            if (out.size() >= MAX_RECORDS) {
                notes.append("zip: more than ").append(MAX_RECORDS).append(" central records, rest ignored\n");
                break;
            }
            int flags = Bytes.u16le(b, off + 8);
            int method = Bytes.u16le(b, off + 10);
            long crc = Bytes.u32le(b, off + 16);
            long csize = Bytes.u32le(b, off + 20);
            long usize = Bytes.u32le(b, off + 24);
            int nlen = Bytes.u16le(b, off + 28);
            int elen = Bytes.u16le(b, off + 30);
            int clen = Bytes.u16le(b, off + 32);
            long local = Bytes.u32le(b, off + 42);
            int nameOff = off + CENTRAL_HEADER_SIZE;
            boolean whole = Bytes.has(b, nameOff, (long) nlen + elen);
            if (!whole) notes.append("zip: central record ").append(out.size() + 1).append(" runs past the end\n");
            // a record whose extra field runs past the end still names its local header: ClamAV's unzip goes on
            // to that member, then finds no record after it (one whose name runs past the end it drops)
            if (!Bytes.has(b, nameOff, nlen)) break;
            int name = nlen;
            int extra = whole ? elen : (int) Math.max(0, Math.min(elen, (long) b.limit() - nameOff - nlen));
            long[] z64 = zip64(b, nameOff + nlen, extra, usize, csize, local);
            usize = z64[0];
            csize = z64[1];
            local = z64[2];
            out.add(new ZipRecord(out.size() + 1, flags, method, csize, usize, crc, local < 0 ? -1 : local + delta,
                    nameOff, Math.min(name, MAX_NAME)));
            if (!whole) break;
            off = nameOff + nlen + elen + clen;
        }
        return out;
    }

    /** Replaces 0xFFFFFFFF fields by their ZIP64 extra values (order: size, compressed, offset). */
    static long[] zip64(ByteBuffer b, int extraOff, int extraLen, long usize, long csize, long local) {
        long[] v = {usize, csize, local};
        if (usize != U32 && csize != U32 && local != U32) return v;
        int p = extraOff;
        int end = extraOff + extraLen;
        while (p + 4 <= end) {
            int id = Bytes.u16le(b, p);
            int len = Bytes.u16le(b, p + 2);
            if (p + 4 + len > end) break;
            if (id == 0x0001) {
                int q = p + 4;
                for (int i = 0; i < 3; i++) {
                    if (v[i] != U32) continue;
                    if (q + 8 > p + 4 + len) break;
                    v[i] = Bytes.u64le(b, q); // negative (> 2^63) stays negative and is rejected by users
                    q += 8;
                }
                break;
            }
            p += 4 + len;
        }
        return v;
    }
}
