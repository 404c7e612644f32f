package dev.bulwark.engine.filetype;

import java.util.HashMap;
import java.util.Map;

/** Layer types, named as ClamAV names them ({@code CL_TYPE_*}) so that signatures can refer to them. */
public enum FileType {
    ANY, TEXT_ASCII, TEXT_UTF8, TEXT_UTF16LE, TEXT_UTF16BE, BINARY_DATA, IGNORED,
    MSEXE, ELF, MACHO, MACHO_UNIBIN, POSIX_TAR, OLD_TAR, CPIO_OLD, CPIO_ODC, CPIO_NEWC, CPIO_CRC,
    GZ, ZIP, BZ, RAR, ARJ, MSSZDD, MSOLE2, MSCAB, MSCHM, SIS, SCRENC, GRAPHICS, GIF, PNG, JPEG, TIFF, RIFF,
    BINHEX, TNEF, CRYPTFF, PDF, UUENCODED, HTML_UTF16, SCRIPT, RTF, HTML, MAIL, SFX, ZIPSFX, RARSFX, CABSFX,
    ARJSFX, NULSFT, AUTOIT, ISHIELD_MSI, SEVENZIP("CL_TYPE_7Z"), SEVENZIPSFX("CL_TYPE_7ZSFX"), SWF, ISO9660,
    JAVA, DMG, MBR, GPT, APM, XAR, PART_ANY, PART_HFSPLUS, XZ, OOXML_WORD, OOXML_PPT, OOXML_XL, INTERNAL,
    XDP, XML_WORD, XML_XL, HWP3, XML_HWP, HWPOLE2, OOXML_HWP, PS, MHTML, LNK, EGG, EGGSFX, UDF, ALZ,
    ONENOTE, PYTHON_COMPILED, LHA_LZH, ZSTD;

    private final String clamName;

    // String.concat, not "+": a "+" here is an invokedynamic call that the interpreter runs through method handles at
    // each of the ~90 constructions, ~0.5 ms of every start (startup10)
    FileType() { this.clamName = "CL_TYPE_".concat(name()); }
    FileType(String clamName) { this.clamName = clamName; }

    /** The ClamAV name, e.g. {@code CL_TYPE_ZIP}. */
    public String clamName() { return clamName; }

    /**
     * The types by ClamAV name, built on the first lookup (startup12, round 11): only text databases' parsers look
     * names up, and building it in FileType's own initialiser hashed ~90 names interpreted in every scan's start-up.
     */
    private static final class ByName {
        static final Map<String, FileType> MAP = new HashMap<>();
        static {
            for (FileType t : values()) MAP.put(t.clamName, t);
        }
    }

    /** Looks up a ClamAV type name; null when unknown. */
    public static FileType fromClamName(String s) {
        return ByName.MAP.get(s);
    }

    public boolean isText() {
        return this == TEXT_ASCII || this == TEXT_UTF8 || this == TEXT_UTF16LE || this == TEXT_UTF16BE;
    }

    public boolean isGraphics() {
        return this == GRAPHICS || this == GIF || this == PNG || this == JPEG || this == TIFF;
    }
}
