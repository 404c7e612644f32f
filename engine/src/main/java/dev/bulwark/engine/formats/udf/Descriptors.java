package dev.bulwark.engine.formats.udf;

import dev.bulwark.engine.formats.archivecommon.Bytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Field positions of the ECMA-167 / UDF descriptors the extractor reads, and the two size rules it
 * needs (file identifier and file entry lengths). Every descriptor starts with a 16-byte tag whose
 * first two bytes are the tag identifier. All reads are bounds-checked by {@link Bytes}.
 */
final class Descriptors {
    private Descriptors() {}

    /** Blocks are read in this size, as ClamAV's UDF parser does (2048-byte volume descriptors). */
    static final int BLOCK = 2048;

    // tag identifiers (ECMA-167 3/7.2.1 and 4/7.2.1)
    static final int PRIMARY_VOLUME = 1, ANCHOR = 2, IMPLEMENTATION_USE = 4, PARTITION = 5, LOGICAL_VOLUME = 6,
            UNALLOCATED_SPACE = 7, TERMINATING = 8, INTEGRITY = 9, FILE_SET = 256, FILE_IDENTIFIER = 257,
            FILE_ENTRY = 261, EXTENDED_FILE_ENTRY = 266;

    /** Partition descriptor: partition number and starting block. */
    static final int PD_NUMBER = 22, PD_START = 188;
    /** Logical volume descriptor: logical block size. */
    static final int LVD_BLOCK_SIZE = 212;

    /** File entry: ICB tag flags (allocation descriptor kind in bits 0-1), EA and AD lengths, fixed part size. */
    static final int FE_ICB_FLAGS = 34, FE_EA_LENGTH = 168, FE_AD_LENGTH = 172, FE_FIXED = 176;
    /** File identifier descriptor: characteristics, identifier length, implementation-use length, fixed part. */
    static final int FID_CHARACTERISTICS = 18, FID_NAME_LENGTH = 19, FID_IU_LENGTH = 36, FID_FIXED = 38;
    static final int FID_DIRECTORY = 2;

    /** Sizes of short, long and extended allocation descriptors. */
    static final int SHORT_AD = 8, LONG_AD = 16, EXT_AD = 20;

    static int tag(ByteBuffer b, long off) {
        return Bytes.u16le(b, off);
    }

    /** Whole length of the file identifier descriptor at {@code off}, padded to a multiple of 4. */
    static long fidSize(ByteBuffer b, long off) {
        long unpadded = FID_FIXED + Bytes.u16le(b, off + FID_IU_LENGTH) + Bytes.u8(b, off + FID_NAME_LENGTH);
        return (unpadded + 3) & ~3L;
    }

    /** Whole length of the file entry at {@code off}: fixed part, extended attributes, allocation descriptors. */
    static long feSize(ByteBuffer b, long off) {
        return FE_FIXED + Bytes.u32le(b, off + FE_EA_LENGTH) + Bytes.u32le(b, off + FE_AD_LENGTH);
    }

    /**
     * The file identifier's name (an OSTA CS0 d-string: compression id 8 = one byte per character,
     * 16 = UTF-16BE); other ids are decoded byte by byte.
     */
    static String name(ByteBuffer b, long fid) {
        int len = Bytes.u8(b, fid + FID_NAME_LENGTH);
        if (len == 0) return "";
        long at = fid + FID_FIXED + Bytes.u16le(b, fid + FID_IU_LENGTH);
        if (!Bytes.has(b, at, len)) return "";
        byte[] a = new byte[len - 1];
        b.get((int) at + 1, a, 0, a.length);
        return Bytes.u8(b, at) == 16
                ? new String(a, 0, a.length & ~1, StandardCharsets.UTF_16BE)
                : new String(a, StandardCharsets.ISO_8859_1);
    }
}
