package dev.bulwark.engine.normalize;

import java.nio.ByteBuffer;

/**
 * A simplified form of ClamAV's HTML normalisation: produces the lower-cased document without
 * comments and with whitespace collapsed ("nocomment"), its visible text without tags ("notags"), and
 * the contents of script elements. Raw HTML is not scanned by the signature engine, only these.
 */
public final class HtmlNormalizer {
    /** Tag-name bytes kept: enough to tell "script" and "/script" from longer names. */
    private static final int TAG_NAME = 16;
    private static final byte[] SCRIPT = {'s', 'c', 'r', 'i', 'p', 't'}, END_SCRIPT = {'/', 's', 'c', 'r', 'i', 'p', 't'};

    private HtmlNormalizer() {}

    private static boolean is(byte[] name, int len, byte[] s) {
        return len == s.length && java.util.Arrays.equals(name, 0, len, s, 0, len);
    }

    private static boolean hasMarker(ByteBuffer in, int n) {
        if (in.hasArray()) {
            byte[] a = in.array();
            int o = in.arrayOffset();
            for (int i = 0; i + 3 < n; i++) {
                if (a[o + i] == '#' && a[o + i + 1] == '@' && a[o + i + 2] == '~' && a[o + i + 3] == '^') return true;
            }
            return false;
        }
        for (int i = 0; i + 3 < n; i++) {
            if (in.get(i) == '#' && in.get(i + 1) == '@' && in.get(i + 2) == '~' && in.get(i + 3) == '^') return true;
        }
        return false;
    }

    /** ClamAV's normaliser reads HTML with every NUL byte left out (so UTF-16 text reads as ASCII). */
    private static ByteBuffer withoutNul(ByteBuffer in, int n) {
        int first = -1;
        for (int i = 0; i < n && first < 0; i++) if (in.get(i) == 0) first = i;
        if (first < 0) return in.slice(0, n);
        byte[] out = new byte[n];
        in.get(0, out, 0, first);
        int o = first;
        for (int i = first; i < n; i++) {
            byte b = in.get(i);
            if (b != 0) out[o++] = b;
        }
        return ByteBuffer.wrap(out, 0, o).slice();
    }

    /** The three normalised views; any may be empty. */
    public record Result(byte[] noComment, byte[] noTags, byte[] scripts) {}

    public static Result normalize(ByteBuffer in, long max) {
        int n = (int) Math.min(in.limit(), max);
        in = withoutNul(in, n);
        n = in.limit();
        if (hasMarker(in, n)) { // encoded scripts are normalised decoded
            byte[] all = new byte[n];
            in.get(0, all, 0, n);
            byte[] decoded = ScrencDecoder.decodeInHtml(all, n);
            if (decoded != null) {
                in = ByteBuffer.wrap(decoded);
                n = decoded.length;
            }
        }
        byte[] src;
        int base;
        if (in.hasArray()) {
            src = in.array();
            base = in.arrayOffset();
        } else {
            src = new byte[n];
            in.get(0, src, 0, n);
            base = 0;
        }
        // each view is at most as long as the input: plain arrays, no per-byte calls
        byte[] full = new byte[n], text = new byte[n], script = new byte[n];
        int nf = 0, nt = 0, ns = 0;
        boolean inTag = false, inScript = false, spaceFull = false, spaceText = false;
        byte[] name = new byte[TAG_NAME];
        int nameLen = 0;
        boolean nameDone = false;
        for (int i = 0; i < n; i++) {
            int b = src[base + i] & 0xFF;
            if (!inTag && b == '<' && i + 3 < n && src[base + i + 1] == '!' && src[base + i + 2] == '-' && src[base + i + 3] == '-') {
                int j = i + 4;
                while (j + 2 < n && !(src[base + j] == '-' && src[base + j + 1] == '-' && src[base + j + 2] == '>')) j++;
                i = Math.min(n, j + 3) - 1;
                continue;
            }
            if (b >= 'A' && b <= 'Z') b |= 0x20;
            boolean ws = b == ' ' || (b >= 0x09 && b <= 0x0D);
            if (ws) {
                if (!spaceFull) full[nf++] = ' ';
                spaceFull = true;
            } else {
                full[nf++] = (byte) b;
                spaceFull = false;
            }
            if (b == '<') {
                inTag = true;
                nameLen = 0;
                nameDone = false;
                continue;
            }
            if (inTag) {
                if (b == '>') {
                    inTag = false;
                    if (is(name, nameLen, SCRIPT)) inScript = true;
                    else if (is(name, nameLen, END_SCRIPT)) inScript = false;
                } else if (ws) {
                    nameDone |= nameLen > 0; // the tag name is the first run of non-blank bytes
                } else if (!nameDone && nameLen < TAG_NAME) {
                    name[nameLen++] = (byte) b;
                }
                continue;
            }
            if (inScript) {
                script[ns++] = (byte) b;
                continue;
            }
            if (ws) {
                if (!spaceText) text[nt++] = ' ';
                spaceText = true;
            } else {
                text[nt++] = (byte) b;
                spaceText = false;
            }
        }
        return new Result(java.util.Arrays.copyOf(full, nf), java.util.Arrays.copyOf(text, nt), java.util.Arrays.copyOf(script, ns));
    }
}
