package dev.bulwark.engine.filetype;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The type detector as it was before it read the first bytes as an array (ByteBuffer reads, no first-byte index,
 * the UTF-16 HTML check always run): {@link FileTypeDetectorReferenceTest} checks the current one against it.
 * (The original description follows.)
 *
 * Recognises a layer's type from its first bytes (clamav-notes §5.1): literal magic first (the
 * built-in table, or the {@code .ftm} type-0 entries that replace it; ZIP refined to OOXML by
 * {@link OoxmlRefine}), then text classification, tar headers, markers of HTML and mail inside text,
 * and the built-in type-1 rules over the first bytes ({@link EmbeddedTypeFinder#headType}).
 */
final class FileTypeDetectorReference {
    /** Type recognition looks at this many leading bytes, as ClamAV does. */
    public static final int PEEK = 1024;

    private FileTypeDetectorReference() {}

    /** The built-in table is the detector's own (this reference is about reading the head, not about the table). */
    static final List<MagicRule> BUILTIN = FileTypeDetector.BUILTIN;

    /** Detects the type using {@code custom} literal rules instead of the built-in table when non-null. */
    public static FileType detect(ByteBuffer d, List<MagicRule> custom) {
        return detect(d, custom, null);
    }

    /**
     * Like {@link #detect(ByteBuffer, List)}, with a database's type-1 rules ({@code extra}, may be null) taking
     * part in the scan of a text or binary layer's first bytes.
     */
    public static FileType detect(ByteBuffer layer, List<MagicRule> custom, HeadRules.Extra extra) {
        int n = Math.min(layer.limit(), PEEK);
        // every check below reads only the first n bytes: one copy of them gives a plain heap buffer, the same
        // buffer class for every layer (mapped files and read-only views made the per-byte calls polymorphic)
        byte[] first = new byte[n];
        layer.get(0, first, 0, n);
        ByteBuffer d = ByteBuffer.wrap(first);
        for (MagicRule r : custom != null ? custom : BUILTIN) {
            if (r.offset() + r.magic().length > n) continue;
            boolean ok = true;
            for (int i = 0; i < r.magic().length && ok; i++) ok = d.get(r.offset() + i) == r.magic()[i];
            if (ok) return r.result() == FileType.ZIP ? OoxmlRefine.refine(layer) : r.result();
        }
        if (custom == null && n >= 4 && d.getInt(0) == 0xCAFEBABE) {
            return n >= 8 && (d.getInt(4) & 0xFFFFFFFFL) < 40 ? FileType.MACHO_UNIBIN : FileType.JAVA;
        }
        FileType text = classifyText(d, n);
        if (text == FileType.BINARY_DATA && isTar(d)) {
            return d.limit() >= 262 && d.get(257) == 'u' && d.get(258) == 's' ? FileType.POSIX_TAR : FileType.OLD_TAR;
        }
        boolean builtin = custom == null;
        if (builtin) {
            FileType xml = xmlDocument(d, n);
            if (xml != null) return xml;
        }
        if (!builtin && extra == null) return text;
        FileType head = HeadRules.type(d.slice(0, n), text, builtin, extra); // type-1 rules over the first bytes
        if (head != null) return head;
        if (n >= 2) { // HTML in UTF-16: ClamAV folds the code units of the first bytes and looks for HTML again
            byte[] folded = new byte[n / 2];
            foldUtf16(d, n & ~1, folded);
            if (HeadRules.isHtml(ByteBuffer.wrap(folded), builtin, extra)) return FileType.HTML_UTF16;
        }
        // a UTF-16BE byte-order mark: the decoded first bytes decide, and the layer is plain HTML
        // (its normaliser drops the NUL bytes, as ClamAV's does); little-endian text was folded above
        if (n >= 4 && (d.get(0) & 0xFF) == 0xFE && (d.get(1) & 0xFF) == 0xFF) {
            String decoded = new String(bytes(d, n & ~1), StandardCharsets.UTF_16BE);
            if (HeadRules.isHtml(ByteBuffer.wrap(decoded.getBytes(StandardCharsets.ISO_8859_1)), builtin, extra)) return FileType.HTML;
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

    /**
     * ClamAV's text classes over the first {@code n} bytes (textdet.c): "ASCII" when no byte is a control
     * character other than BEL, BS, HT, LF, FF, CR, ESC (bytes from 0x80 up are all allowed, so UTF-8 and 8-bit
     * text are ASCII too); UTF-8 when that fails only on valid sequences; else UTF-16 when every code unit from
     * the second on that is below 128 is a text character — big-endian unless the layer starts with the
     * little-endian byte-order mark, and without a mark any control unit rules it out (with a mark only
     * half of them do). Much binary data passes the UTF-16BE test, as in ClamAV; else binary data.
     */
    static FileType classifyText(ByteBuffer d, int n) {
        if (isAscii(d, n)) return FileType.TEXT_ASCII;
        if (isUtf8(d, n)) return FileType.TEXT_UTF8;
        int u = utf16(d, n);
        return u == 1 ? FileType.TEXT_UTF16LE : u == 2 ? FileType.TEXT_UTF16BE : FileType.BINARY_DATA;
    }

    /** Bit c set for the bytes below 128 that appear in plain text (BEL BS HT LF FF CR ESC, 0x20-0x7E). */
    private static final long TEXT_LOW = 1L << 7 | 1L << 8 | 1L << 9 | 1L << 10 | 1L << 12 | 1L << 13 | 1L << 27 | 0xFFFF_FFFF_0000_0000L;
    private static final long TEXT_HIGH = 0x7FFF_FFFF_FFFF_FFFFL; // 0x40-0x7E

    private static boolean textChar(int c) {
        return c < 64 ? (TEXT_LOW >>> c & 1) != 0 : c < 128 && (TEXT_HIGH >>> (c - 64) & 1) != 0;
    }

    private static boolean isAscii(ByteBuffer d, int n) {
        for (int i = 0; i < n; i++) {
            int c = d.get(i) & 0xFF;
            if (c < 128 && !textChar(c)) return false;
        }
        return true;
    }

    private static boolean isUtf8(ByteBuffer d, int n) {
        boolean gotOne = false;
        for (int i = 0; i < n; i++) {
            int c = d.get(i) & 0xFF;
            if (c < 0x80) {
                if (!textChar(c)) return false;
                continue;
            }
            if ((c & 0x40) == 0) return false; // a continuation byte cannot start a sequence
            int following = (c & 0x20) == 0 ? 1 : (c & 0x10) == 0 ? 2 : (c & 0x08) == 0 ? 3 : (c & 0x04) == 0 ? 4 : (c & 0x02) == 0 ? 5 : -1;
            if (following < 0) return false;
            for (int j = 0; j < following; j++) {
                if (++i >= n) return gotOne;
                int k = d.get(i) & 0xFF;
                if ((k & 0x80) == 0 || (k & 0x40) != 0) return false;
            }
            gotOne = true;
        }
        return gotOne;
    }

    /** 1 little-endian, 2 big-endian, 0 not UTF-16. */
    private static int utf16(ByteBuffer d, int n) {
        if (n < 2) return 0;
        int b0 = d.get(0) & 0xFF, b1 = d.get(1) & 0xFF;
        boolean le = b0 == 0xFF && b1 == 0xFE, bom = le || b0 == 0xFE && b1 == 0xFF;
        int bad = 0;
        for (int i = 2; i + 1 < n; i += 2) {
            int hi = d.get(le ? i + 1 : i) & 0xFF, lo = d.get(le ? i : i + 1) & 0xFF, c = hi << 8 | lo;
            if (c == 0xFFFE) return 0;
            if (c < 128 && !textChar(c)) {
                if (!bom) return 0;
                bad++;
            }
        }
        if (bom && bad >= n / 2) return 0;
        return le ? 1 : 2;
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
}
