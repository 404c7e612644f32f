package dev.bulwark.engine.formats.hwpole2;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import java.nio.ByteBuffer;

/**
 * (types17) An OLE2 file embedded in a HWP document: a 4-byte size, then the OLE2 bytes ({@code D0 CF 11 E0} at 4).
 * As ClamAV's cli_scanhwpole2: whatever the size says (a mismatch is only a warning), the bytes from offset 4 on are
 * one child, typed afresh.
 */
public final class HwpOle2Extractor implements Extractor {
    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        if (b.limit() < 4) return;
        ctx.child(new ChildInfo("", null, -1, -1, false, 0, -1), b.slice(4, b.limit() - 4));
    }
}
