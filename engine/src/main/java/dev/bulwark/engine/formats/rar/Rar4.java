package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.NativeInput;
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

    static void walk(ByteBuffer b, long pos, ExtractContext ctx, Unpacker unpacker) {
        int position = 0;
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
                unpacker.encrypted(new ChildInfo("", null, -1, -1, true, 1, -1));
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
                    if (info.encrypted()) unpacker.encrypted(null);
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
        NativeInput.update(Bytes.slice(b, pos + 2, size - 2), crc); // (sigbus) not native on a mapped buffer
        return (crc.getValue() & 0xffff) == Bytes.u16le(b, pos);
    }

    /**
     * The name field: ASCII/OEM; with the Unicode flag either UTF-8 (no NUL) or the plain name, a NUL
     * and RAR's compact UTF-16 encoding of the real name, which is decoded here.
     */
    private static String name(ByteBuffer b, long at, int len, boolean unicode) {
        byte[] raw = new byte[len];
        b.get((int) at, raw, 0, len);
        int n = 0;
        while (n < len && raw[n] != 0) n++;
        if (!unicode || n == len) return plain(raw, n);
        return unicodeName(raw, n);
    }

    /** Unix RAR writes UTF-8 without the Unicode flag: use it when the bytes are valid UTF-8, else Latin-1. */
    private static String plain(byte[] raw, int n) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw, 0, n)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(raw, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    /** Names are short (the field is 16-bit); this bounds the decoded length. */
    private static final int MAX_NAME = 0x10000;

    /** RAR 3's name encoding: a high byte, then 2-bit opcodes that copy or patch the plain name. */
    private static String unicodeName(byte[] raw, int plainLen) {
        int p = plainLen + 1;
        if (p >= raw.length) return new String(raw, 0, plainLen, StandardCharsets.ISO_8859_1);
        int high = raw[p++] & 0xff;
        StringBuilder out = new StringBuilder();
        int flags = 0, flagBits = 0;
        while (p < raw.length && out.length() < MAX_NAME) {
            if (flagBits == 0) {
                flags = raw[p++] & 0xff;
                flagBits = 8;
            }
            switch (flags >> 6) {
                case 0 -> out.append((char) (raw[p++] & 0xff));
                case 1 -> out.append((char) ((raw[p++] & 0xff) | high << 8));
                case 2 -> {
                    if (p + 1 >= raw.length) return out.toString();
                    out.append((char) ((raw[p] & 0xff) | (raw[p + 1] & 0xff) << 8));
                    p += 2;
                }
                default -> {
                    int length = raw[p++] & 0xff;
                    if ((length & 0x80) != 0) {
                        if (p >= raw.length) return out.toString();
                        int correction = raw[p++] & 0xff;
                        for (length = (length & 0x7f) + 2; length > 0 && out.length() < plainLen; length--) {
                            out.append((char) ((((raw[out.length()] & 0xff) + correction) & 0xff) | high << 8));
                        }
                    } else {
                        for (length += 2; length > 0 && out.length() < plainLen; length--) out.append((char) (raw[out.length()] & 0xff));
                    }
                }
            }
            flags = (flags << 2) & 0xff;
            flagBits -= 2;
        }
        return out.toString();
    }
}
