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
        return new MagicRule(0, off, Hex.parse(hex), t.clamName(), FileType.ANY, t);
    }

    /**
     * Built-in literal magic, first match wins. ClamAV tries its magic table last entry first, so a rule
     * listed after its "0:257:ustar" TAR-POSIX entry wins over it and one listed before loses: the rules up to
     * the tar rule here are the ones ClamAV lets win over a tar header (checked against clamscan 1.4.6 with
     * each magic in front of a tar: TarMagicPrecedenceTest); ClamAV's CAB rule is MSCF and four NULs.
     */
    static final List<MagicRule> BUILTIN = List.of(
            // (types17) ClamAV's table from its last entries back to "EFI PART" at 512: these win over a GPT header
            m(0, "414c5a01", FileType.ALZ), m(0, "e4525c7b8cd8a74daeb15378d02996d3", FileType.ONENOTE),
            m(0, "5a5753", FileType.SWF), m(0, "7b0a2020224d61676963223a22434c414d4a534f4e763022", FileType.INTERNAL),
            m(0, "4d4d", FileType.TIFF), m(0, "49492a00", FileType.TIFF), m(0, "ffd8ff", FileType.JPEG),
            m(0, "474946", FileType.GIF), m(0, "89504e47", FileType.PNG), m(0, "45474741", FileType.EGG),
            m(0, "435753", FileType.SWF), m(0, "4c0000000114020000000000c000000000000046", FileType.LNK),
            // (cli15) "%!PS-Adobe-": PostScript, not text (no normalised text view; clamscan "Recognized PostScript file")
            m(0, "252150532d41646f62652d", FileType.PS), m(0, "7b5c7274", FileType.RTF),
            m(0, "48575020446f63756d656e742046696c652056332e3030201a0102030405", FileType.HWP3),
            m(4, "d0cf11e0a1b11ae1", FileType.HWPOLE2), m(512, "4546492050415254", FileType.GPT),
            m(0, "fd377a585a00", FileType.XZ), m(0, "78617221", FileType.XAR),
            m(0, "0000000c6a5020200d0a870a", FileType.GRAPHICS), m(0, "377f0682002de218", FileType.IGNORED),
            m(0, "377f0683002de218", FileType.IGNORED), m(0, "53514c69746520666f726d6174203300", FileType.IGNORED),
            m(0, "d9d505f920a163d7", FileType.IGNORED), m(0, "377abcaf271c", FileType.SEVENZIP),
            m(0, "4d53434600000000", FileType.MSCAB), m(0, "465753", FileType.SWF), m(0, "53594d430100", FileType.IGNORED),
            m(0, "255044462d", FileType.PDF),
            m(0, "feedface", FileType.MACHO), m(0, "cefaedfe", FileType.MACHO), m(0, "feedfacf", FileType.MACHO),
            m(0, "cffaedfe", FileType.MACHO), m(0, "303730373031", FileType.CPIO_NEWC),
            m(0, "303730373032", FileType.CPIO_CRC), m(0, "303730373037", FileType.CPIO_ODC), m(0, "c771", FileType.CPIO_OLD),
            m(0, "71c7", FileType.CPIO_OLD),
            m(0, "5b616c69617365735d", FileType.POSIX_TAR), // ClamAV's TAR-POSIX-CVE-2012-1419: "[aliases]"
            m(257, "7573746172", FileType.POSIX_TAR),
            m(0, "5349502d48495420285349502f48", FileType.IGNORED), // "SIP-HIT (SIP/H", a log
            m(0, "504b0304", FileType.ZIP), m(0, "504b3030504b0304", FileType.ZIP), m(0, "504b0506", FileType.ZIP),
            // (types17) "Rar!" alone is ClamAV's RAR magic; RIFX is RIFF too; CryptFF; MP3, Ogg, RealMedia: ignored
            m(0, "1f8b", FileType.GZ), m(0, "425a68", FileType.BZ), m(0, "52617221", FileType.RAR), m(0, "60ea", FileType.ARJ),
            m(0, "4d534346", FileType.MSCAB), m(0, "49545346", FileType.MSCHM), m(0, "d0cf11e0a1b11ae1", FileType.MSOLE2),
            m(0, "52494646", FileType.RIFF), m(0, "52494658", FileType.RIFF), m(0, "7f454c46", FileType.ELF),
            m(0, "4d5a", FileType.MSEXE), m(0, "5a4d", FileType.MSEXE), m(0, "b6b9acaefeffffff", FileType.CRYPTFF),
            m(0, "494433", FileType.IGNORED), m(0, "fffb90", FileType.IGNORED), m(0, "4f676753", FileType.IGNORED),
            m(0, "2e524d46", FileType.IGNORED), m(0, "424d", FileType.GRAPHICS),
            m(0, "28546869732066696c65206d75737420626520636f6e76657274656420776974682042696e486578", FileType.BINHEX),
            // (compat15) ClamAV's "UUencoded" rule (filetypes_int.h): a file starting "begin " is CL_TYPE_UUENCODED
            m(0, "626567696e20", FileType.UUENCODED),
            m(0, "789f3e22", FileType.TNEF), m(0, "535a4444", FileType.MSSZDD), m(0, "28b52ffd", FileType.ZSTD),
            m(0, "23407e5e", FileType.SCRENC), m(0, "0e4e65726f49534f", FileType.ISO9660), m(8, "19040010", FileType.SIS),
            // ClamAV's literal mail rules: a header at offset 0, in this spelling
            mail(">From "), mail("Date: "), mail("Delivered-To: "), mail("Delivery-date: "), mail("Envelope-to: "),
            mail("For: "), mail("From "), mail("From: "), mail("Hi. This is the qmail-send"), mail("Message-ID: "),
            mail("Message-Id: "), mail("Received: "), mail("Received-SPF: "), mail("Return-Path: "), mail("Return-path: "),
            mail("Subject: "), mail("To: "), mail("X-Apparently-To: "), mail("X-EVS"), mail("X-Envelope-From: "),
            mail("X-Original-To: "), mail("X-Real-To: "), mail("X-Sieve: "), mail("X-Symantec-"), mail("X-UIDL: "),
            mail("v:\nReceived: "), mail("v:\r\nReceived: "));

    private static MagicRule mail(String header) {
        return new MagicRule(0, 0, ascii(header), FileType.MAIL.clamName(), FileType.ANY, FileType.MAIL);
    }

    /** Detects the type using {@code custom} literal rules instead of the built-in table when non-null. */
    public static FileType detect(ByteBuffer d, List<MagicRule> custom) {
        return detect(d, custom, null);
    }

    /** The built-in rules that can match a head starting with byte b, in table order (SIS, at offset 8, in all). */
    private static final MagicRule[][] BY_FIRST = new MagicRule[256][];

    static {
        // one pass over the rules, not one per byte value: this runs interpreted in every process that detects a
        // type, and 256 passes over the ~75 rules cost a one-file scan ~2 ms of its start-up
        int[] count = new int[256];
        int anywhere = 0;
        for (MagicRule r : BUILTIN) {
            if (r.offset() != 0) anywhere++;
            else count[r.magic()[0] & 0xFF]++;
        }
        for (int b = 0; b < 256; b++) BY_FIRST[b] = new MagicRule[count[b] + anywhere];
        int[] filled = new int[256];
        for (MagicRule r : BUILTIN) { // in table order, so each list keeps it
            if (r.offset() != 0) {
                for (int b = 0; b < 256; b++) BY_FIRST[b][filled[b]++] = r;
            } else {
                int b = r.magic()[0] & 0xFF;
                BY_FIRST[b][filled[b]++] = r;
            }
        }
    }

    /**
     * Like {@link #detect(ByteBuffer, List)}, with a database's type-1 rules ({@code extra}, may be null) taking
     * part in the scan of a text or binary layer's first bytes.
     */
    public static FileType detect(ByteBuffer layer, List<MagicRule> custom, HeadRules.Extra extra) {
        int n = Math.min(layer.limit(), PEEK);
        // every check below reads only the first n bytes: one copy of them, read as an array (mapped files and
        // read-only views made per-byte ByteBuffer calls polymorphic)
        byte[] first = new byte[n];
        layer.get(0, first, 0, n);
        boolean builtin = custom == null;
        if (builtin && n >= 4 && pyc(first)) return FileType.PYTHON_COMPILED;
        MagicRule literal = builtin ? (n == 0 ? null : literal(BY_FIRST[first[0] & 0xFF], first, n)) : literal(custom, first, n);
        if (literal != null) return literal.result() == FileType.ZIP ? OoxmlRefine.refine(layer) : literal.result();
        if (builtin && n >= 4 && u32be(first, 0) == 0xCAFEBABE) {
            return n >= 8 && (u32be(first, 4) & 0xFFFFFFFFL) < 40 ? FileType.MACHO_UNIBIN : FileType.JAVA;
        }
        FileType text = classifyText(first, n);
        if (text == FileType.BINARY_DATA && HeadText.isTar(first, n)) {
            return n >= 262 && first[257] == 'u' && first[258] == 's' ? FileType.POSIX_TAR : FileType.OLD_TAR;
        }
        if (builtin) {
            FileType xml = xmlDocument(first, n);
            if (xml != null) return xml;
        }
        if (!builtin && extra == null) return text;
        ByteBuffer d = ByteBuffer.wrap(first);
        FileType head = HeadRules.type(d, text, builtin, extra); // type-1 rules over the first bytes
        if (head != null) return head;
        if (n >= 2) { // HTML in UTF-16: ClamAV folds the code units of the first bytes and looks for HTML again
            // every built-in HTML rule starts with '<': without one in the folded bytes only a database rule can say
            // HTML (and the fold is not written)
            if (extra != null || HeadText.foldHasLt(first, n & ~1)) {
                byte[] folded = new byte[n / 2];
                HeadText.fold(first, n & ~1, folded);
                if (HeadRules.isHtml(ByteBuffer.wrap(folded), builtin, extra)) return FileType.HTML_UTF16;
            }
        }
        // a UTF-16BE byte-order mark: the decoded first bytes decide, and the layer is plain HTML
        // (its normaliser drops the NUL bytes, as ClamAV's does); little-endian text was folded above
        if (n >= 4 && (first[0] & 0xFF) == 0xFE && (first[1] & 0xFF) == 0xFF) {
            String decoded = new String(first, 0, n & ~1, StandardCharsets.UTF_16BE);
            if (HeadRules.isHtml(ByteBuffer.wrap(decoded.getBytes(StandardCharsets.ISO_8859_1)), builtin, extra)) return FileType.HTML;
        }
        return text;
    }

    /**
     * (types17) ClamAV's byte-compiled Python magics (a version's 16-bit number, then CR LF; two of Python 1.x end
     * 99 00), which come last in its table and so are tried first. Little-endian version numbers, sorted.
     */
    private static final char[] PYC = {
        0x0100, 0x0150, 0x0bb8, 0x0bc2, 0x0bcc, 0x0bd6, 0x0be0, 0x0bea, 0x0bf4, 0x0bf5, 0x0bff, 0x0c09,
        0x0c13, 0x0c1d, 0x0c1f, 0x0c27, 0x0c3b, 0x0c45, 0x0c4f, 0x0c58, 0x0c62, 0x0c6c, 0x0c76, 0x0c80,
        0x0c8a, 0x0c94, 0x0c9e, 0x0cb2, 0x0cbc, 0x0cc6, 0x0cd0, 0x0cda, 0x0ce4, 0x0cee, 0x0cf8, 0x0d02,
        0x0d0c, 0x0d16, 0x0d17, 0x0d20, 0x0d21, 0x0d2a, 0x0d2b, 0x0d2c, 0x0d2d, 0x0d2f, 0x0d30, 0x0d31,
        0x0d32, 0x0d33, 0x0d3e, 0x0d3f, 0x0df0, 0x1704, 0x2e89, 0x4e99, 0xc4fc, 0xc4fd, 0xc687, 0xc688,
        0xeb2a, 0xeb2b, 0xed2d, 0xed2e, 0xf23b, 0xf23c, 0xf245, 0xf259, 0xf263, 0xf26d, 0xf26e, 0xf277,
        0xf281, 0xf28b, 0xf28c, 0xf295, 0xf29f, 0xf2a9, 0xf2b3, 0xf2b4, 0xf2c7, 0xf2d1, 0xf2d2, 0xf2db,
        0xf2e5, 0xf2ef, 0xf2f9, 0xf303, 0xf304, 0xf30a};

    private static boolean pyc(byte[] a) {
        int v = (a[0] & 0xFF) | (a[1] & 0xFF) << 8;
        if ((a[2] & 0xFF) == 0x99 && a[3] == 0) return v == 0x0902 || v == 0x0903; // "02099900", "03099900"
        if (a[2] != 0x0d || a[3] != 0x0a) return false;
        int lo = 0, hi = PYC.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1, x = PYC[mid];
            if (x == v) return true;
            if (x < v) lo = mid + 1; else hi = mid - 1;
        }
        return false;
    }

    /** The first of {@code rules} whose literal magic is in {@code a[0, n)}, or null. */
    private static MagicRule literal(MagicRule[] rules, byte[] a, int n) {
        for (MagicRule r : rules) if (matches(r, a, n)) return r;
        return null;
    }

    private static MagicRule literal(List<MagicRule> rules, byte[] a, int n) {
        for (MagicRule r : rules) if (matches(r, a, n)) return r;
        return null;
    }

    private static boolean matches(MagicRule r, byte[] a, int n) {
        byte[] m = r.magic();
        int off = r.offset();
        if (off + m.length > n) return false;
        for (int i = 0; i < m.length; i++) if (a[off + i] != m[i]) return false;
        return true;
    }

    private static long u32be(byte[] a, int i) {
        return (a[i] & 0xFF) << 24 | (a[i + 1] & 0xFF) << 16 | (a[i + 2] & 0xFF) << 8 | (a[i + 3] & 0xFF);
    }

    /**
     * ClamAV's UTF-16 to "ASCII" step: each little-endian code unit {@code lo, hi} of the first {@code n}
     * bytes becomes the byte {@code (hi << 4) + lo}: the character itself for ASCII text, noise otherwise.
     */
    public static void foldUtf16(ByteBuffer d, int n, byte[] out) {
        for (int i = 0, j = 0; i + 1 < n; i += 2, j++) out[j] = (byte) ((d.get(i + 1) << 4) + d.get(i));
    }

    /** ustar/old tar: a 512-byte header whose checksum field matches. */
    static boolean isTar(ByteBuffer d) {
        int n = Math.min(d.limit(), 512);
        byte[] a = new byte[n];
        d.get(0, a, 0, n);
        return HeadText.isTar(a, n);
    }

    /**
     * ClamAV's text classes over the first {@code n} bytes (textdet.c): "ASCII" when no byte is a control
     * character other than BEL, BS, HT, LF, FF, CR, ESC (bytes from 0x80 up are all allowed, so UTF-8 and 8-bit
     * text are ASCII too); UTF-8 when that fails only on valid sequences; else UTF-16 when every code unit from
     * the second on that is below 128 is a text character — big-endian unless the layer starts with the
     * little-endian byte-order mark, and without a mark any control unit rules it out (with a mark only
     * half of them do). Much binary data passes the UTF-16BE test, as in ClamAV; else binary data.
     */
    static FileType classifyText(ByteBuffer d, int n) {
        byte[] a = new byte[n];
        d.get(0, a, 0, n);
        return classifyText(a, n);
    }

    private static FileType classifyText(byte[] a, int n) {
        if (HeadText.isAscii(a, n)) return FileType.TEXT_ASCII;
        if (HeadText.isUtf8(a, n)) return FileType.TEXT_UTF8;
        int u = HeadText.utf16(a, n);
        return u == 1 ? FileType.TEXT_UTF16LE : u == 2 ? FileType.TEXT_UTF16BE : FileType.BINARY_DATA;
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
                for (int k = i + 1; k <= i + 3; k += 2) {
                    if (k == i + 3 && (k > n || d[i + 2] != ':')) continue;
                    if (at(d, k, n, WORKBOOK)) best = FileType.XML_XL;
                    else if (at(d, k, n, WORD_DOCUMENT)) best = FileType.XML_WORD;
                }
            }
        }
        if (best == null) {
            for (int i = ByteScan.next(d, 0, n, (byte) '<'); i >= 0 && i + XDP.length <= n; i = ByteScan.next(d, i + 1, n, (byte) '<')) {
                if (at(d, i, n, XDP)) return FileType.XDP;
            }
        }
        return best;
    }

    private static boolean at(byte[] d, int i, int n, byte[] s) {
        if (i + s.length > n) return false;
        for (int k = 0; k < s.length; k++) if (d[i + k] != s[k]) return false;
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
