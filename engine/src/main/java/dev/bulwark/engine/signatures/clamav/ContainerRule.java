package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.filetype.FileType;
import java.util.regex.Pattern;

/**
 * A {@code .cdb} rule: matches a member announced by a container by the container's type and size
 * and the member's name, sizes, encryption and position. Ranges are inclusive; null means any.
 */
public record ContainerRule(String name, FileType containerType, long[] containerSize, Pattern fileName,
                            long[] compressedSize, long[] realSize, Boolean encrypted, long[] position) {

    static boolean in(long[] r, long v) {
        return r == null || (v >= r[0] && v <= r[1]);
    }

    public boolean matches(FileType container, long containerSz, String member, long csize, long rsize,
                           boolean enc, int pos) {
        if (containerType != null && containerType != container) return false;
        if (!in(containerSize, containerSz) || !in(compressedSize, csize) || !in(realSize, rsize) || !in(position, pos)) return false;
        if (encrypted != null && encrypted != enc) return false;
        return fileName == null || fileName.matcher(member == null ? "" : member).find();
    }
}
