package dev.bulwark.engine.filetype;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * (types17) ClamAV's built-in type-1 rules anchored at fixed offsets of a layer's first bytes (filetypes_int.h), which
 * re-type a layer first typed as text or binary data: a master boot record ({@code 55 AA} at 510), an Apple partition
 * map ({@code ER} at 0, {@code PM\0\0} at 512), an LHA/LZH header at 2, compiled Python 3.7+ ({@code ?? 0D 0D 0A} at
 * 0), an uncompressed PDF image ({@code /RGB\nID\n} and 24 {@code FF} bytes, starting at 0 to 128: ignored) and a
 * HWPML document (a UTF-8 mark, {@code <?xml version="1.0"}, then {@code <HWPML} anywhere).
 */
final class FixedHeadRules {
    private FixedHeadRules() {}

    private static final byte[] XML = {'<', '?', 'x', 'm', 'l', ' ', 'v', 'e', 'r', 's', 'i', 'o', 'n', '=', '"', '1', '.', '0', '"'};
    private static final byte[] HWPML = {'<', 'H', 'W', 'P', 'M', 'L'};
    private static final byte[] RGB = {'/', 'R', 'G', 'B', '\n', 'I', 'D', '\n'};

    /** Adds the hits in {@code head} (its limit: the bytes ClamAV reads for typing) to {@code out}. */
    static void hits(ByteBuffer head, List<EmbeddedTypeFinder.Hit> out) {
        int n = head.limit();
        if (n >= 4 && head.get(1) == 0x0d && head.get(2) == 0x0d && head.get(3) == 0x0a) {
            out.add(new EmbeddedTypeFinder.Hit(FileType.PYTHON_COMPILED, 0, 4));
        }
        if (n >= 7 && head.get(2) == '-' && head.get(3) == 'l') {
            int c = head.get(5), k = head.get(4);
            boolean lha = head.get(6) == '-' && (k == 'h' && (c >= '0' && c <= '7' || c == 'd' || c == 'x')
                    || k == 'z' && (c == 's' || c == '4' || c == '5'));
            if (lha) out.add(new EmbeddedTypeFinder.Hit(FileType.LHA_LZH, 2, 7));
        }
        if (n >= 7 && head.get(2) == '-' && head.get(3) == 'p' && head.get(4) == 'm' && head.get(5) == '0' && head.get(6) == '-') {
            out.add(new EmbeddedTypeFinder.Hit(FileType.LHA_LZH, 2, 7));
        }
        for (int i = 0; i <= 128 && i + RGB.length + 24 <= n; i++) {
            if (head.get(i) == '/' && at(head, i, RGB) && ff(head, i + RGB.length, 24)) {
                out.add(new EmbeddedTypeFinder.Hit(FileType.IGNORED, i, i + RGB.length + 24));
                break;
            }
        }
        if (n >= 3 + XML.length && (head.get(0) & 0xFF) == 0xef && (head.get(1) & 0xFF) == 0xbb && (head.get(2) & 0xFF) == 0xbf
                && at(head, 3, XML)) {
            for (int i = 3 + XML.length; i + HWPML.length <= n; i++) {
                if (head.get(i) == '<' && at(head, i, HWPML)) {
                    out.add(new EmbeddedTypeFinder.Hit(FileType.XML_HWP, 0, i + HWPML.length));
                    break;
                }
            }
        }
        if (n >= 516 && head.get(0) == 'E' && head.get(1) == 'R' && head.get(512) == 'P' && head.get(513) == 'M'
                && head.get(514) == 0 && head.get(515) == 0) {
            out.add(new EmbeddedTypeFinder.Hit(FileType.APM, 0, 516));
        }
        if (n >= 512 && (head.get(510) & 0xFF) == 0x55 && (head.get(511) & 0xFF) == 0xaa) {
            out.add(new EmbeddedTypeFinder.Hit(FileType.MBR, 510, 512));
        }
    }

    private static boolean at(ByteBuffer d, int i, byte[] s) {
        for (int k = 0; k < s.length; k++) if (d.get(i + k) != s[k]) return false;
        return true;
    }

    private static boolean ff(ByteBuffer d, int i, int len) {
        for (int k = 0; k < len; k++) if (d.get(i + k) != (byte) 0xff) return false;
        return true;
    }
}
