package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.Emit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** RAR 1.5-4.x blocks: HEAD_CRC, HEAD_TYPE, HEAD_FLAGS, HEAD_SIZE, then the type's fields. */
final class Rar4 {
    private static final int MAIN = 0x73, FILE = 0x74, END = 0x7b;
    private static final int MHD_PASSWORD = 0x80, LHD_PASSWORD = 0x04, LHD_LARGE = 0x100, LHD_UNICODE = 0x200,
            LHD_DIR_MASK = 0xe0, LONG_BLOCK = 0x8000;
    private static final int METHOD_STORE = 0x30, METHOD_BEST = 0x35;
    private static final int LHD_SPLIT_BEFORE = 0x01, LHD_SPLIT_AFTER = 0x02, LHD_SOLID = 0x10;
    /** Unpack versions of the RAR 2.9-4.x codec (36 is its variant for archives with 64-bit sizes). */
    private static final int UNPACK_29 = 29, UNPACK_36 = 36;
    /** Smallest dictionary (64 KiB), shifted by the 3-bit size field in the file flags. */
    private static final long MIN_DICTIONARY = 64 << 10;

    private Rar4() {}

    static void walk(ByteBuffer b, long pos, ExtractContext ctx) {
        int position = 0;
        Unpacker unpacker = new Unpacker(ctx, Rar3Decoder::new, Rar3Filters.VM_MEMORY, true);
        for (int n = 0; n < RarExtractor.MAX_HEADERS && !ctx.stopped(); n++) {
            if (!Bytes.has(b, pos, 7)) return;
            int type = Bytes.u8(b, pos + 2), flags = Bytes.u16le(b, pos + 3), size = Bytes.u16le(b, pos + 5);
            if (size < 7 || !Bytes.has(b, pos, size)) {
                ctx.note("rar: bad header at " + pos);
                return;
            }
            if (!crcOk(b, pos, size)) {
                ctx.note("rar: header CRC mismatch at " + pos);
                return;
            }
            if (type == MAIN && (flags & MHD_PASSWORD) != 0) {
                ctx.note("rar: headers are encrypted");
                Emit.encrypted(ctx, new ChildInfo("", null, -1, -1, true, 1, -1), RarExtractor.ENCRYPTED);
                return;
            }
            if (type == END) return;
            long add = 0;
            if (type == FILE) {
                Bytes.need(b, pos, 32);
                long packed = Bytes.u32le(b, pos + 7), unpacked = Bytes.u32le(b, pos + 11);
                long crc = Bytes.u32le(b, pos + 16);
                int version = Bytes.u8(b, pos + 24);
                int method = Bytes.u8(b, pos + 25);
                int nameSize = Bytes.u16le(b, pos + 26);
                long nameAt = pos + 32;
                if ((flags & LHD_LARGE) != 0) {
                    packed |= Bytes.u32le(b, pos + 32) << 32;
                    unpacked |= Bytes.u32le(b, pos + 36) << 32;
                    nameAt += 8;
                }
                String name = name(b, nameAt, Math.min(nameSize, (int) Math.max(0, pos + size - nameAt)), (flags & LHD_UNICODE) != 0);
                add = packed;
                boolean dir = (flags & LHD_DIR_MASK) == LHD_DIR_MASK;
                if (!dir) position++;
                ChildInfo info = new ChildInfo(name, null, packed, unpacked, (flags & LHD_PASSWORD) != 0, Math.max(position, 1), crc);
                if (dir || info.encrypted() || method == METHOD_STORE) {
                    if (info.encrypted()) unpacker.skipped();
                    if (!RarExtractor.member(b, ctx, info, pos + size, packed, method == METHOD_STORE, dir)) return;
                } else if (method > METHOD_BEST || (version != UNPACK_29 && version != UNPACK_36)
                        || (flags & (LHD_SPLIT_BEFORE | LHD_SPLIT_AFTER)) != 0) {
                    unpacker.skipped();
                    ctx.note("rar: member " + info.position() + " (" + name + ") "
                            + ((flags & (LHD_SPLIT_BEFORE | LHD_SPLIT_AFTER)) != 0 ? "spans volumes"
                            : "uses unpack version " + version + " method 0x" + Integer.toHexString(method)) + ": not extracted");
                    if (!ctx.announce(info) || ctx.stopped()) return;
                } else {
                    long dictionary = MIN_DICTIONARY << ((flags >> 5) & 7);
                    if (!unpacker.member(b, info, pos + size, packed, dictionary, (flags & LHD_SOLID) != 0)) return;
                }
            } else if ((flags & LONG_BLOCK) != 0) {
                add = Bytes.u32le(b, pos + 7);
            }
            long next = pos + size + add;
            if (next <= pos || add < 0) return;
            pos = next;
        }
    }

    private static boolean crcOk(ByteBuffer b, long pos, int size) {
        CRC32 crc = new CRC32();
        crc.update(Bytes.slice(b, pos + 2, size - 2));
        return (crc.getValue() & 0xffff) == Bytes.u16le(b, pos);
    }

    /** The name field: ASCII/OEM, or with the Unicode flag the part before the NUL (the plain fallback name). */
    private static String name(ByteBuffer b, long at, int len, boolean unicode) {
        int n = 0;
        while (n < len && b.get((int) (at + n)) != 0) n++;
        byte[] a = new byte[n];
        b.get((int) at, a, 0, n);
        return new String(a, unicode && n == len ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }
}
