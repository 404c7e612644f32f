package dev.bulwark.engine.formats.mime;

import dev.bulwark.engine.filetype.ByteScan;
import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 2397 {@code data:} URIs in HTML attribute values, rewritten the way ClamAV's HTML normaliser
 * does it: as a small mail ("From html-normalise", Content-type, optional base64 encoding, blank
 * line, data) that is then scanned as CL_TYPE_MAIL, where {@link MailExtractor} decodes it.
 * For the HTML normaliser to call; this class does not register itself for any type.
 */
public final class DataUris {
    /** data: URIs taken from one document; more is abuse. */
    public static final int MAX_URIS = 1000;
    private static final int MAX_MEDIA_TYPE = 256;

    private DataUris() {}

    /** One mail layer per {@code data:} attribute value, each at most {@code maxBytes} long. */
    public static List<ByteBuffer> mailLayers(ByteBuffer html, long maxBytes) {
        List<ByteBuffer> out = new ArrayList<>();
        int end = html.limit();
        byte[] a = html.hasArray() ? html.array() : null;
        int base = a != null ? html.arrayOffset() : 0;
        for (int i = 0; i + 5 <= end && out.size() < MAX_URIS; i++) {
            if (a != null) { // jump to the next "data:" candidate by its ':' (eight bytes at a time; rarer than 'd')
                int k = ByteScan.next(a, base + i + 4, base + end, (byte) ':');
                if (k < 0) break;
                i = k - base - 4;
                if ((a[base + i] | 0x20) != 'd') continue;
            } else if ((html.get(i) | 0x20) != 'd') {
                continue;
            }
            if (!isDataPrefix(html, i)) continue;
            int prev = i > 0 ? html.get(i - 1) & 0xff : 0;
            int quote = prev == '"' || prev == '\'' ? prev : 0;
            if (quote == 0 && prev != '=') continue; // only attribute values
            int comma = -1, k = i + 5;
            while (k < end && k - i < MAX_MEDIA_TYPE && !stop(html.get(k) & 0xff, quote)) {
                if (html.get(k) == ',') { comma = k; break; }
                k++;
            }
            if (comma < 0) continue;
            String type = latin1(html, i + 5, comma);
            ByteSink mail = new ByteSink(maxBytes);
            put(mail, "From html-normalise\nContent-type: ");
            if (type.isEmpty() || type.startsWith(";")) put(mail, "text/plain");
            put(mail, type);
            put(mail, "\n");
            if (type.contains(";base64")) put(mail, "Content-transfer-encoding: base64\n");
            put(mail, "\n");
            int d = comma + 1;
            while (d < end && !stop(html.get(d) & 0xff, quote)) {
                if (!mail.put(html.get(d))) break;
                d++;
            }
            out.add(mail.view());
            i = d;
        }
        return out;
    }

    private static boolean isDataPrefix(ByteBuffer b, int i) {
        return (b.get(i + 1) | 0x20) == 'a' && (b.get(i + 2) | 0x20) == 't' && (b.get(i + 3) | 0x20) == 'a' && b.get(i + 4) == ':';
    }

    private static boolean stop(int c, int quote) {
        return quote != 0 ? c == quote : (c <= ' ' || c == '>');
    }

    private static void put(ByteSink s, String t) {
        byte[] b = t.getBytes(StandardCharsets.ISO_8859_1);
        s.put(b, 0, b.length);
    }

    private static String latin1(ByteBuffer b, int from, int to) {
        char[] c = new char[to - from];
        for (int i = 0; i < c.length; i++) c[i] = (char) (b.get(from + i) & 0xff);
        return new String(c);
    }
}
