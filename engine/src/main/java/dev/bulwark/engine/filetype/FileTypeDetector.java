package dev.bulwark.engine.filetype;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Recognises a layer's type from its first bytes (clamav-notes §5.1): literal magic first (the
 * built-in table, or the {@code .ftm} type-0 entries that replace it; ZIP refined to OOXML by
 * {@link OoxmlRefine}), then text classification, tar headers, markers of HTML and mail inside text,
 * and the built-in type-1 rules over the first bytes ({@link EmbeddedTypeFinder#headType}).
 */
public final class FileTypeDetector {
    /** Type recognition looks at this many leading bytes, as ClamAV does. */
    public static final int PEEK = 1024;

    private FileTypeDetector() {}

    private static MagicRule m(int off, String hex, FileType t) {
        return new MagicRule(0, off, java.util.HexFormat.of().parseHex(hex), t.clamName(), FileType.ANY, t);
    }

    /** Built-in literal magic, most specific first. */
    static final List<MagicRule> BUILTIN = List.of(
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
        byte[] h = new byte[n]; // one copy of the head: every check below reads a plain array
        d.get(0, h, 0, n);
        FileType literal = literal(h, n, custom);
        if (literal != null) return literal == FileType.ZIP ? OoxmlRefine.refine(d) : literal;
        if (custom == null && n >= 4 && be32(h, 0) == 0xCAFEBABE) {
            return n >= 8 && (be32(h, 4) & 0xFFFFFFFFL) < 40 ? FileType.MACHO_UNIBIN : FileType.JAVA;
        }
        if (isTar(h, n)) return h[257] == 'u' && h[258] == 's' ? FileType.POSIX_TAR : FileType.OLD_TAR;
        FileType text = classifyText(h, n);
        if (custom == null) {
            FileType xml = xmlDocument(h, n);
            if (xml != null) return xml;
        }
        if (text == FileType.TEXT_ASCII || text == FileType.TEXT_UTF8) {
            FileType marked = textMarkers(h, n);
            if (marked != null) return marked;
        }
        if (custom == null) return builtinHead(h, n, text);
        return text;
    }

    /** The first literal rule that matches the head, or null. */
    private static FileType literal(byte[] h, int n, List<MagicRule> custom) {
        for (MagicRule r : custom != null ? custom : BUILTIN) {
            byte[] m = r.magic();
            int o = r.offset();
            if (o + m.length <= n && java.util.Arrays.equals(h, o, o + m.length, m, 0, m.length)) return r.result();
        }
        return null;
    }

    /** MAIL or HTML from the markers of a text head, or null. */
    private static FileType textMarkers(byte[] h, int n) {
        // ASCII lower case is enough: every marker is ASCII, so other letters cannot make or break a match
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            byte c = h[i];
            b[i] = c >= 'A' && c <= 'Z' ? (byte) (c | 0x20) : c;
        }
        String lower = new String(b, StandardCharsets.ISO_8859_1);
        if (mailHeaders(lower)) return FileType.MAIL;
        if (htmlMarkers(lower)) return FileType.HTML;
        return null;
    }

    /** ClamAV's built-in type-1 rules over the first bytes of text and binary layers, then HTML in UTF-16. */
    private static FileType builtinHead(byte[] h, int n, FileType text) {
        FileType embedded = EmbeddedTypeFinder.headType(ByteBuffer.wrap(h, 0, n));
        if (embedded != null) return embedded;
        if (n >= 2) { // HTML in UTF-16: ClamAV folds the code units of the first bytes and looks for HTML again
            int m = n & ~1;
            byte[] folded = new byte[n / 2];
            for (int i = 0, j = 0; i + 1 < m; i += 2, j++) folded[j] = (byte) ((h[i + 1] << 4) + h[i]);
            if (looksLikeHtml(new String(folded, StandardCharsets.ISO_8859_1))) return FileType.HTML_UTF16;
        }
        // a UTF-16BE byte-order mark: the decoded first bytes decide, and the layer is plain HTML
        // (its normaliser drops the NUL bytes, as ClamAV's does)
        if (n >= 4 && (h[0] & 0xFF) == 0xFE && (h[1] & 0xFF) == 0xFF) {
            String decoded = new String(h, 0, n & ~1, java.nio.charset.StandardCharsets.UTF_16BE);
            if (looksLikeHtml(decoded)) return FileType.HTML;
        }
        return text;
    }

    private static int be32(byte[] h, int i) {
        return (h[i] & 0xFF) << 24 | (h[i + 1] & 0xFF) << 16 | (h[i + 2] & 0xFF) << 8 | (h[i + 3] & 0xFF);
    }

    /**
     * ClamAV's UTF-16 to "ASCII" step: each little-endian code unit {@code lo, hi} of the first {@code n}
     * bytes becomes the byte {@code (hi << 4) + lo}: the character itself for ASCII text, noise otherwise.
     */
    public static void foldUtf16(ByteBuffer d, int n, byte[] out) {
        for (int i = 0, j = 0; i + 1 < n; i += 2, j++) out[j] = (byte) ((d.get(i + 1) << 4) + d.get(i));
    }

    /** ustar/old tar: a 512-byte header whose checksum field matches ({@code n} bytes of the head). */
    static boolean isTar(byte[] h, int n) {
        if (n < 512) return false;
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xFF);
        long stored = 0;
        int i = 148;
        while (i < 156 && h[i] == ' ') i++;
        int digits = 0;
        for (; i < 156; i++) {
            int c = h[i];
            if (c < '0' || c > '7') break;
            stored = stored * 8 + (c - '0');
            digits++;
        }
        return digits > 0 && stored == sum && h[0] != 0;
    }

    /** Like file(1): ASCII / 8-bit text, UTF-8, UTF-16 with BOM, else binary, from the first {@code n} bytes. */
    static FileType classifyText(byte[] h, int n) {
        if (n >= 2) {
            int b0 = h[0] & 0xFF, b1 = h[1] & 0xFF;
            if (b0 == 0xFF && b1 == 0xFE) return FileType.TEXT_UTF16LE;
            if (b0 == 0xFE && b1 == 0xFF) return FileType.TEXT_UTF16BE;
        }
        boolean high = false;
        int i = 0;
        while (i < n) {
            int b = h[i] & 0xFF;
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
            for (int k = 1; k < len && utf8; k++) utf8 = i + k < n ? ((h[i + k] & 0xC0) == 0x80) : true;
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
    static FileType xmlDocument(byte[] d, int n) {
        FileType best = null;
        if (at(d, 0, n, XML_DECL)) {
            for (int i = XML_DECL.length; i < n && best != FileType.XML_XL; i++) {
                if (d[i] != '<' && d[i] != 'p') continue;
                if (d[i] == 'p') {
                    if (at(d, i, n, WORD_PROGID)) best = FileType.XML_WORD;
                    continue;
                }
                for (int k : new int[] {i + 1, i + 3}) {
                    if (k == i + 3 && (k > n || d[i + 2] != ':')) continue;
                    if (at(d, k, n, WORKBOOK)) best = FileType.XML_XL;
                    else if (at(d, k, n, WORD_DOCUMENT)) best = FileType.XML_WORD;
                }
            }
        }
        if (best == null) {
            for (int i = ByteScan.next(d, 0, n - XDP.length + 1, (byte) '<'); i >= 0; i = ByteScan.next(d, i + 1, n - XDP.length + 1, (byte) '<')) {
                if (at(d, i, n, XDP)) return FileType.XDP;
            }
        }
        return best;
    }

    private static boolean at(byte[] d, int i, int n, byte[] s) {
        return i + s.length <= n && java.util.Arrays.equals(d, i, i + s.length, s, 0, s.length);
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
        // every marker starts with '<', which no lower-casing produces or removes: most heads end here
        return head.indexOf('<') >= 0 && htmlMarkers(head.toLowerCase(java.util.Locale.ROOT));
    }

    /** {@link #looksLikeHtml} on an already lower-cased head. */
    private static boolean htmlMarkers(String h) {
        if (h.indexOf('<') < 0) return false; // every marker starts with '<': one pass for most text
        return h.contains("<html") || h.contains("<script") || h.contains("<body") || h.contains("<head")
                || h.contains("<!doctype html") || h.contains("<iframe") || h.contains("<meta ") || h.contains("<title>")
                || h.contains("<a href");
    }
}
