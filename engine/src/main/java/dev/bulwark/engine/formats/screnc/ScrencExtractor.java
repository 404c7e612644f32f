package dev.bulwark.engine.formats.screnc;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.normalize.ScrencDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Script Encoder files (CL_TYPE_SCRENC, {@code .jse}/{@code .vbe}): the first encoded block is decoded
 * and scanned as {@code <script>…</script>}, which ClamAV then normalises as HTML. Text after the block
 * is not added (ClamAV adds the rest of its 8 KiB read buffer); the raw layer is matched as it is anyway.
 */
public final class ScrencExtractor implements Extractor {
    private static final byte[] OPEN = "<script>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "</script>".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer d = layer.data();
        int n = (int) Math.min(d.limit(), Math.max(0, ctx.budget()));
        byte[] s = new byte[n];
        int m = 0;
        for (int i = 0; i < n; i++) { // ClamAV reads the file with NUL bytes left out
            byte b = d.get(i);
            if (b != 0) s[m++] = b;
        }
        int at = indexOf(s, m, ScrencDecoder.MARKER);
        if (at < 0) {
            ctx.note("screnc: no encoded block");
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(m, 1 << 16));
        out.writeBytes(OPEN);
        if (ScrencDecoder.decode(s, at + ScrencDecoder.MARKER.length, m, out) < 0) {
            ctx.note("screnc: length field truncated");
            return;
        }
        out.writeBytes(CLOSE);
        ctx.child(ChildInfo.named("", 0), ByteBuffer.wrap(out.toByteArray()));
    }

    private static int indexOf(byte[] s, int n, byte[] m) {
        outer:
        for (int i = 0; i + m.length <= n; i++) {
            for (int k = 0; k < m.length; k++) if (s[i + k] != m[k]) continue outer;
            return i;
        }
        return -1;
    }
}
