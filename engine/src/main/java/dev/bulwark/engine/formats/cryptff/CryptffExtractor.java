package dev.bulwark.engine.formats.cryptff;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import java.nio.ByteBuffer;

/**
 * (types17) CryptFF ({@code B6 B9 AC AE FE FF FF FF}): a 16-byte header, then the original file with every byte
 * inverted. As ClamAV's cli_scancryptff: one child, the bytes from offset 16 on XOR 0xFF, typed afresh.
 */
public final class CryptffExtractor implements Extractor {
    static final int HEADER = 0x10;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        int n = Math.max(0, b.limit() - HEADER);
        if (!ctx.admits(n)) { // refused by the limits: the context records which, the bytes need not be decoded
            ctx.child(new ChildInfo("", null, n, n, false, 0, -1), b.slice(Math.min(HEADER, b.limit()), n)); // (a file shorter than the header: n = 0)
            return;
        }
        byte[] out = new byte[n];
        if (n > 0) b.get(HEADER, out, 0, n);
        for (int i = 0; i < n; i++) out[i] = (byte) ~out[i];
        ctx.child(new ChildInfo("", null, n, n, false, 0, -1), ByteBuffer.wrap(out));
    }
}
