package dev.bulwark.engine.signatures.yara.modules;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.filetype.FileTypeDetector;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * YARA's magic module: {@code type()} and {@code mime_type()}. yara asks libmagic; we describe the file from our
 * own type recognition ({@link FileTypeDetector}) plus the executable headers, in libmagic's words for the common
 * types (executables, archives, documents, images, text): the text is the leading part of what {@code file -b}
 * prints (libmagic's further details such as ", N sections" or "dynamically linked" are not produced), and the
 * MIME type is libmagic's. Anything else is {@code "data"} / {@code application/octet-stream}.
 */
final class MagicModule implements YaraModule {
    @Override
    public String name() {
        return "magic";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        // (yara17) yara 4.2.3 leaves both undefined for an empty file (it has no data block to give libmagic)
        if (in.len() == 0) return Map.of("type", (YaraFunction) (x, a) -> null, "mime_type", (YaraFunction) (x, a) -> null);
        String[] d = describe(in);
        byte[] type = Args.str(d[0]), mime = Args.str(d[1]);
        return Map.of("type", (YaraFunction) (x, a) -> type, "mime_type", (YaraFunction) (x, a) -> mime);
    }

    /** {description, MIME type}. */
    static String[] describe(ScanInput in) {
        if (in.len() == 0) return new String[] {"empty", "application/x-empty"};
        String[] exe = ExeDescriptions.describe(in);
        if (exe != null) return exe;
        FileType t = FileTypeDetector.detect(ByteBuffer.wrap(in.data(), in.off(), in.len()).slice(), null);
        return switch (t) {
            case ZIP -> new String[] {"Zip archive data", "application/zip"};
            case GZ -> new String[] {"gzip compressed data", "application/gzip"};
            case BZ -> new String[] {"bzip2 compressed data", "application/x-bzip2"};
            case XZ -> new String[] {"XZ compressed data", "application/x-xz"};
            case ZSTD -> new String[] {"Zstandard compressed data", "application/zstd"};
            case SEVENZIP -> new String[] {"7-zip archive data", "application/x-7z-compressed"};
            case RAR -> new String[] {"RAR archive data", "application/x-rar"};
            case ARJ -> new String[] {"ARJ archive data", "application/x-arj"};
            case MSCAB -> new String[] {"Microsoft Cabinet archive data", "application/vnd.ms-cab-compressed"};
            case MSCHM -> new String[] {"MS Windows HtmlHelp Data", "application/vnd.ms-htmlhelp"};
            case MSOLE2 -> new String[] {"Composite Document File V2 Document", "application/x-ole-storage"};
            case PDF -> new String[] {"PDF document", "application/pdf"};
            case RTF -> new String[] {"Rich Text Format data", "text/rtf"};
            case PNG -> new String[] {"PNG image data", "image/png"};
            case GIF -> new String[] {"GIF image data", "image/gif"};
            case JPEG -> new String[] {"JPEG image data", "image/jpeg"};
            case TIFF -> new String[] {"TIFF image data", "image/tiff"};
            case POSIX_TAR -> new String[] {"POSIX tar archive", "application/x-tar"};
            case CPIO_NEWC -> new String[] {"ASCII cpio archive (SVR4 with no CRC)", "application/x-cpio"};
            case CPIO_CRC -> new String[] {"ASCII cpio archive (SVR4 with CRC)", "application/x-cpio"};
            case CPIO_ODC -> new String[] {"ASCII cpio archive (pre-SVR4 or odc)", "application/x-cpio"};
            case ELF, MACHO, MACHO_UNIBIN, MSEXE -> new String[] {"data", "application/octet-stream"}; // malformed headers
            case HTML -> new String[] {"HTML document", "text/html"};
            case MAIL -> new String[] {"news or mail", "message/rfc822"};
            case TEXT_ASCII -> new String[] {"ASCII text", "text/plain"};
            case TEXT_UTF8 -> new String[] {"Unicode text, UTF-8 text", "text/plain"};
            default -> new String[] {"data", "application/octet-stream"};
        };
    }
}
