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
import java.util.Map;

/** Registers the extractors of the archive and compression formats. */
final class ArchiveFormats {
    private ArchiveFormats() {}

    static void register(Map<FileType, Extractor> map) {
        ZipExtractor zip = new ZipExtractor();
        for (FileType t : new FileType[] {FileType.ZIP, FileType.ZIPSFX, FileType.OOXML_WORD, FileType.OOXML_PPT,
                FileType.OOXML_XL, FileType.OOXML_HWP}) {
            map.put(t, zip);
        }
        map.put(FileType.GZ, new GzipExtractor());
        map.put(FileType.BZ, new Bzip2Extractor());
        map.put(FileType.XZ, new XzExtractor());
        map.put(FileType.ZSTD, new ZstdExtractor());
        TarExtractor tar = new TarExtractor();
        map.put(FileType.POSIX_TAR, tar);
        map.put(FileType.OLD_TAR, tar);
        SevenZipExtractor sevenZip = new SevenZipExtractor();
        map.put(FileType.SEVENZIP, sevenZip);
        map.put(FileType.SEVENZIPSFX, sevenZip);
        CabExtractor cab = new CabExtractor();
        map.put(FileType.MSCAB, cab);
        map.put(FileType.CABSFX, cab);
        ArjExtractor arj = new ArjExtractor();
        map.put(FileType.ARJ, arj);
        map.put(FileType.ARJSFX, arj);
        map.put(FileType.MSSZDD, new SzddExtractor());
        map.put(FileType.MSCHM, new ChmExtractor());
        map.put(FileType.ISO9660, new Iso9660Extractor());
        map.put(FileType.DMG, new dev.bulwark.engine.formats.dmg.DmgExtractor());
        map.put(FileType.SIS, new SisExtractor());
        map.put(FileType.UDF, new dev.bulwark.engine.formats.udf.UdfExtractor());
        RarExtractor rar = new RarExtractor();
        map.put(FileType.RAR, rar);
        map.put(FileType.RARSFX, rar);
        CpioExtractor cpio = new CpioExtractor();
        map.put(FileType.ISHIELD_MSI, new dev.bulwark.engine.formats.ishield.IshieldMsiExtractor());
        for (FileType t : new FileType[] {FileType.CPIO_OLD, FileType.CPIO_ODC, FileType.CPIO_NEWC, FileType.CPIO_CRC}) map.put(t, cpio);
        map.put(FileType.NULSFT, new dev.bulwark.engine.formats.nsis.NsisExtractor());
        map.put(FileType.AUTOIT, new dev.bulwark.engine.formats.autoit.AutoitExtractor());
    }
}
