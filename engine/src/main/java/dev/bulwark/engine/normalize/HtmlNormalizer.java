package dev.bulwark.engine.normalize;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A simplified form of ClamAV's HTML normalisation: produces the lower-cased document without
 * comments and with whitespace collapsed ("nocomment"), its visible text without tags ("notags"), and
 * the contents of script elements. Raw HTML is not scanned by the signature engine, only these.
 */
public final class HtmlNormalizer {
    private HtmlNormalizer() {}

    private static boolean hasMarker(ByteBuffer in, int n) {
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
        ByteArrayOutputStream full = new ByteArrayOutputStream(n), text = new ByteArrayOutputStream(n / 2),
                script = new ByteArrayOutputStream();
        boolean inTag = false, inScript = false, spaceFull = false, spaceText = false;
        StringBuilder tagName = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = in.get(i) & 0xFF;
            if (!inTag && b == '<' && i + 3 < n && in.get(i + 1) == '!' && in.get(i + 2) == '-' && in.get(i + 3) == '-') {
                int j = i + 4;
                while (j + 2 < n && !(in.get(j) == '-' && in.get(j + 1) == '-' && in.get(j + 2) == '>')) j++;
                i = Math.min(n, j + 3) - 1;
                continue;
            }
            if (b >= 'A' && b <= 'Z') b |= 0x20;
            boolean ws = b == ' ' || (b >= 0x09 && b <= 0x0D);
            if (ws) {
                if (!spaceFull) full.write(' ');
                spaceFull = true;
            } else {
                full.write(b);
                spaceFull = false;
            }
            if (b == '<') {
                inTag = true;
                tagName.setLength(0);
                continue;
            }
            if (inTag) {
                if (b == '>') {
                    inTag = false;
                    String t = tagName.toString().trim();
                    if (t.equals("script")) inScript = true;
                    else if (t.equals("/script")) inScript = false;
                } else if (!ws && tagName.length() < 16 && (tagName.length() > 0 || b != ' ')) {
                    if (tagName.length() == 0 || tagName.charAt(tagName.length() - 1) != ' ') tagName.append((char) b);
                } else if (ws && tagName.length() > 0) {
                    tagName.append(' ');
                }
                continue;
            }
            if (inScript) {
                script.write(b);
                continue;
            }
            if (ws) {
                if (!spaceText) text.write(' ');
                spaceText = true;
            } else {
                text.write(b);
                spaceText = false;
            }
        }
        return new Result(full.toByteArray(), text.toByteArray(), script.toByteArray());
    }
}
