package dev.bulwark.engine.formats.tnef;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * CL_TYPE_TNEF ({@code winmail.dat}): a signature, then attribute records (level, id, length, data,
 * checksum). Each attachment (started by {@code attAttachRendData}) becomes a child named by its
 * {@code attAttachTitle}, with the bytes of {@code attAttachData}.
 */
public final class TnefExtractor implements Extractor {
    static final int SIGNATURE = 0x223E9F78;
    private static final int LVL_ATTACHMENT = 2;
    private static final int ATT_ATTACH_DATA = 0x800F;
    private static final int ATT_ATTACH_TITLE = 0x8010;
    private static final int ATT_ATTACH_REND_DATA = 0x9002;
    private static final int HEADER = 6;             // signature + legacy key
    private static final int RECORD_OVERHEAD = 1 + 4 + 4 + 2;
    private static final int MAX_NAME = 255;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.limit();
        if (n < HEADER || b.getInt(0) != SIGNATURE) {
            ctx.note("TNEF: bad signature");
            return;
        }
        int p = HEADER, position = 0;
        String name = "";
        int dataOff = -1, dataLen = 0;
        while (p + RECORD_OVERHEAD - 2 <= n && !ctx.stopped()) {
            int level = b.get(p) & 0xff;
            int id = b.getInt(p + 1) & 0xffff;
            long len = b.getInt(p + 5) & 0xffffffffL;
            int body = p + 9;
            if (level != 1 && level != LVL_ATTACHMENT) {
                ctx.note("TNEF: bad attribute level " + level + " at " + p);
                break;
            }
            long avail = Math.min(len, n - body);
            if (level == LVL_ATTACHMENT) {
                if (id == ATT_ATTACH_REND_DATA) {
                    if (dataOff >= 0 && !emit(ctx, b, name, dataOff, dataLen, ++position)) return;
                    name = "";
                    dataOff = -1;
                } else if (id == ATT_ATTACH_TITLE) {
                    name = title(b, body, (int) avail);
                } else if (id == ATT_ATTACH_DATA) {
                    dataOff = body;
                    dataLen = (int) avail;
                }
            }
            if (avail < len) {
                ctx.note("TNEF: attribute at " + p + " declares " + len + " bytes, " + avail + " present");
                break;
            }
            p = (int) (body + len + 2);
        }
        if (dataOff >= 0) emit(ctx, b, name, dataOff, dataLen, ++position);
    }

    private static boolean emit(ExtractContext ctx, ByteBuffer b, String name, int off, int len, int position) {
        if (len <= 0) return true;
        return ctx.child(ChildInfo.named(name, position), b.slice(off, len).asReadOnlyBuffer());
    }

    private static String title(ByteBuffer b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len && sb.length() < MAX_NAME; i++) {
            int c = b.get(off + i) & 0xff;
            if (c == 0) break;
            sb.append((char) c);
        }
        return sb.toString();
    }
}
