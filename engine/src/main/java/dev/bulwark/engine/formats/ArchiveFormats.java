package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.arj.ArjExtractor;
import dev.bulwark.engine.formats.bzip2.Bzip2Extractor;
import dev.bulwark.engine.formats.cab.CabExtractor;
import dev.bulwark.engine.formats.chm.ChmExtractor;
import dev.bulwark.engine.formats.cpio.CpioExtractor;
import dev.bulwark.engine.formats.gzip.GzipExtractor;
import dev.bulwark.engine.formats.iso9660.Iso9660Extractor;
import dev.bulwark.engine.formats.rar.RarExtractor;
import dev.bulwark.engine.formats.sevenzip.SevenZipExtractor;
import dev.bulwark.engine.formats.sis.SisExtractor;
import dev.bulwark.engine.formats.szdd.SzddExtractor;
import dev.bulwark.engine.formats.tar.TarExtractor;
import dev.bulwark.engine.formats.xz.XzExtractor;
import dev.bulwark.engine.formats.zip.ZipExtractor;
import dev.bulwark.engine.formats.zstd.ZstdExtractor;

/** Creates the extractors of the archive and compression formats (see {@link Extractors}). */
final class ArchiveFormats {
    private ArchiveFormats() {}

    /** A new extractor for an archive or compression type, or null when the type is not one of them. */
    static Extractor create(FileType type) {
        return switch (type) {
            case ZIP, ZIPSFX, OOXML_WORD, OOXML_PPT, OOXML_XL, OOXML_HWP -> new ZipExtractor();
            case GZ -> new GzipExtractor();
            case BZ -> new Bzip2Extractor();
            case XZ -> new XzExtractor();
            case ZSTD -> new ZstdExtractor();
            case POSIX_TAR, OLD_TAR -> new TarExtractor();
            case SEVENZIP, SEVENZIPSFX -> new SevenZipExtractor();
            case MSCAB, CABSFX -> new CabExtractor();
            case ARJ, ARJSFX -> new ArjExtractor();
            case MSSZDD -> new SzddExtractor();
            case MSCHM -> new ChmExtractor();
            case ISO9660 -> new Iso9660Extractor();
            case DMG -> new dev.bulwark.engine.formats.dmg.DmgExtractor();
            case XAR -> new dev.bulwark.engine.formats.xar.XarExtractor();
            case SIS -> new SisExtractor();
            case UDF -> new dev.bulwark.engine.formats.udf.UdfExtractor();
            case RAR, RARSFX -> new RarExtractor();
            case ISHIELD_MSI -> new dev.bulwark.engine.formats.ishield.IshieldMsiExtractor();
            case CPIO_OLD, CPIO_ODC, CPIO_NEWC, CPIO_CRC -> new CpioExtractor();
            case NULSFT -> new dev.bulwark.engine.formats.nsis.NsisExtractor();
            case AUTOIT -> new dev.bulwark.engine.formats.autoit.AutoitExtractor();
            default -> null;
        };
    }
}
