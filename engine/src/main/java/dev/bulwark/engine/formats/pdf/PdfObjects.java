package dev.bulwark.engine.formats.pdf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The indirect objects of a PDF, found by scanning for {@code N G obj} (like ClamAV, independent of
 * the cross-reference table), with stream extents located via {@code /Length} or {@code endstream}.
 */
final class PdfObjects {
    /** Objects kept per document: beyond this the rest of the file is only raw-scanned. */
    static final int MAX_OBJECTS = 500_000;
    private static final int MAX_REF_HOPS = 16; // reference chains longer than this are cycles
    private static final int MAX_TRAILERS = 64;  // incremental updates; more is junk
    private static final int MAX_TRAILER_BYTES = 64 * 1024;

    /** One object: its value, and the extent of its stream data (-1 when it has none). */
    record Obj(int num, int gen, int offset, Object value, int streamStart, int streamEnd) {
        @SuppressWarnings("unchecked")
        Map<String, Object> dict() { return (Map<String, Object>) value; }
    }

    private final ByteBuffer b;
    private final int end;
    private final List<Obj> objects = new ArrayList<>();
    private final Map<Integer, Obj> byNum = new HashMap<>();
    private final Set<Integer> excluded = new HashSet<>();
    private int[] endstreams = new int[0];
    private List<Integer> trailerAt = List.of();
    private final long[] retained = {PdfParser.MAX_RETAINED};
    /** A common PDF name was obfuscated with #xx escapes somewhere in an object. */
    final boolean[] obfuscatedName = new boolean[1];

    PdfObjects(ByteBuffer b) {
        this.b = b;
        this.end = b.limit();
    }

    List<Obj> all() { return objects; }

    Obj get(int num) { return byNum.get(num); }

    void index() {
        // one pass: "N G obj" starts, "endstream" positions and the last "trailer" keywords
        List<int[]> starts = new ArrayList<>();
        int[] ends = new int[16];
        int nEnds = 0;
        java.util.ArrayDeque<Integer> trailers = new java.util.ArrayDeque<>();
        for (int i = 0; i + 3 <= end; i++) {
            byte c = b.get(i);
            if (c == 'o') {
                if (i == 0 || b.get(i + 1) != 'b' || b.get(i + 2) != 'j' || starts.size() >= MAX_OBJECTS) continue;
                if (i + 3 < end && !PdfParser.isWhite(b.get(i + 3) & 0xff) && !PdfParser.isDelim(b.get(i + 3) & 0xff)) continue;
                int[] ng = numGen(i);
                if (ng != null) starts.add(new int[] {ng[0], ng[1], i + 3});
            } else if (c == 'e') {
                if (startsWith(i, "endstream")) {
                    if (nEnds == ends.length) ends = Arrays.copyOf(ends, nEnds * 2);
                    ends[nEnds++] = i;
                    i += 8;
                }
            } else if (c == 't' && startsWith(i, "trailer")) {
                if (trailers.size() == MAX_TRAILERS) trailers.removeFirst();
                trailers.addLast(i);
            }
        }
        endstreams = Arrays.copyOf(ends, nEnds);
        trailerAt = new ArrayList<>(trailers);
        List<Obj> parsed = new ArrayList<>(starts.size());
        List<Integer> streamAt = new ArrayList<>(starts.size());
        for (int k = 0; k < starts.size(); k++) {
            int[] s = starts.get(k);
            // an object's syntax ends where the next one starts: keeps hostile files linear
            int limit = k + 1 < starts.size() ? starts.get(k + 1)[2] - 3 : end;
            PdfParser p = new PdfParser(b, s[2], limit, retained);
            p.obfuscatedName = obfuscatedName;
            Object v = p.parse(0);
            p.skipWhite();
            int st = -1;
            int kw = v instanceof Map<?, ?> ? streamKeyword(p.pos, limit) : -1;
            if (kw >= 0) {
                st = kw + 6;
                if (st < end && b.get(st) == '\r') st++;
                if (st < end && b.get(st) == '\n') st++;
            }
            parsed.add(new Obj(s[0], s[1], s[2], v, -1, -1));
            streamAt.add(st);
            byNum.put(s[0], parsed.get(parsed.size() - 1));
        }
        for (int k = 0; k < parsed.size(); k++) {
            Obj o = parsed.get(k);
            int st = streamAt.get(k);
            Obj full = st < 0 ? o : new Obj(o.num(), o.gen(), o.offset(), o.value(), st, streamEnd(o, st));
            objects.add(full);
            if (byNum.get(o.num()) == o) byNum.put(o.num(), full);
        }
    }

