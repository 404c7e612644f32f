package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;

/**
 * What a container says about one member, as {@code .cdb} rules and JSON output see it.
 *
 * @param name           member name inside the container (may be empty)
 * @param typeHint       the type the container implies (e.g. MAIL for an mbox message), or null to detect
 * @param compressedSize stored size, or -1 when unknown
 * @param declaredSize   uncompressed size the container claims, or -1 when unknown
 * @param encrypted      the member is encrypted (and therefore not extracted unless a password worked)
 * @param position       index of the member as ClamAV's {@code .cdb} rules see it (1-based for ZIP, TAR, CPIO,
 *                       ARJ; 0-based for 7z, CAB, CHM; always 0 for ISO 9660 — checked against clamscan --debug)
 * @param crc32          CRC the container records, or -1
 */
public record ChildInfo(String name, FileType typeHint, long compressedSize, long declaredSize,
                        boolean encrypted, int position, long crc32) {

    public static ChildInfo named(String name, int position) {
        return new ChildInfo(name, null, -1, -1, false, position, -1);
    }

    /** Names a child carved out of its parent's raw bytes. */
    public ChildInfo withCarved() {
        return new ChildInfo(name.isEmpty() ? CARVED : name, typeHint, compressedSize, declaredSize, encrypted, position, crc32);
    }

    /** Name given to executables carved out of their parent layer. */
    public static final String CARVED = "(embedded PE)";

    public ChildInfo withTypeHint(FileType t) {
        return new ChildInfo(name, t, compressedSize, declaredSize, encrypted, position, crc32);
    }
}
