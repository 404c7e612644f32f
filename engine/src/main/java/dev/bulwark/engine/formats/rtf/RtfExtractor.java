package dev.bulwark.engine.formats.rtf;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.Text;
import dev.bulwark.engine.formats.ole2.Ole10Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * CL_TYPE_RTF: embedded objects. The hex text of each {@code \objdata} group is decoded; an OLE1
 * object header (version, format, class name, topic, item, native size) is removed, and the native
 * data becomes a child. "Package" objects are unwrapped once more to the file they carry.
 */
public final class RtfExtractor implements Extractor {
    private static final byte[] OBJDATA = "\\objdata".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_OBJECTS = 10_000;      // per document; more is junk
    private static final int MAX_CLASS_NAME = 256;       // OLE1 strings are short

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        int end = b.limit();
        int pos = 0, position = 0;
        for (int n = 0; n < MAX_OBJECTS && !ctx.stopped(); n++) {
            int at = Text.indexOf(b, pos, end, OBJDATA);
            if (at < 0) return;
            int i = at + OBJDATA.length;
            if (i < end && Character.isLetter(b.get(i))) { pos = i; continue; } // another control word
            ByteSink hex = new ByteSink(ctx.budget());
            pos = decodeHex(b, i, end, hex);
            Object1 o = Object1.parse(hex.view());
            ByteBuffer data = o == null ? hex.view() : o.nativeData;
            String name = o == null ? "" : o.className;
            if (o != null && o.className.equalsIgnoreCase("Package")) {
                Ole10Native.Payload p = Ole10Native.parse(o.withSize);
                if (p != null) {
                    data = p.data();
                    name = p.label();
                }
            }
            if (data.limit() == 0) continue;
            if (!ctx.child(ChildInfo.named(name, ++position), data)) return;
        }
    }

    /** Decodes hex digits up to the end of the enclosing group, skipping nested groups' control words. */
    private static int decodeHex(ByteBuffer b, int i, int end, ByteSink out) {
        int depth = 0, hi = -1;
        while (i < end) {
            int c = b.get(i) & 0xff;
            if (c == '{') depth++;
            else if (c == '}') {
                if (depth-- == 0) return i + 1;
            } else if (c == '\\') {
                i++; // skip the control word or symbol
                while (i < end && Character.isLetter(b.get(i))) i++;
                while (i < end && (Character.isDigit(b.get(i)) || b.get(i) == '-')) i++;
                continue;
            } else {
                int v = Text.hexValue(c);
                if (v >= 0) {
                    if (hi < 0) hi = v;
                    else {
                        if (!out.put(hi << 4 | v)) return skipGroup(b, i, end, depth);
                        hi = -1;
                    }
                }
            }
            i++;
        }
        return end;
    }

    private static int skipGroup(ByteBuffer b, int i, int end, int depth) {
        for (; i < end; i++) {
            int c = b.get(i);
            if (c == '{') depth++;
            else if (c == '}' && depth-- == 0) return i + 1;
        }
        return end;
    }

    /** An OLE1 ObjectHeader followed by native data (MS-OLEDS 2.2.4). */
    private record Object1(String className, ByteBuffer nativeData, ByteBuffer withSize) {
        static Object1 parse(ByteBuffer d0) {
            ByteBuffer d = d0.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int n = d.limit();
            if (n < 12) return null;
            int format = d.getInt(4);
            if (format != 2 && format != 1) return null; // 2 = embedded, 1 = linked
            int p = 8;
            String cls = null;
            for (int k = 0; k < 3; k++) { // class name, topic name, item name
                if (p + 4 > n) return null;
                long len = d.getInt(p) & 0xffffffffL;
                p += 4;
                if (len > n - p || (k == 0 && len > MAX_CLASS_NAME)) return null;
                if (k == 0) cls = ascii(d, p, (int) len);
                p += (int) len;
            }
            if (format == 1 || p + 4 > n) return new Object1(cls, d0.slice(p, 0), d0.slice(p, 0));
            long size = d.getInt(p) & 0xffffffffL;
            int avail = (int) Math.min(size, n - p - 4);
            // a Package's native data is an Ole10Native object, whose first field is this size
            return new Object1(cls, d0.slice(p + 4, avail), d0.slice(p, avail + 4));
        }

        private static String ascii(ByteBuffer d, int p, int len) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < len; i++) {
                int c = d.get(p + i) & 0xff;
                if (c == 0) break;
                sb.append((char) c);
            }
            return sb.toString();
        }
    }
}
