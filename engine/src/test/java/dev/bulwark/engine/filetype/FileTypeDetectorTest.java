package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link FileTypeDetector}, which reads a copy of the head as a plain array, against the ByteBuffer-based
 * detector it replaced (kept below as the reference): the same type for random heads built from magic
 * numbers, text, tar headers, mail and HTML markers, XML declarations and UTF-16, for ClamAV's test files
 * and files of this machine, on heap, read-only and direct buffers, with the built-in and a custom table.
 */
class FileTypeDetectorTest {
    private static final String[] PIECES = {"PK\u0003\u0004", "MZ", "\u007fELF", "%PDF-1.4", "<html>", "<script", "From: a\nSubject: b\n",
            "MIME-Version: 1.0\nContent-Type: text/plain\n", "<?xml version=\"1.0\"", "<Workbook", "<w:wordDocument", "<xdp:xdp",
            "progid=\"Word.Document\"?>", "Rar!\u001a\u0007\u0000", "ustar", "\u00fe\u00ff\u0000<\u0000h\u0000t\u0000m\u0000l", "<\u0000h\u0000t\u0000m\u0000l\u0000>",
            "text ", "\n", "\u00c3\u00a9", "\u00e9", "\u0000", "\u0001", "PE\u0000\u0000", "\u00ca\u00fe\u00ba\u00be", "<a href"};

