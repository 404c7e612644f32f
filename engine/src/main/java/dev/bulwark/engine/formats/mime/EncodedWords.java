package dev.bulwark.engine.formats.mime;

import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** RFC 2047 encoded words ({@code =?charset?B?...?=}), decoded to ISO-8859-1 characters byte by byte. */
final class EncodedWords {
    private static final int MAX_DECODED = 1024; // header values we decode are file names

    private EncodedWords() {}

    static String decode(String s) {
        int start = s.indexOf("=?");
        if (start < 0) return s;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (start >= 0) {
            out.append(s, i, start);
            int q1 = s.indexOf('?', start + 2);
            int q2 = q1 < 0 ? -1 : s.indexOf('?', q1 + 1);
            int endw = q2 < 0 ? -1 : s.indexOf("?=", q2 + 1);
            if (q1 < 0 || q2 != q1 + 2 || endw < 0) {
                out.append(s, start, s.length());
                return out.toString();
            }
            char enc = Character.toUpperCase(s.charAt(q1 + 1));
            ByteBuffer text = ByteBuffer.wrap(s.substring(q2 + 1, endw).getBytes(StandardCharsets.ISO_8859_1));
            ByteSink sink = new ByteSink(MAX_DECODED);
            if (enc == 'B') {
                TransferDecoders.base64(text, 0, text.limit(), sink);
            } else {
                for (int k = 0; k < text.limit(); k++) if (text.get(k) == '_') text.put(k, (byte) ' ');
                TransferDecoders.quotedPrintable(text, 0, text.limit(), sink);
            }
            out.append(new String(sink.toArray(), StandardCharsets.ISO_8859_1));
            i = endw + 2;
            start = s.indexOf("=?", i);
        }
        out.append(s, i, s.length());
        return out.toString();
    }
}
