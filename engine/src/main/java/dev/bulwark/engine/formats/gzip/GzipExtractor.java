package dev.bulwark.engine.formats.gzip;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Emit;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.nio.ByteBuffer;

/** gzip: one child, the concatenation of all members (as gunzip produces it). */
public final class GzipExtractor implements Extractor {
    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        int start;
        String name;
        try {
            start = GzipStream.header(b, 0);
            name = GzipStream.name(b, 0);
        } catch (MalformedException e) {
            ctx.note("gzip: " + e.getMessage());
            return;
        }
        GzipStream s = new GzipStream(b, start);
        Emit.stream(ctx, "gzip", new ChildInfo(name, null, b.limit(), -1, false, 1, -1), s, b.limit());
        if (s.trailingNote() != null) ctx.note(s.trailingNote());
    }
}