    private static void same(byte[] b, List<MagicRule> custom) {
        FileType want = Reference.detect(ByteBuffer.wrap(b), custom);
        for (ByteBuffer in : List.of(ByteBuffer.wrap(b), ByteBuffer.wrap(b).asReadOnlyBuffer(),
                ByteBuffer.allocateDirect(b.length).put(b).flip())) {
            assertEquals(want, FileTypeDetector.detect(in, custom), () -> new String(b, 0, Math.min(b.length, 200), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void randomHeadsAgreeWithTheReference() {
        Random r = new Random(17);
        List<MagicRule> custom = List.of(new MagicRule(0, 0, new byte[] {'M', 'Z'}, "x", FileType.ANY, FileType.MSEXE),
                new MagicRule(0, 2, new byte[] {'t', 'm'}, "y", FileType.ANY, FileType.HTML));
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(12); k > 0; k--) {
                sb.append(PIECES[r.nextInt(PIECES.length)]);
                if (r.nextInt(3) == 0) sb.append("x".repeat(r.nextInt(r.nextBoolean() ? 40 : 1100)));
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (r.nextInt(10) == 0 && b.length >= 512) tarChecksum(b);
            same(b, null);
            same(b, custom);
        }
    }

    /** Writes a valid tar checksum into a 512-byte header. */
    private static void tarChecksum(byte[] b) {
        for (int i = 148; i < 156; i++) b[i] = ' ';
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += b[i] & 0xFF;
        byte[] oct = String.format("%06o\u0000 ", sum).getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(oct, 0, b, 148, 8);
    }

    @Test
    void realFilesAgreeWithTheReference() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("/usr/share/clamav-testfiles", "/usr/share/doc", "/usr/bin")) {
            if (!Files.isDirectory(Path.of(dir))) continue;
            try (Stream<Path> s = Files.walk(Path.of(dir))) {
                s.filter(Files::isRegularFile).limit(400).forEach(files::add);
            }
        }
        int n = 0;
        for (Path p : files) {
            byte[] b;
            try (var in = Files.newInputStream(p)) {
                b = in.readNBytes(64 << 10);
            } catch (IOException e) {
                continue;
            }
            same(b, null);
            n++;
        }
        byte[] tar = new byte[1024];
        System.arraycopy("name".getBytes(StandardCharsets.ISO_8859_1), 0, tar, 0, 4);
        System.arraycopy("ustar".getBytes(StandardCharsets.ISO_8859_1), 0, tar, 257, 5);
        tarChecksum(tar);
        assertEquals(FileType.POSIX_TAR, FileTypeDetector.detect(ByteBuffer.wrap(tar), null));
        same(tar, null);
    }

    static final class Reference {
        /** Type recognition looks at this many leading bytes, as ClamAV does. */
        static final int PEEK = FileTypeDetector.PEEK;

        private Reference() {}

        private static MagicRule m(int off, String hex, FileType t) {
            return new MagicRule(0, off, java.util.HexFormat.of().parseHex(hex), t.clamName(), FileType.ANY, t);
        }

        /** Built-in literal magic, most specific first. */
        static final List<MagicRule> UNUSED = List.of(
                m(0, "504b0304", FileType.ZIP), m(0, "504b3030504b0304", FileType.ZIP), m(0, "504b0506", FileType.ZIP),
                m(0, "1f8b", FileType.GZ), m(0, "425a68", FileType.BZ), m(0, "fd377a585a00", FileType.XZ),
                m(0, "377abcaf271c", FileType.SEVENZIP), m(0, "526172211a07", FileType.RAR), m(0, "60ea", FileType.ARJ),
                m(0, "4d534346", FileType.MSCAB), m(0, "49545346", FileType.MSCHM), m(0, "d0cf11e0a1b11ae1", FileType.MSOLE2),
                m(0, "255044462d", FileType.PDF), m(0, "7b5c727466", FileType.RTF), m(0, "47494638", FileType.GIF),
                m(0, "89504e470d0a1a0a", FileType.PNG), m(0, "ffd8ff", FileType.JPEG), m(0, "49492a00", FileType.TIFF),
                m(0, "4d4d002a", FileType.TIFF), m(0, "52494646", FileType.RIFF), m(0, "465753", FileType.SWF),
                m(0, "435753", FileType.SWF), m(0, "5a5753", FileType.SWF), m(0, "7f454c46", FileType.ELF),
                m(0, "feedface", FileType.MACHO), m(0, "cefaedfe", FileType.MACHO), m(0, "feedfacf", FileType.MACHO),
                m(0, "cffaedfe", FileType.MACHO), m(0, "4d5a", FileType.MSEXE), m(0, "5a4d", FileType.MSEXE),
                m(0, "28546869732066696c65206d75737420626520636f6e76657274656420776974682042696e486578", FileType.BINHEX),
                m(0, "789f3e22", FileType.TNEF), m(0, "535a4444", FileType.MSSZDD), m(0, "303730373031", FileType.CPIO_NEWC),
                m(0, "303730373032", FileType.CPIO_CRC), m(0, "303730373037", FileType.CPIO_ODC), m(0, "c771", FileType.CPIO_OLD),
                m(0, "71c7", FileType.CPIO_OLD), m(0, "28b52ffd", FileType.ZSTD), m(0, "23407e5e", FileType.SCRENC),
                m(0, "4c0000000114020000000000c000000000000046", FileType.LNK), m(0, "0e4e65726f49534f", FileType.ISO9660),
                m(0, "7573746172", FileType.POSIX_TAR), m(8, "19040010", FileType.SIS));

        /** Detects the type using {@code custom} literal rules instead of the built-in table when non-null. */
        public static FileType detect(ByteBuffer d, List<MagicRule> custom) {
            int n = Math.min(d.limit(), PEEK);
            for (MagicRule r : custom != null ? custom : FileTypeDetector.BUILTIN) {
                if (r.offset() + r.magic().length > n) continue;
                boolean ok = true;
                for (int i = 0; i < r.magic().length && ok; i++) ok = d.get(r.offset() + i) == r.magic()[i];
                if (ok) return r.result() == FileType.ZIP ? OoxmlRefine.refine(d) : r.result();
            }
            if (custom == null && n >= 4 && d.getInt(0) == 0xCAFEBABE) {
                return n >= 8 && (d.getInt(4) & 0xFFFFFFFFL) < 40 ? FileType.MACHO_UNIBIN : FileType.JAVA;
            }
            if (isTar(d)) return d.limit() >= 262 && d.get(257) == 'u' && d.get(258) == 's' ? FileType.POSIX_TAR : FileType.OLD_TAR;
            FileType text = classifyText(d, n);
            if (custom == null) {
                FileType xml = xmlDocument(d, n);
                if (xml != null) return xml;
            }
            if (text == FileType.TEXT_ASCII || text == FileType.TEXT_UTF8) {
                // ASCII lower case is enough: every marker is ASCII, so other letters cannot make or break a match
                byte[] b = bytes(d, n);
                for (int i = 0; i < n; i++) if (b[i] >= 'A' && b[i] <= 'Z') b[i] |= 0x20;
                String lower = new String(b, StandardCharsets.ISO_8859_1);
                if (mailHeaders(lower)) return FileType.MAIL;
                if (htmlMarkers(lower)) return FileType.HTML;
            }
            if (custom == null) { // ClamAV's built-in type-1 rules over the first bytes of text and binary layers
                FileType embedded = EmbeddedTypeFinder.headType(d.slice(0, n));
                if (embedded != null) return embedded;
                if (n >= 2) { // HTML in UTF-16: ClamAV folds the code units of the first bytes and looks for HTML again
                    byte[] folded = new byte[n / 2];
                    foldUtf16(d, n & ~1, folded);
                    if (looksLikeHtml(new String(folded, StandardCharsets.ISO_8859_1))) return FileType.HTML_UTF16;
                }
                // a UTF-16BE byte-order mark: the decoded first bytes decide, and the layer is plain HTML
                // (its normaliser drops the NUL bytes, as ClamAV's does)
                if (n >= 4 && (d.get(0) & 0xFF) == 0xFE && (d.get(1) & 0xFF) == 0xFF) {
                    String decoded = new String(bytes(d, n & ~1), java.nio.charset.StandardCharsets.UTF_16BE);
                    if (looksLikeHtml(decoded)) return FileType.HTML;
                }
            }
            return text;
        }

        /**
         * ClamAV's UTF-16 to "ASCII" step: each little-endian code unit {@code lo, hi} of the first {@code n}
         * bytes becomes the byte {@code (hi << 4) + lo}: the character itself for ASCII text, noise otherwise.
         */
        public static void foldUtf16(ByteBuffer d, int n, byte[] out) {
            for (int i = 0, j = 0; i + 1 < n; i += 2, j++) out[j] = (byte) ((d.get(i + 1) << 4) + d.get(i));
        }

        private static byte[] bytes(ByteBuffer d, int n) {
            byte[] b = new byte[n];
            d.get(0, b, 0, n);
            return b;
        }

        /** ustar/old tar: a 512-byte header whose checksum field matches. */
        static boolean isTar(ByteBuffer d) {
            if (d.limit() < 512) return false;
            long sum = 0;
            for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : (d.get(i) & 0xFF);
            long stored = 0;
            int i = 148;
            while (i < 156 && d.get(i) == ' ') i++;
            int digits = 0;
            for (; i < 156; i++) {
                int c = d.get(i);
                if (c < '0' || c > '7') break;
                stored = stored * 8 + (c - '0');
                digits++;
            }
            return digits > 0 && stored == sum && d.get(0) != 0;
        }

        /** Like file(1): ASCII / 8-bit text, UTF-8, UTF-16 with BOM, else binary. */
        static FileType classifyText(ByteBuffer d, int n) {
            if (n >= 2) {
                int b0 = d.get(0) & 0xFF, b1 = d.get(1) & 0xFF;
                if (b0 == 0xFF && b1 == 0xFE) return FileType.TEXT_UTF16LE;
                if (b0 == 0xFE && b1 == 0xFF) return FileType.TEXT_UTF16BE;
            }
            boolean high = false;
            int i = 0;
            while (i < n) {
                int b = d.get(i) & 0xFF;
                if (b < 0x80) {
                    if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != 0x0C && b != 0x1B && b != 0x08 && b != 0x07)
                        return FileType.BINARY_DATA;
                    if (b == 0x7F) return FileType.BINARY_DATA;
                    i++;
                    continue;
                }
                high = true;
                int len = b >= 0xF0 && b < 0xF8 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
                boolean utf8 = len > 0;
                for (int k = 1; k < len && utf8; k++) utf8 = i + k < n ? ((d.get(i + k) & 0xC0) == 0x80) : true;
                if (!utf8) return b >= 0xA0 || b == 0x85 ? FileType.TEXT_ASCII : FileType.BINARY_DATA;
                i += len;
            }
            return high ? FileType.TEXT_UTF8 : FileType.TEXT_ASCII;
        }

        private static final byte[] XML_DECL = ascii("<?xml version=\"1.0\""), XDP = ascii("<xdp:xdp"),
                WORKBOOK = ascii("Workbook"), WORD_DOCUMENT = ascii("wordDocument"), WORD_PROGID = ascii("progid=\"Word.Document\"?>");

        /**
         * ClamAV's built-in rules for XML documents with embedded payloads, over the first bytes of a text
         * or binary layer: Excel and Word 2003 XML ({@code <?xml version="1.0"} at 0, then a
         * {@code <Workbook} / {@code <wordDocument} root, with or without a one-letter namespace prefix,
         * or Word's {@code progid}), and Adobe XDP ({@code <xdp:xdp} anywhere). As in ClamAV, the type that
         * ranks highest wins: Excel, then Word, then XDP, all above HTML and mail.
         */
        static FileType xmlDocument(ByteBuffer d, int n) {
            FileType best = null;
            if (at(d, 0, n, XML_DECL)) {
                for (int i = XML_DECL.length; i < n && best != FileType.XML_XL; i++) {
                    if (d.get(i) != '<' && d.get(i) != 'p') continue;
                    if (d.get(i) == 'p') {
                        if (at(d, i, n, WORD_PROGID)) best = FileType.XML_WORD;
                        continue;
                    }
                    for (int k : new int[] {i + 1, i + 3}) {
                        if (k == i + 3 && (k > n || d.get(i + 2) != ':')) continue;
                        if (at(d, k, n, WORKBOOK)) best = FileType.XML_XL;
                        else if (at(d, k, n, WORD_DOCUMENT)) best = FileType.XML_WORD;
                    }
                }
            }
            if (best == null) {
                for (int i = 0; i + XDP.length <= n; i++) if (d.get(i) == '<' && at(d, i, n, XDP)) return FileType.XDP;
            }
            return best;
        }

        private static boolean at(ByteBuffer d, int i, int n, byte[] s) {
            if (i + s.length > n) return false;
            for (int k = 0; k < s.length; k++) if (d.get(i + k) != s[k]) return false;
            return true;
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }

        private static final String[] MAIL_HEADERS = {"from ", "received:", "return-path:", "delivered-to:", "message-id:",
                "from:", "date:", "subject:", "to:", "mime-version:", "x-", "content-type:", "reply-to:", "sender:", "cc:"};

        static boolean looksLikeMail(String head) {
            return mailHeaders(head.toLowerCase(java.util.Locale.ROOT));
        }

        /** {@link #looksLikeMail} on an already lower-cased head. */
        private static boolean mailHeaders(String h) {
            int colons = 0;
            for (String k : MAIL_HEADERS) {
                if (h.startsWith(k) && (k.equals("from ") || h.contains("\nsubject:") || h.contains("\nfrom:") || h.contains("\nto:")
                        || h.contains("\ndate:") || h.contains("\nreceived:") || h.contains("\nmime-version:") || h.contains("\ncontent-type:"))) {
                    colons++;
                }
            }
            return colons > 0;
        }

        static boolean looksLikeHtml(String head) {
            return htmlMarkers(head.toLowerCase(java.util.Locale.ROOT));
        }

        /** {@link #looksLikeHtml} on an already lower-cased head. */
        private static boolean htmlMarkers(String h) {
            if (h.indexOf('<') < 0) return false; // every marker starts with '<': one pass for most text
            return h.contains("<html") || h.contains("<script") || h.contains("<body") || h.contains("<head")
                    || h.contains("<!doctype html") || h.contains("<iframe") || h.contains("<meta ") || h.contains("<title>")
                    || h.contains("<a href");
        }
    }
}
