package dev.bulwark.engine.normalize;

import java.nio.ByteBuffer;

/**
 * ClamAV's HTML normalisation (its behaviour, reimplemented): the lower-cased document without comments
 * and with blanks collapsed ("nocomment.html", blanks inside script and style elements dropped), its visible
 * text without tags ("notags.html", with the targets of a href and img src), and the normalised JavaScript
 * of its script elements ("javascript", see {@link JsNormalizer}). Raw HTML is not scanned by the signature
 * engine, only these views.
 *
 * <p>One pass over the input, a state machine over flat arrays; the views grow by doubling and are at most
 * a small constant factor longer than the input (a numeric reference above 0xFF becomes an 8-byte
 * {@code &#xhhhh;}). A data: URI leaves only {@code "data"} in the views (its content goes to the MIME decoder,
 * DataUris). Not modelled: ClamAV's output-buffer flush boundary for the one-byte rewind of a comment's '&lt;'.
 */
public final class HtmlNormalizer {
    private HtmlNormalizer() {}

    /** Whether the first {@code n} bytes hold the script-encoding marker #@~^, NULs left out as ClamAV reads them. */
    private static boolean hasMarker(ByteBuffer in, int n) {
        byte[] want = {'#', '@', '~', '^'};
        int matched = 0;
        for (int i = 0; i < n; i++) {
            byte b = in.get(i);
            if (b == 0) continue;
            if (b == want[matched]) {
                if (++matched == want.length) return true;
            } else matched = b == '#' ? 1 : 0;
        }
        return false;
    }

    /** The first {@code n} bytes without NULs (ClamAV's normaliser never sees them), for the script decoder. */
    private static byte[] withoutNul(ByteBuffer in, int n) {
        byte[] out = new byte[n];
        int o = 0;
        for (int i = 0; i < n; i++) {
            byte b = in.get(i);
            if (b != 0) out[o++] = b;
        }
        return java.util.Arrays.copyOf(out, o);
    }

    /** The three normalised views; any may be empty. */
    public record Result(byte[] noComment, byte[] noTags, byte[] scripts) {}

    public static Result normalize(ByteBuffer in, long max) {
        int n = (int) Math.min(in.limit(), max);
        ByteBuffer raw = in.slice(0, n);
        if (hasMarker(in, n)) { // encoded scripts are normalised decoded
            byte[] all = withoutNul(in, n);
            byte[] decoded = ScrencDecoder.decodeInHtml(all, all.length);
            if (decoded != null) raw = ByteBuffer.wrap(decoded);
        }
        n = raw.limit();
        byte[] src;
        int base;
        if (raw.hasArray()) {
            src = raw.array();
            base = raw.arrayOffset();
        } else {
            src = new byte[n];
            raw.get(0, src, 0, n);
            base = 0;
        }
        return new HtmlMachine(src, base, n).run();
    }
}
