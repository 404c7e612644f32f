package dev.bulwark.engine.filetype;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * ClamAV's refinement of ZIP layers into Office Open XML (and HWPX) documents: the names of the first
 * local headers are compared with a table of prefixes; a Word, Excel, PowerPoint or HWP prefix decides
 * at once, generic package markers ({@code [Content_Types].xml}, {@code docProps/}, …) make the layer
 * "likely" and, after three headers, the central directory is searched for the first name that starts
 * with one of the deciding prefixes.
 */
public final class OoxmlRefine {
    /** Bytes of the layer the first window covers, and the windows read after it (ClamAV: 1024, 1028, 32). */
    private static final int FIRST_WINDOW = 1024, WINDOW = 1028, MAX_WINDOWS = 32;
    private static final int LOCAL_HEADER = 30;
    /** Longest table entry: a header is compared only when this many bytes follow its name offset. */
    private static final int MAX_ENTRY = 22;
    /** Headers compared before the central directory decides a "likely" package. */
    private static final int HEADERS = 3;
    /** Central records examined: bounds the walk on crafted directories. */
    private static final int MAX_CENTRAL = 100_000;
    /** How far from the end the end-of-central-directory record may start (comment up to 64 KiB). */
    private static final int EOCD_SEARCH = 0xFFFF + 22;

    private record Entry(byte[] prefix, FileType type) {}

    private static final Entry[] TABLE = {e("xl/", FileType.OOXML_XL), e("ppt/", FileType.OOXML_PPT),
            e("word/", FileType.OOXML_WORD), e("BinData", null), e("mimetype", null), e("Contents", null), e("docProps/", null),
            e("customXml/", null), e("version.xml", null), e("settings.xml", null), e("_.rels/.rels", null),
            e("[ContentTypes].xml", null), e("[Content_Types].xml", null), e("Preview/PrvText.txt", null),
            e("Contents/content.hpf", FileType.OOXML_HWP), e("META-INF/container.xml", null)};
    /** Prefixes the central directory search looks for, in ClamAV's order ("Contents/content.hpf" whole). */
    private static final Entry[] DECIDING = {e("xl/", FileType.OOXML_XL), e("ppt/", FileType.OOXML_PPT),
            e("word/", FileType.OOXML_WORD), e("Contents/content.hpf\0", FileType.OOXML_HWP)};
    private static final byte[] LOCAL = {'P', 'K', 3, 4};

    private OoxmlRefine() {}

    private static Entry e(String s, FileType t) {
        return new Entry(s.getBytes(StandardCharsets.ISO_8859_1), t);
    }

    /** The refined type of a layer recognised as ZIP: an OOXML type, or ZIP. */
    public static FileType refine(ByteBuffer d) {
        int len = d.limit();
        int bread = Math.min(len, FIRST_WINDOW);
        if (bread <= 2 * (LOCAL_HEADER + 5)) return FileType.ZIP;
        int winStart = 0, winEnd = bread, zoff = bread, p = 0, headers = 0;
        boolean likely = false;
        for (int zi = 0; zi < MAX_WINDOWS; zi++) {
            int found = p < 0 ? -1 : indexOf(d, p, winEnd);
            p = -1;
            if (found >= 0) {
                int name = found + LOCAL_HEADER;
                if (winEnd - name > MAX_ENTRY) {
                    for (Entry t : TABLE) {
                        if (!startsWith(d, name, t.prefix())) continue;
                        if (t.type() != null) return t.type();
                        likely = true;
                    }
                    if (++headers >= HEADERS) {
                        return likely ? central(d) : FileType.ZIP;
                    }
                    p = name;
                }
            }
            if (p < 0) { // map the next window, overlapping the previous one by a header and a name
                if (len - zoff <= LOCAL_HEADER) break;
                zoff -= LOCAL_HEADER + MAX_ENTRY + 1;
                winStart = zoff;
                winEnd = zoff + Math.min(WINDOW, len - zoff);
                zoff = winEnd;
                p = winStart;
            }
        }
        return FileType.ZIP;
    }

    /** The first central-directory name with a deciding prefix decides; ZIP when there is none. */
    static FileType central(ByteBuffer d) {
        int n = d.limit();
        int eocd = -1;
        for (int i = n - 22; i >= Math.max(0, n - EOCD_SEARCH); i--) {
            if (d.get(i) == 'P' && d.get(i + 1) == 'K' && d.get(i + 2) == 5 && d.get(i + 3) == 6) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) return FileType.ZIP;
        long count = u16(d, eocd + 10);
        long off = u32(d, eocd + 16);
        for (long k = 0; k < Math.min(count, MAX_CENTRAL); k++) {
            if (off < 0 || off + 46 > n || d.get((int) off) != 'P' || d.get((int) off + 1) != 'K'
                    || d.get((int) off + 2) != 1 || d.get((int) off + 3) != 2) {
                return FileType.ZIP;
            }
            int nameLen = u16(d, (int) off + 28);
            int name = (int) off + 46;
            for (Entry t : DECIDING) {
                if (prefixOfName(d, name, Math.min(nameLen, n - name), t.prefix())) return t.type();
            }
            off += 46L + nameLen + u16(d, (int) off + 30) + u16(d, (int) off + 32);
        }
        return FileType.ZIP;
    }

    /** strncmp(request, name, len(request)) == 0 where the name ends at {@code nameLen}. */
    private static boolean prefixOfName(ByteBuffer d, int name, int nameLen, byte[] req) {
        for (int k = 0; k < req.length; k++) {
            byte c = k < nameLen ? d.get(name + k) : 0;
            if (c != req[k]) return false;
            if (c == 0) return true;
        }
        return true;
    }

    private static boolean startsWith(ByteBuffer d, int at, byte[] prefix) {
        if (at + prefix.length > d.limit()) return false;
        for (int k = 0; k < prefix.length; k++) if (d.get(at + k) != prefix[k]) return false;
        return true;
    }

    private static int indexOf(ByteBuffer d, int from, int to) {
        for (int i = Math.max(0, from); i + LOCAL.length <= to; i++) {
            if (d.get(i) == 'P' && d.get(i + 1) == 'K' && d.get(i + 2) == 3 && d.get(i + 3) == 4) return i;
        }
        return -1;
    }

    private static int u16(ByteBuffer d, int off) {
        return (d.get(off) & 0xFF) | (d.get(off + 1) & 0xFF) << 8;
    }

    private static long u32(ByteBuffer d, int off) {
        return u16(d, off) | (long) u16(d, off + 2) << 16;
    }
}
