package dev.bulwark.engine.formats.pdf;

import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.Inflate;
import dev.bulwark.engine.formats.docio.Text;
import java.nio.ByteBuffer;
import java.util.Map;

/** The PDF stream filters ClamAV decodes: Flate, LZW (both with predictors), ASCIIHex, ASCII85, RunLength. */
final class PdfFilters {
    private static final int LZW_TABLE = 4096;

    private PdfFilters() {}

    /** Canonical filter name, or null when the filter is not one we decode (images, Crypt...). */
    static String canonical(String name) {
        return switch (name) {
            case "FlateDecode", "Fl" -> "Flate";
            case "LZWDecode", "LZW" -> "LZW";
            case "ASCIIHexDecode", "AHx" -> "AHx";
            case "ASCII85Decode", "A85" -> "A85";
            case "RunLengthDecode", "RL" -> "RL";
            default -> null;
        };
    }

    /**
     * Applies one filter to {@code in}; returns the output (possibly partial on corrupt data), or null
     * when the filter is unknown.
     */
    static ByteSink apply(String filter, ByteBuffer in, Map<String, Object> parms, long cap) {
        ByteSink out = new ByteSink(cap);
        int n = in.limit();
        switch (filter) {
            case "Flate" -> {
                if (!Inflate.inflate(in, 0, n, true, out) && out.isEmpty()) Inflate.inflate(in, 0, n, false, out);
                return predict(out, parms, cap);
            }
            case "LZW" -> {
                lzw(in, n, early(parms), out);
                return predict(out, parms, cap);
            }
            case "AHx" -> asciiHex(in, n, out);
            case "A85" -> ascii85(in, n, out);
            case "RL" -> runLength(in, n, out);
            default -> { return null; }
        }
        return out;
    }

    private static int intParm(Map<String, Object> parms, String key, int dflt) {
        Object o = parms == null ? null : parms.get(key);
        return o instanceof Long l ? (int) Math.max(-1, Math.min(l, 1 << 20)) : dflt;
    }

    private static boolean early(Map<String, Object> parms) {
        return intParm(parms, "EarlyChange", 1) != 0;
    }

    private static void asciiHex(ByteBuffer in, int n, ByteSink out) {
        int hi = -1;
        for (int i = 0; i < n; i++) {
            int c = in.get(i) & 0xff;
            if (c == '>') break;
            int v = Text.hexValue(c);
            if (v < 0) continue;
            if (hi < 0) hi = v;
            else {
                if (!out.put(hi << 4 | v)) return;
                hi = -1;
            }
        }
        if (hi >= 0) out.put(hi << 4);
    }

    private static void ascii85(ByteBuffer in, int n, ByteSink out) {
        long acc = 0;
        int cnt = 0;
        int i = 0;
        if (n >= 2 && in.get(0) == '<' && in.get(1) == '~') i = 2;
        for (; i < n; i++) {
            int c = in.get(i) & 0xff;
            if (c == '~') break;
            if (c == 'z' && cnt == 0) {
                for (int k = 0; k < 4; k++) if (!out.put(0)) return;
                continue;
            }
            if (c < '!' || c > 'u') continue;
            acc = acc * 85 + (c - '!');
            if (++cnt == 5) {
                for (int s = 24; s >= 0; s -= 8) if (!out.put((int) (acc >> s))) return;
                acc = 0;
                cnt = 0;
            }
        }
        if (cnt > 1) {
            for (int k = cnt; k < 5; k++) acc = acc * 85 + 84;
            for (int k = 0; k < cnt - 1; k++) out.put((int) (acc >> (24 - 8 * k)));
        }
    }

    private static void runLength(ByteBuffer in, int n, ByteSink out) {
        int i = 0;
        while (i < n) {
            int len = in.get(i++) & 0xff;
            if (len == 128) return;
            if (len < 128) {
                int k = Math.min(len + 1, n - i);
                if (!out.put(in, i, k)) return;
                i += k;
            } else {
                if (i >= n) return;
                int v = in.get(i++) & 0xff;
                for (int k = 0; k < 257 - len; k++) if (!out.put(v)) return;
            }
        }
    }

