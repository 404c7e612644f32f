package dev.bulwark.engine.formats.zip;

/**
 * One file as the central directory (or a local header) describes it. Offsets are layer offsets
 * (already corrected for SFX stubs). The name is kept as a position in the layer, decoded on use.
 */
record ZipRecord(int position, int flags, int method, long compressedSize, long size, long crc32,
                 long localOffset, int nameOffset, int nameLength) {

    static final int FLAG_ENCRYPTED = 1;
    static final int FLAG_DATA_DESCRIPTOR = 1 << 3;
    static final int FLAG_STRONG_ENCRYPTION = 1 << 6;
    static final int FLAG_UTF8 = 1 << 11;
    static final int FLAG_MASKED_HEADERS = 1 << 13;

    boolean encrypted() { return (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) != 0; }
}
