package dev.bulwark.engine.formats.pdf;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CL_TYPE_PDF: every stream is decoded (decrypted with the empty user password where possible, then
 * unfiltered) and becomes a child, as does JavaScript held in {@code /JS} strings. Objects are found
 * by scanning for {@code N G obj}, so damaged cross-reference tables do not matter. A document that
 * needs a real password raises {@code Heuristics.Encrypted.PDF} when encrypted-document alerts are on.
 */
public final class PdfExtractor implements Extractor {
    static final String ENCRYPTED_HEURISTIC = "Heuristics.Encrypted.PDF";
    static final String OBFUSCATED_NAME_HEURISTIC = "Heuristics.PDF.ObfuscatedNameObject";
    private static final int MAX_FILTERS = 8;       // longer filter chains are not real documents
    private static final int MAX_OBJSTM_OBJECTS = 100_000;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        new Run(layer.data(), ctx).run();
    }

    private static final class Run {
        private final ByteBuffer b;
        private final ExtractContext ctx;
        private final PdfObjects objs;
        private PdfCrypt crypt;
        private int position;
        private boolean stop;

        Run(ByteBuffer b, ExtractContext ctx) {
            this.b = b;
            this.ctx = ctx;
            this.objs = new PdfObjects(b);
        }

        void run() {
            objs.index();
            setUpEncryption();
            if (stop) return;
            for (PdfObjects.Obj o : objs.all()) {
                if (stop || ctx.stopped()) return;
                if (o.streamStart() >= 0) stream(o);
                if (o.value() instanceof Map<?, ?> d) javaScript(d, o);
            }
            // e.g. /Fl#61teDecode for /FlateDecode: raised at the end, like ClamAV
            if (objs.obfuscatedName[0] && ctx.options().heuristicAlerts()) ctx.heuristic(OBFUSCATED_NAME_HEURISTIC);
        }

        private void setUpEncryption() {
            Map<String, Object> trailer = objs.trailer();
            Object e = objs.resolve(trailer.get("Encrypt"));
            if (!(e instanceof Map<?, ?> enc)) return;
            byte[] id0 = new byte[0];
            if (trailer.get("ID") instanceof List<?> ids && !ids.isEmpty() && ids.get(0) instanceof PdfParser.PdfString s) id0 = s.bytes();
            @SuppressWarnings("unchecked") Map<String, Object> encDict = (Map<String, Object>) enc;
            crypt = PdfCrypt.open(encDict, id0);
            objs.excludeFromDecryption(trailer.get("Encrypt"));
            if (!crypt.decryptable()) {
                ctx.note("PDF: encrypted and the empty user password does not open it");
                if (ctx.options().alert(ScanOptions.Alert.ENCRYPTED_DOC) && !ctx.heuristic(ENCRYPTED_HEURISTIC)) stop = true;
                crypt = null;
            }
        }

        private boolean emit(String name, ByteBuffer data) {
            if (stop || data.limit() == 0) return !stop;
            if (!ctx.child(ChildInfo.named(name, ++position), data)) stop = true;
            return !stop;
        }

        private void stream(PdfObjects.Obj o) {
            Map<String, Object> dict = o.value() instanceof Map<?, ?> ? o.dict() : Map.of();
            int len = o.streamEnd() - o.streamStart();
            long cap = ctx.budget();
            ByteBuffer data = b.slice(o.streamStart(), len);
            boolean xref = dict.get("Type") instanceof PdfParser.Name t && t.value().equals("XRef");
            if (crypt != null && !xref && !objs.isExcluded(o.num())) {
                byte[] raw = new byte[len];
                data.get(0, raw);
                data = ByteBuffer.wrap(crypt.decryptStream(raw, o.num(), o.gen()));
            }
            ByteBuffer decoded = decode(data, dict, cap);
            if (decoded.limit() > cap) decoded = decoded.slice(0, (int) cap);
            if (dict.get("Type") instanceof PdfParser.Name t && t.value().equals("ObjStm")) objectStream(decoded, dict);
            emit("", decoded);
        }

        private ByteBuffer decode(ByteBuffer data, Map<String, Object> dict, long cap) {
            List<Object> filters = asList(objs.resolve(dict.get("Filter")));
            List<Object> parms = asList(objs.resolve(dict.get("DecodeParms")));
            if (parms.isEmpty()) parms = asList(objs.resolve(dict.get("DP")));
            ByteBuffer cur = data;
            for (int i = 0; i < filters.size() && i < MAX_FILTERS; i++) {
                if (!(filters.get(i) instanceof PdfParser.Name n)) break;
                String f = PdfFilters.canonical(n.value());
                if (f == null) break; // image codecs and the like: keep what we have
                Map<String, Object> p = i < parms.size() && objs.resolve(parms.get(i)) instanceof Map<?, ?> m ? cast(m) : null;
                ByteSink out = PdfFilters.apply(f, cur, p, cap);
                if (out == null) break;
                if (out.overflowed()) ctx.note("PDF: decoded stream exceeds the size budget; truncated");
                if (out.isEmpty() && cur.limit() > 0) {
                    ctx.note("PDF: " + n.value() + " produced no data; keeping the undecoded stream");
                    break;
                }
                cur = out.view();
            }
            return cur;
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> cast(Map<?, ?> m) {
            return (Map<String, Object>) m;
        }

        private static List<Object> asList(Object o) {
            if (o == null) return List.of();
            if (o instanceof List<?> l) return new ArrayList<>(l);
            List<Object> one = new ArrayList<>();
            one.add(o);
            return one;
        }

        /** JavaScript in /JS: strings are emitted here; streams already were, as streams. */
        private void javaScript(Map<?, ?> d, PdfObjects.Obj owner) {
            Object js = d.get("JS");
            if (js instanceof PdfParser.PdfString s) {
                byte[] text = crypt != null ? crypt.decryptString(s.bytes(), owner.num(), owner.gen()) : s.bytes();
                emit("javascript", ByteBuffer.wrap(text));
            } else if (js instanceof PdfParser.Ref r) {
                PdfObjects.Obj target = objs.get(r.num());
                if (target != null && target.streamStart() < 0 && target.value() instanceof PdfParser.PdfString s) {
                    byte[] text = crypt != null ? crypt.decryptString(s.bytes(), target.num(), target.gen()) : s.bytes();
                    emit("javascript", ByteBuffer.wrap(text));
                }
            }
        }

        /** Objects packed in an object stream: only their JavaScript matters (they have no streams). */
        private void objectStream(ByteBuffer data, Map<String, Object> dict) {
            int n = (int) Math.min(MAX_OBJSTM_OBJECTS, Math.max(0, dict.get("N") instanceof Long l ? l : 0));
            long first = dict.get("First") instanceof Long l ? l : -1;
            if (first < 0 || first > data.limit()) return;
            PdfParser header = new PdfParser(data, 0, (int) first);
            List<Integer> starts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Object num = header.parse(0), off = header.parse(0);
                if (!(num instanceof Long) || !(off instanceof Long c)) break;
                if (c >= 0 && first + c < data.limit()) starts.add((int) (first + c));
            }
            starts.sort(null);
            for (int k = 0; k < starts.size() && !stop; k++) {
                // each object ends where the next begins: keeps hostile offset tables linear
                int to = k + 1 < starts.size() ? starts.get(k + 1) : data.limit();
                PdfParser p = new PdfParser(data, starts.get(k), to);
                if (p.parse(0) instanceof Map<?, ?> d && d.get("JS") instanceof PdfParser.PdfString s) {
                    emit("javascript", ByteBuffer.wrap(s.bytes())); // strings in object streams are not encrypted
                }
            }
        }
    }
}