    private static void lzw(ByteBuffer in, int n, boolean early, ByteSink out) {
        int[] prefix = new int[LZW_TABLE];
        byte[] suffix = new byte[LZW_TABLE];
        int[] length = new int[LZW_TABLE];
        byte[] stack = new byte[LZW_TABLE + 1];
        for (int i = 0; i < 256; i++) { suffix[i] = (byte) i; length[i] = 1; prefix[i] = -1; }
        int next = 258, width = 9, prev = -1;
        long bits = 0;
        int nbits = 0;
        int p = 0;
        while (true) {
            while (nbits < width && p < n) { bits = (bits << 8) | (in.get(p++) & 0xff); nbits += 8; }
            if (nbits < width) return;
            int code = (int) ((bits >> (nbits - width)) & ((1 << width) - 1));
            nbits -= width;
            if (code == 256) { next = 258; width = 9; prev = -1; continue; }
            if (code == 257) return;
            int first;
            if (code < next && (code < 256 || length[code] > 0)) {
                first = emit(code, prefix, suffix, length, stack, out);
            } else if (code == next && prev >= 0) {
                int f = emit(prev, prefix, suffix, length, stack, out);
                out.put(f);
                first = f;
            } else {
                return; // corrupt code
            }
            if (first < 0) return;
            if (prev >= 0 && next < LZW_TABLE) {
                prefix[next] = prev;
                suffix[next] = (byte) first;
                length[next] = length[prev] + 1;
                next++;
            }
            prev = code;
            int limit = early ? next + 1 : next;
            if (limit >= (1 << width) && width < 12) width++;
        }
    }

    /** Writes the string of {@code code}; returns its first byte or -1 when the sink is full. */
    private static int emit(int code, int[] prefix, byte[] suffix, int[] length, byte[] stack, ByteSink out) {
        int len = length[code];
        int c = code;
        for (int k = len - 1; k >= 0; k--) {
            stack[k] = suffix[c];
            c = prefix[c];
            if (c < 0 && k > 0) return -1;
        }
        if (!out.put(stack, 0, len)) return -1;
        return stack[0] & 0xff;
    }

    /** PNG (10-15) and TIFF (2, 8-bit) predictors. */
    private static ByteSink predict(ByteSink data, Map<String, Object> parms, long cap) {
        int pred = intParm(parms, "Predictor", 1);
        if (pred < 2) return data;
        int colors = Math.max(1, Math.min(intParm(parms, "Colors", 1), 32));
        int bpc = Math.max(1, Math.min(intParm(parms, "BitsPerComponent", 8), 16));
        int columns = Math.max(1, Math.min(intParm(parms, "Columns", 1), 1 << 20));
        int bpp = Math.max(1, colors * bpc / 8);
        int row = (int) (((long) colors * bpc * columns + 7) / 8);
        ByteSink out = new ByteSink(cap);
        int n = data.size();
        if (pred == 2) {
            if (bpc != 8) return data;
            for (int i = 0; i < n; i++) {
                int col = i % row;
                int v = data.get(i) + (col >= bpp ? out.get(out.size() - bpp) : 0);
                if (!out.put(v)) break;
            }
            return out;
        }
        byte[] prevRow = new byte[row], cur = new byte[row];
        for (int p = 0; p + 1 <= n; p += row + 1) {
            int type = data.get(p);
            int len = Math.min(row, n - p - 1);
            for (int i = 0; i < len; i++) {
                int x = data.get(p + 1 + i);
                int a = i >= bpp ? cur[i - bpp] & 0xff : 0;
                int b = prevRow[i] & 0xff;
                int c = i >= bpp ? prevRow[i - bpp] & 0xff : 0;
                int v = switch (type) {
                    case 1 -> x + a;
                    case 2 -> x + b;
                    case 3 -> x + ((a + b) >> 1);
                    case 4 -> x + paeth(a, b, c);
                    default -> x;
                };
                cur[i] = (byte) v;
            }
            if (!out.put(cur, 0, len)) break;
            byte[] t = prevRow; prevRow = cur; cur = t;
        }
        return out;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
