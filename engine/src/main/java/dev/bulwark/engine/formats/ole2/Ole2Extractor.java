package dev.bulwark.engine.formats.ole2;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.Inflate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * CL_TYPE_MSOLE2: every stream becomes a child; in addition the payload of {@code \1Ole10Native}
 * streams, the embedded objects of PowerPoint documents, and the decompressed source of each VBA
 * module. A VBA project raises {@code Heuristics.OLE2.ContainsMacros.VBA} when macro alerts are on.
 */
public final class Ole2Extractor implements Extractor {
    static final String MACRO_HEURISTIC = "Heuristics.OLE2.ContainsMacros.VBA";
    static final String XLM_HEURISTIC = "Heuristics.OLE2.ContainsMacros.XLM";
    private static final int BIFF_BOUNDSHEET = 0x0085;
    private static final int SHEET_TYPE_XLM_MACRO = 1;
    private static final int PPT_EXOLEOBJSTG = 0x1011;
    private static final int MAX_PPT_RECORDS = 1_000_000; // bounded walk of the PowerPoint record stream

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        Ole2File f;
        try {
            f = Ole2File.open(layer.data());
        } catch (Ole2Exception e) {
            ctx.note("OLE2: " + e.getMessage());
            return;
        }
        new Run(f, ctx).run();
    }

    private static final class Run {
        private final Ole2File f;
        private final ExtractContext ctx;
        private int position;
        private boolean stop;

        Run(Ole2File f, ExtractContext ctx) {
            this.f = f;
            this.ctx = ctx;
        }

        void run() {
            List<Ole2File.Node> nodes = f.walk();
            boolean macros = false;
            for (Ole2File.Node n : nodes) {
                if (n.entry().name().equalsIgnoreCase("dir") && Ole2File.find(nodes, n.parent(), "_VBA_PROJECT") != null) macros = true;
            }
            if (macros && ctx.options().alert(ScanOptions.Alert.MACROS) && !ctx.heuristic(MACRO_HEURISTIC)) return;
            boolean xlm = false;
            for (Ole2File.Node n : nodes) {
                if (stop || ctx.stopped()) return;
                Ole2File.Entry e = n.entry();
                boolean[] cut = new boolean[1];
                ByteSink data = f.read(e, ctx.budget(), cut);
                if (cut[0]) ctx.note("OLE2: stream '" + e.name() + "' declares " + e.size() + " bytes, " + data.size() + " read");
                if (!emit(e.name(), data.view())) return;
                if (e.name().equals("\u0001Ole10Native")) ole10Native(data.view());
                else if (e.name().equalsIgnoreCase("PowerPoint Document")) powerPoint(data.view());
                else if (e.name().equalsIgnoreCase("Workbook") || e.name().equalsIgnoreCase("Book")) xlm |= hasMacroSheet(data.view());
            }
            if (xlm && ctx.options().alert(ScanOptions.Alert.MACROS) && !ctx.heuristic(XLM_HEURISTIC)) return;
            for (Ole2File.Node n : nodes) {
                if (stop) return;
                if (n.entry().name().equalsIgnoreCase("dir") && Ole2File.find(nodes, n.parent(), "_VBA_PROJECT") != null) {
                    vba(nodes, n);
                }
            }
        }

        /** Excel BIFF: a BOUNDSHEET record of sheet type 1 is an Excel 4.0 (XLM) macro sheet. */
        private static boolean hasMacroSheet(ByteBuffer s) {
            ByteBuffer d = s.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int p = 0, n = d.limit();
            while (p + 4 <= n) {
                int op = d.getShort(p) & 0xffff, len = d.getShort(p + 2) & 0xffff;
                if (op == BIFF_BOUNDSHEET && len >= 6 && p + 4 + 6 <= n && (d.get(p + 4 + 5) & 0xff) == SHEET_TYPE_XLM_MACRO) return true;
                p += 4 + len;
            }
            return false;
        }

        private boolean emit(String name, ByteBuffer data) {
            if (stop || data.limit() == 0) return !stop;
            if (!ctx.child(ChildInfo.named(name, ++position), data)) stop = true;
            return !stop;
        }

        /** An embedded OLE 1.0 package: the file inside becomes a child named by its label. */
        private void ole10Native(ByteBuffer s) {
            Ole10Native.Payload p = Ole10Native.parse(s);
            if (p == null) {
                ctx.note("OLE2: malformed Ole10Native stream");
                return;
            }
            if (p.data().limit() < p.declaredSize()) ctx.note("OLE2: Ole10Native declares " + p.declaredSize() + " bytes, " + p.data().limit() + " present");
            emit(p.label(), p.data());
        }

        /** PowerPoint ExOleObjStg records hold embedded documents, zlib-compressed when instance is 1. */
        private void powerPoint(ByteBuffer s) {
            ByteBuffer d = s.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int p = 0, n = d.limit();
            for (int records = 0; p + 8 <= n && records < MAX_PPT_RECORDS && !stop; records++) {
                int verInst = d.getShort(p) & 0xffff;
                int type = d.getShort(p + 2) & 0xffff;
                long len = d.getInt(p + 4) & 0xffffffffL;
                if ((verInst & 0xf) == 0xf) { p += 8; continue; } // container: walk into it
                int body = p + 8;
                int end = (int) Math.min(n, body + len);
                if (type == PPT_EXOLEOBJSTG) {
                    String name = String.format("ppt%08x.doc", p);
                    if ((verInst >> 4) == 1 && body + 4 <= end) {
                        ByteSink out = new ByteSink(Math.min(ctx.budget(), d.getInt(body) & 0xffffffffL));
                        Inflate.inflate(d, body + 4, end, true, out);
                        emit(name, out.view());
                    } else {
                        emit(name, s.slice(body, end - body));
                    }
                }
                if (body + len > n) return;
                p = (int) (body + len);
            }
        }

        private void vba(List<Ole2File.Node> nodes, Ole2File.Node dirNode) {
            boolean[] cut = new boolean[1];
            ByteSink dirRaw = f.read(dirNode.entry(), ctx.budget(), cut);
            ByteSink dir = new ByteSink(VbaProject.maxDirBytes());
            if (!VbaDecompressor.decompress(dirRaw.view(), 0, dirRaw.size(), dir)) {
                ctx.note("OLE2: VBA dir stream is not compressed data");
                return;
            }
            for (VbaProject.Module m : VbaProject.modules(dir)) {
                if (stop || ctx.stopped()) return;
                Ole2File.Node ms = Ole2File.find(nodes, dirNode.parent(), m.stream());
                if (ms == null) {
                    ctx.note("OLE2: VBA module stream '" + m.stream() + "' missing");
                    continue;
                }
                ByteSink raw = f.read(ms.entry(), ctx.budget(), cut);
                if (m.offset() >= raw.size()) continue;
                ByteSink src = new ByteSink(ctx.budget());
                if (!VbaDecompressor.decompress(raw.view(), (int) m.offset(), raw.size(), src)) {
                    ctx.note("OLE2: VBA module '" + m.name() + "' has no compressed source at offset " + m.offset());
                    continue;
                }
                if (!emit(m.name(), src.view())) return;
            }
        }
    }
}
