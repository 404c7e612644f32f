package dev.bulwark.engine.normalize;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Decoder of the Microsoft Script Encoder format (JScript.Encode / VBScript.Encode, {@code #@~^ … ^#~@}),
 * as ClamAV decodes it: after the marker, eight characters whose first six give the encoded length
 * (base64 of a little-endian 32-bit number); then each character below 0x80 is substituted through one
 * of three tables, the table chosen by the character's position modulo 64; {@code @} escapes the next
 * character; line breaks are skipped; bytes from 0x80 up are copied with the byte after them.
 *
 * <p>The tables were derived by observation: encoded strings covering every character at every position
 * were decoded by clamscan (its {@code --leave-temps} output) and the results tabulated.
 */
public final class ScrencDecoder {
    /** The start marker. */
    public static final byte[] MARKER = {'#', '@', '~', '^'};
    /** Length field after the marker, and checksum plus end marker after the encoded text. */
    static final int LENGTH_FIELD = 8, TRAILER = 12;
    private static final byte ESCAPE = (byte) 0xFF;
    private static final String ORDER = "0120121221210212021200122102122100212120200120210212001220012021";
    private static final byte[][] TABLES = {HexFormat.of().parseHex(
            "000102030405060708570a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2e477a56426a2f26494134325b7672433839704568714f09624423753c7e3e5eff774a615d224b6f4e3b4c50672a7d74542b2d2c306e6b66352521644d52633f7b7829287359337f6d55537c3a5f65465831696c5a48275c3d24793760512036"), HexFormat.of().parseHex(
            "0001020304050607086e0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2d755260715e495c627d2936207c7a7f6b63332b68516676316454433c3a3e7eff452c2a7427374479592f6f26726a397b3f387767534734785d30235a5b6c485570692e4c21244e5009567335614b583b57226d4d2528464a32413d5f4f4265"), HexFormat.of().parseHex(
            "0001020304050607087b0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f323021295b38333d583a3565395c5673664e456b6259785e7d4a6d713c603e53ff422748727531374d5222546a47642d207f2e4c5d7e6c6f797443267625242b28234134092a443f773b55696163506751494f46687c36706e7a2f5f4b5a2c57")};
    private static final byte[] B64 = new byte[256];

    static {
        java.util.Arrays.fill(B64, (byte) -1);
        String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < a.length(); i++) B64[a.charAt(i)] = (byte) i;
    }

    private ScrencDecoder() {}

    /** The encoded length from the first six characters of the length field, with ClamAV's arithmetic. */
    static long length(byte[] s, int p) {
        int b0 = B64[s[p] & 0xFF], b1 = B64[s[p + 1] & 0xFF], b2 = B64[s[p + 2] & 0xFF];
        int b3 = B64[s[p + 3] & 0xFF], b4 = B64[s[p + 4] & 0xFF], b5 = B64[s[p + 5] & 0xFF];
        int len = (b0 < 0 ? 0 : b0 << 2) + (b1 >> 4) + ((b1 & 0x0f) << 12) + ((b2 >> 2) < 0 ? 0 : (b2 >> 2)) * 256
                + ((b2 & 0x03) << 22) + (b3 < 0 ? 0 : b3 << 16) + ((b4 < 0 ? 0 : b4 << 2) << 24) + ((b5 >> 4) < 0 ? 0 : (b5 >> 4)) * (1 << 24);
        return len & 0xFFFFFFFFL;
    }

    /**
     * Decodes the block whose length field starts at {@code p} in {@code s[p, end)} (the marker already
     * consumed) into {@code out}.
     *
     * @return the index after the block (and after its checksum and end marker when they fit), or -1 when
     *         the length field does not fit
     */
    public static int decode(byte[] s, int p, int end, ByteArrayOutputStream out) {
        if (end - p < LENGTH_FIELD) return -1;
        long left = length(s, p);
        p += LENGTH_FIELD;
        int pos = 0;
        while (left > 0 && p < end) {
            int c = s[p] & 0xFF;
            if (c == '\n' || c == '\r') {
                p++;
                continue;
            }
            if (c < 0x80) {
                byte v = TABLES[ORDER.charAt(pos) - '0'][c];
                if (v == ESCAPE) {
                    if (++p >= end) break;
                    left--;
                    v = switch (s[p]) {
                        case '!' -> '<';
                        case '#' -> '\r';
                        case '$' -> '@';
                        case '&' -> '\n';
                        case '*' -> '>';
                        default -> ESCAPE;
                    };
                }
                out.write(v);
                pos = (pos + 1) % ORDER.length();
            } else {
                out.write(c);
                if (p + 1 < end) out.write(s[++p]);
            }
            p++;
            left--;
        }
        if (left == 0 && end - p >= TRAILER) p += TRAILER;
        return p;
    }

    /** Longest tag examined for a {@code language} attribute. */
    private static final int MAX_TAG = 4096;

    /**
     * HTML with encoded scripts: after a {@code <script>} tag or {@code <%@ %>} directive whose
     * {@code language} is {@code jscript.encode} or {@code vbscript.encode}, the next encoded block is
     * replaced by its decoded text, as ClamAV's HTML normaliser decodes it before normalising.
     *
     * @return the document with its blocks decoded, or null when there is nothing to decode
     */
    public static byte[] decodeInHtml(byte[] h, int n) {
        if (indexOf(h, 0, n, MARKER) < 0) return null;
        ByteArrayOutputStream out = null;
        int copied = 0, i = 0;
        while (i < n) {
            int lt = indexOf(h, i, n, new byte[] {'<'});
            if (lt < 0) break;
            int end = tagEnd(h, lt, n);
            if (!encodedLanguage(h, lt, end)) {
                i = lt + 1;
                continue;
            }
            int m = indexOf(h, end, n, MARKER);
            if (m < 0) break;
            if (out == null) out = new ByteArrayOutputStream(n);
            out.write(h, copied, m - copied);
            int after = decode(h, m + MARKER.length, n, out);
            if (after < 0) {
                copied = m;
                break;
            }
            copied = after;
            i = after;
        }
        if (out == null) return null;
        out.write(h, copied, n - copied);
        return out.toByteArray();
    }

    private static int tagEnd(byte[] h, int lt, int n) {
        int limit = Math.min(n, lt + MAX_TAG);
        for (int j = lt + 1; j < limit; j++) if (h[j] == '>') return j + 1;
        return limit;
    }

    /** Whether the tag at {@code [lt, end)} is a script tag or ASP directive with an encoded language. */
    private static boolean encodedLanguage(byte[] h, int lt, int end) {
        String tag = new String(h, lt, end - lt, java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        if (!tag.startsWith("<script") && !tag.startsWith("<%@")) return false;
        int a = tag.indexOf("language");
        if (a < 0) return false;
        int j = a + "language".length();
        while (j < tag.length() && Character.isWhitespace(tag.charAt(j))) j++;
        if (j >= tag.length() || tag.charAt(j) != '=') return false;
        j++;
        while (j < tag.length() && Character.isWhitespace(tag.charAt(j))) j++;
        int q = j < tag.length() && (tag.charAt(j) == '"' || tag.charAt(j) == '\'') ? tag.charAt(j++) : -1;
        int k = j;
        while (k < tag.length() && (q >= 0 ? tag.charAt(k) != q : !Character.isWhitespace(tag.charAt(k)) && tag.charAt(k) != '>'
                && tag.charAt(k) != '%')) k++;
        String v = tag.substring(j, k);
        return v.equals("jscript.encode") || v.equals("vbscript.encode");
    }

    private static int indexOf(byte[] s, int from, int n, byte[] m) {
        outer:
        for (int i = Math.max(0, from); i + m.length <= n; i++) {
            for (int k = 0; k < m.length; k++) if (s[i + k] != m[k]) continue outer;
            return i;
        }
        return -1;
    }
}