    /** Parses "num gen " backwards from the "obj" keyword at {@code i}; null when absent. */
    private int[] numGen(int i) {
        int k = i - 1;
        if (k < 0 || !PdfParser.isWhite(b.get(k) & 0xff)) return null;
        while (k >= 0 && PdfParser.isWhite(b.get(k) & 0xff)) k--;
        int ge = k + 1;
        while (k >= 0 && Character.isDigit(b.get(k)) && ge - k <= 6) k--;
        int gs = k + 1;
        if (gs == ge || k < 0 || !PdfParser.isWhite(b.get(k) & 0xff)) return null;
        while (k >= 0 && PdfParser.isWhite(b.get(k) & 0xff)) k--;
        int ne = k + 1;
        while (k >= 0 && Character.isDigit(b.get(k)) && ne - k <= 10) k--;
        int ns = k + 1;
        if (ns == ne || (k >= 0 && Character.isDigit(b.get(k)))) return null;
        long num = Long.parseLong(ascii(ns, ne)), gen = Long.parseLong(ascii(gs, ge));
        if (num > Integer.MAX_VALUE) return null;
        return new int[] {(int) num, (int) gen};
    }

    private int streamEnd(Obj o, int start) {
        Object len = resolve(o.dict().get("Length"));
        if (len instanceof Long l && l >= 0 && start + l <= end) {
            int e = (int) (start + l);
            int k = e;
            while (k < end && PdfParser.isWhite(b.get(k) & 0xff)) k++;
            if (startsWith(k, "endstream")) return e;
        }
        int idx = Arrays.binarySearch(endstreams, start);
        if (idx < 0) idx = -idx - 1;
        int e = idx < endstreams.length ? endstreams[idx] : end;
        if (e > start && b.get(e - 1) == '\n') e--;
        if (e > start && b.get(e - 1) == '\r') e--;
        return e;
    }

    /** Follows indirect references (bounded) to a direct value. */
    Object resolve(Object o) {
        for (int hops = 0; o instanceof PdfParser.Ref r && hops < MAX_REF_HOPS; hops++) {
            Obj t = byNum.get(r.num());
            o = t == null ? null : t.value();
        }
        return o instanceof PdfParser.Ref ? null : o;
    }

    /** The merged trailer: classic "trailer" dictionaries and cross-reference stream dictionaries. */
    Map<String, Object> trailer() {
        Map<String, Object> t = new LinkedHashMap<>();
        for (Obj o : objects) {
            if (o.value() instanceof Map<?, ?> && o.dict().get("Type") instanceof PdfParser.Name n && n.value().equals("XRef")) {
                o.dict().forEach(t::putIfAbsent);
            }
        }
        for (int k = trailerAt.size() - 1; k >= 0; k--) { // the latest trailer wins
            int i = trailerAt.get(k);
            {
                PdfParser p = new PdfParser(b, i + 7, (int) Math.min(end, (long) i + 7 + MAX_TRAILER_BYTES));
                if (p.parse(0) instanceof Map<?, ?> m) {
                    for (Map.Entry<?, ?> e : m.entrySet()) t.putIfAbsent((String) e.getKey(), e.getValue());
                }
            }
        }
        return t;
    }

    void excludeFromDecryption(Object ref) {
        if (ref instanceof PdfParser.Ref r) excluded.add(r.num());
    }

    boolean isExcluded(int num) { return excluded.contains(num); }

    /**
     * Where the "stream" keyword after a dictionary starts, or -1: right after it, or, as ClamAV's
     * find_stream_bounds finds it by searching the object, after bytes that are no PDF white space (a
     * vertical tab, other junk) up to the object's "endobj" or its end.
     */
    private int streamKeyword(int from, int limit) {
        if (startsWith(from, "stream")) return from;
        int stop = Math.min(limit, end);
        int first = -1;
        for (int i = from; i + 6 <= stop && i - from < MAX_STREAM_JUNK; i++) {
            if (startsWith(i, "endobj") || startsWith(i, "endstream")) break;
            if (startsWith(i, "stream")) {
                // the keyword ends its line; a "stream" inside junk before it ("(stream)") is passed over
                int c = i + 6 < end ? b.get(i + 6) & 0xff : -1;
                if (c == '\r' || c == '\n') return i;
                if (first < 0) first = i;
            }
        }
        return first;
    }

    /** Bytes looked at between a dictionary and a "stream" keyword that does not follow it directly. */
    private static final int MAX_STREAM_JUNK = 4096;

    private boolean startsWith(int i, String s) {
        if (i < 0 || end - i < s.length()) return false;
        for (int k = 0; k < s.length(); k++) if ((b.get(i + k) & 0xff) != s.charAt(k)) return false;
        return true;
    }

    private String ascii(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) sb.append((char) b.get(i));
        return sb.toString();
    }
}
