package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.NativeInput;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/** RAR 5 blocks: CRC32, header size, type, flags (variable-length integers), extra and data areas. */
final class Rar5 {
    private static final int FILE = 2, SERVICE = 3, ENCRYPTION = 4, END = 5;
    private static final int HAS_EXTRA = 1, HAS_DATA = 2;
    private static final int F_DIRECTORY = 1, F_MTIME = 2, F_CRC = 4, F_UNKNOWN_SIZE = 8;
    /** Header flags: the data area continues from the previous volume / in the next one. */
    private static final int SPLIT_BEFORE = 8, SPLIT_AFTER = 0x10;
    /** Compression information: algorithm version (0 = RAR 5.0), solid flag, method, dictionary size. */
    private static final int COMP_SOLID = 0x40;
    /** Smallest RAR 5 dictionary (128 KiB), shifted left by the header's 4-bit size field. */
    private static final long MIN_DICTIONARY = 128 << 10;
    private static final int EXTRA_ENCRYPTION = 1;
    /** Largest header RAR 5 writes (2 MiB); bigger sizes are corrupt. */
    private static final long MAX_HEADER = 2 << 20;
    /** Extra records per header. */
    private static final int MAX_EXTRA_RECORDS = 256;

    private Rar5() {}

    /** A cursor over variable-length integers (7 bits per byte, least significant first). */
    private static final class Cursor {
        final ByteBuffer b;
        long p;
        final long end;

        Cursor(ByteBuffer b, long p, long end) { this.b = b; this.p = p; this.end = end; }

        long vint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (p >= end) throw new MalformedException("vint past header end", p);
                int x = Bytes.u8(b, p++);
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) return v;
            }
            throw new MalformedException("vint too long", p);
        }

        long u32() {
            if (p + 4 > end) throw new MalformedException("field past header end", p);
            long v = Bytes.u32le(b, p);
            p += 4;
            return v;
        }
    }

    static void walk(ByteBuffer b, long pos, ExtractContext ctx, Unpacker unpacker) {
        int position = 0;
        for (int n = 0; n < RarExtractor.MAX_HEADERS && !ctx.stopped(); n++) {
            if (!Bytes.has(b, pos, 6)) return;
            Cursor c = new Cursor(b, pos + 4, Math.min(b.limit(), pos + 4 + 3));
            long size = c.vint();
            long body = c.p;
            if (size <= 0 || size > MAX_HEADER || !Bytes.has(b, body, size)) {
                ctx.note("rar: bad header at " + pos);
                return;
            }
            CRC32 crc = new CRC32();
            NativeInput.update(Bytes.slice(b, pos + 4, body - (pos + 4) + size), crc); // (sigbus) not native on a mapped buffer
            if (crc.getValue() != Bytes.u32le(b, pos)) {
                ctx.note("rar: header CRC mismatch at " + pos);
                return;
            }
            c = new Cursor(b, body, body + size);
            int type = (int) c.vint();
            long flags = c.vint();
            long extraSize = (flags & HAS_EXTRA) != 0 ? c.vint() : 0;
            long dataSize = (flags & HAS_DATA) != 0 ? c.vint() : 0;
            if (extraSize < 0 || extraSize > size || dataSize < 0) {
                ctx.note("rar: bad sizes at " + pos);
                return;
            }
            long data = body + size;
            if (type == ENCRYPTION) {
                ctx.note("rar: headers are encrypted");
                unpacker.encrypted(new ChildInfo("", null, -1, -1, true, 1, -1));
                return;
            }
            if (type == END) return;
            if (type == FILE) {
                long fileFlags = c.vint();
                long unpacked = c.vint();
                c.vint(); // attributes
                if ((fileFlags & F_MTIME) != 0) c.u32();
                long fileCrc = (fileFlags & F_CRC) != 0 ? c.u32() : -1;
                long comp = c.vint();
                c.vint(); // host OS
                long nlen = c.vint();
                if (nlen < 0 || c.p + nlen > c.end) throw new MalformedException("name past header end", c.p);
                String name = Bytes.text(b, c.p, (int) Math.min(nlen, 1024), true);
                c.p += nlen;
                boolean encrypted = hasEncryptionRecord(b, data - extraSize, data);
                boolean dir = (fileFlags & F_DIRECTORY) != 0;
                if (!dir) position++;
                int method = (int) ((comp >> 7) & 7);
                if ((fileFlags & F_UNKNOWN_SIZE) != 0) unpacked = -1;
                ChildInfo info = new ChildInfo(name, null, dataSize, unpacked, encrypted, Math.max(position, 1), fileCrc);
                if (dir || encrypted || method == 0) {
                    if (encrypted) unpacker.encrypted(null);
                    if (!RarExtractor.member(b, ctx, info, data, dataSize, method == 0, dir)) return;
                } else if ((comp & 0x3f) != 0 || (flags & (SPLIT_BEFORE | SPLIT_AFTER)) != 0) {
                    unpacker.skipped();
                    ctx.note("rar: member " + info.position() + " (" + name + ") "
                            + ((comp & 0x3f) != 0 ? "uses compression algorithm " + (comp & 0x3f) : "spans volumes") + ": not extracted");
                    if (!ctx.announce(info) || ctx.stopped()) return;
                } else {
                    long dictionary = MIN_DICTIONARY << ((comp >> 10) & 15);
                    if (!unpacker.member(b, info, data, dataSize, dictionary, (comp & COMP_SOLID) != 0)) return;
                }
            }
            long next = data + dataSize;
            if (next <= pos) return;
            pos = next;
        }
    }

    private static boolean hasEncryptionRecord(ByteBuffer b, long from, long end) {
        Cursor c = new Cursor(b, from, end);
        for (int i = 0; i < MAX_EXTRA_RECORDS && c.p < end; i++) {
            long size = c.vint();
            long recEnd = c.p + size;
            if (size <= 0 || recEnd > end) return false;
            if (c.vint() == EXTRA_ENCRYPTION) return true;
            c.p = recEnd;
        }
        return false;
    }

}
