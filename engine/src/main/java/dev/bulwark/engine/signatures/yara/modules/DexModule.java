package dev.bulwark.engine.signatures.yara.modules;

import dev.bulwark.engine.signatures.yara.re.Regex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * YARA's dex module (Android Dalvik executables): header, string/type/proto/field/method id tables, class
 * definitions with their class data (encoded fields and methods, code items), the map list, and the
 * {@code has_method} / {@code has_class} functions. Field semantics follow yara 4.x (e.g. a string's value is
 * read after a one-byte length prefix, as yara does).
 */
final class DexModule implements YaraModule {
    private static final int HEADER_SIZE = 0x70;
    private static final int MAX_TABLE_ROWS = 1 << 20; // rows kept per id table (method/field/type ids are 16-bit in the format)
    private static final int MAX_ROWS_TOTAL = 1 << 20; // rows kept over all tables of one file: bounds memory on hostile sizes
    private static final int MAX_MEMBERS = 1 << 18; // encoded fields + methods kept per file
    private static final int MAX_INDEX = 0x80000; // yara's own limit on indexes followed from one table to another

    @Override
    public String name() {
        return "dex";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        Map<String, Object> m = new HashMap<>();
        DexConstants.add(m);
        m.put("has_method", (YaraFunction) (x, a) -> hasMethod(m, a));
        m.put("has_class", (YaraFunction) (x, a) -> hasClass(m, a));
        if (!isDex(in)) return m;
        new Parser(in, m).parse();
        return m;
    }

    private static boolean isDex(ScanInput in) {
        if (!in.has(0, HEADER_SIZE)) return false;
        byte[] magic = Bytes.slice(in, 0, 8);
        for (int v = 35; v <= 39; v++) {
            if (Arrays.equals(magic, DexConstants.magic(v))) return true;
        }
        return false;
    }

    private static final class Parser {
        final ScanInput in;
        final Map<String, Object> m;
        final List<Object> strings = new ArrayList<>(), types = new ArrayList<>(), protos = new ArrayList<>();
        final List<Object> fieldIds = new ArrayList<>(), methodIds = new ArrayList<>();
        final List<Object> fields = new ArrayList<>(), methods = new ArrayList<>();
        int members = MAX_MEMBERS;
        int rowBudget = MAX_ROWS_TOTAL;

        Parser(ScanInput in, Map<String, Object> m) {
            this.in = in;
            this.m = m;
        }

        long h(int off) {
            return Bytes.u32(in, off);
        }

        /** Whether count rows of rowSize bytes at off fit in the file (yara gives up on the rest when not). */
        boolean table(long off, long count, int rowSize) {
            return in.has(off, count * rowSize);
        }

        void parse() {
            Map<String, Object> header = new HashMap<>();
            header.put("magic", Bytes.cstr(in, 0, 8)); // (yara17) as yara 4.2.3: up to the first NUL of the 8 bytes
            header.put("checksum", h(8));
            header.put("signature", Bytes.slice(in, 12, 20));
            String[] names = {"file_size", "header_size", "endian_tag", "link_size", "link_offset", "map_offset",
                    "string_ids_size", "string_ids_offset", "type_ids_size", "type_ids_offset", "proto_ids_size",
                    "proto_ids_offset", "field_ids_size", "field_ids_offset", "method_ids_size", "method_ids_offset",
                    "class_defs_size", "class_defs_offset", "data_size", "data_offset"};
            for (int i = 0; i < names.length; i++) header.put(names[i], h(32 + 4 * i));
            m.put("header", header);
            m.put("string_ids", strings);
            m.put("type_ids", types);
            m.put("proto_ids", protos);
            m.put("field_ids", fieldIds);
            m.put("method_ids", methodIds);
            m.put("field", fields);
            m.put("method", methods);
            if (tables()) { // like yara, the counts stay undefined when a table does not fit
                m.put("number_of_methods", (long) methods.size());
                m.put("number_of_fields", (long) fields.size());
            }
        }

        boolean tables() {
            long n = h(56), off = h(60);
            if (!table(off, n, 4)) return false;
            for (int i = 0; i < Math.min(n, MAX_TABLE_ROWS) && rowBudget-- > 0; i++) {
                Map<String, Object> s = new HashMap<>();
                strings.add(s);
                long dataOff = Bytes.u32(in, off + 4L * i);
                if (!in.has(dataOff, 4)) continue;
                long[] len = uleb(dataOff);
                if (len == null || !in.has(dataOff + 1, len[0])) continue;
                s.put("offset", dataOff);
                s.put("size", len[0]);
                s.put("value", Bytes.slice(in, dataOff + 1, len[0]));
            }
            return rows(types, h(64), h(68), 4, new String[] {"descriptor_idx"}, new int[] {4})
                    && rows(protos, h(72), h(76), 12, new String[] {"shorty_idx", "return_type_idx", "parameters_offset"}, new int[] {4, 4, 4})
                    && rows(fieldIds, h(80), h(84), 8, new String[] {"class_idx", "type_idx", "name_idx"}, new int[] {2, 2, 4})
                    && rows(methodIds, h(88), h(92), 8, new String[] {"class_idx", "proto_idx", "name_idx"}, new int[] {2, 2, 4})
                    && mapList() && classDefs();
        }

        boolean rows(List<Object> out, long n, long off, int rowSize, String[] names, int[] widths) {
            if (!table(off, n, rowSize)) return false;
            for (int i = 0; i < Math.min(n, MAX_TABLE_ROWS) && rowBudget-- > 0; i++) {
                Map<String, Object> r = new HashMap<>();
                long p = off + (long) rowSize * i;
                for (int k = 0; k < names.length; k++) {
                    r.put(names[k], widths[k] == 2 ? (long) Bytes.u16(in, p) : Bytes.u32(in, p));
                    p += widths[k];
                }
                out.add(r);
            }
            return true;
        }

        boolean mapList() {
            long off = h(52);
            if (off == 0 || !in.has(off, 4)) return true;
            long n = Bytes.u32(in, off);
            Map<String, Object> ml = new HashMap<>();
            ml.put("size", n);
            m.put("map_list", ml);
            if (!in.has(off + 4, n * 12)) return false;
            List<Object> items = new ArrayList<>();
            for (long i = 0; i < n && rowBudget-- > 0; i++) {
                long p = off + 4 + 12 * i;
                items.add(Map.of("type", (long) Bytes.u16(in, p), "unused", (long) Bytes.u16(in, p + 2),
                        "size", Bytes.u32(in, p + 4), "offset", Bytes.u32(in, p + 8)));
            }
            ml.put("map_item", items);
            return true;
        }

        boolean classDefs() {
            long n = h(96), off = h(100);
            if (!table(off, n, 32)) return false;
            List<Object> defs = new ArrayList<>(), data = new ArrayList<>();
            m.put("class_defs", defs);
            m.put("class_data_item", data);
            String[] names = {"class_idx", "access_flags", "super_class_idx", "interfaces_offset", "source_file_idx",
                    "annotations_offset", "class_data_offset", "static_values_offset"};
            for (int i = 0; i < Math.min(n, MAX_TABLE_ROWS) && rowBudget-- > 0; i++) {
                Map<String, Object> d = new HashMap<>();
                long p = off + 32L * i;
                for (int k = 0; k < names.length; k++) d.put(names[k], Bytes.u32(in, p + 4L * k));
                defs.add(d);
                long cd = Bytes.u32(in, p + 24);
                if (cd == 0) continue;
                if (!in.has(cd, 16)) return false;
                long[] sizes = new long[4];
                long pos = cd;
                for (int k = 0; k < 4; k++) {
                    long[] v = uleb(pos);
                    if (v == null) return false;
                    sizes[k] = v[0];
                    pos += v[1];
                }
                data.add(Map.of("static_fields_size", sizes[0], "instance_fields_size", sizes[1],
                        "direct_methods_size", sizes[2], "virtual_methods_size", sizes[3]));
                for (int kind = 0; kind < 4; kind++) {
                    long prev = 0;
                    for (long j = 0; j < sizes[kind] && members > 0; j++) {
                        long[] r = kind < 2 ? field(pos, prev, kind == 0) : method(pos, prev, kind == 2);
                        if (r == null) break;
                        members--;
                        pos += r[0];
                        prev = r[1];
                    }
                }
            }
            return true;
        }

        /** Value of table[idx].field, or null when idx is undefined, out of range or beyond yara's index limit. */
        Object get(List<Object> table, Object idx, String field) {
            if (!(idx instanceof Long i) || i < 0 || i > MAX_INDEX || i >= table.size()) return null;
            return ((Map<?, ?>) table.get((int) (long) i)).get(field);
        }

        Object string(Object idx) {
            return get(strings, idx, "value");
        }

        /** Reads one encoded_field; returns {bytes consumed, new field index} or null to stop. */
        long[] field(long pos, long prev, boolean isStatic) {
            if (!in.has(pos, 8)) return null;
            long[] diff = uleb(pos), flags = diff == null ? null : uleb(pos + diff[1]);
            if (flags == null) return null;
            Map<String, Object> f = new HashMap<>();
            fields.add(f);
            f.put("field_idx_diff", diff[0]);
            f.put("access_flags", flags[0]);
            f.put("static", isStatic ? 1L : 0L);
            f.put("instance", isStatic ? 0L : 1L);
            long idx = (prev + diff[0]) & 0xFFFFFFFFL;
            Object nameIdx = get(fieldIds, idx, "name_idx");
            if (nameIdx == null) return null;
            put(f, "name", string(nameIdx));
            put(f, "class_name", string(get(types, get(fieldIds, idx, "class_idx"), "descriptor_idx")));
            put(f, "proto", string(get(types, get(fieldIds, idx, "type_idx"), "descriptor_idx")));
            return new long[] {diff[1] + flags[1], idx};
        }

        /** Reads one encoded_method; returns {bytes consumed, new method index} or null to stop. */
        long[] method(long pos, long prev, boolean direct) {
            if (!in.has(pos, 12)) return null;
            long[] diff = uleb(pos), flags = diff == null ? null : uleb(pos + diff[1]);
            long[] code = flags == null ? null : uleb(pos + diff[1] + flags[1]);
            if (code == null) return null;
            Map<String, Object> f = new HashMap<>();
            methods.add(f);
            f.put("method_idx_diff", diff[0]);
            f.put("access_flags", flags[0]);
            f.put("code_off", code[0]);
            f.put("direct", direct ? 1L : 0L);
            f.put("virtual", direct ? 0L : 1L);
            long idx = (prev + diff[0]) & 0xFFFFFFFFL;
            Object nameIdx = get(methodIds, idx, "name_idx");
            if (nameIdx == null) return null;
            put(f, "name", string(nameIdx));
            put(f, "class_name", string(get(types, get(methodIds, idx, "class_idx"), "descriptor_idx")));
            put(f, "proto", string(get(protos, get(methodIds, idx, "proto_idx"), "shorty_idx")));
            long c = code[0];
            if (c != 0 && in.has(c, 16)) {
                Map<String, Object> ci = new HashMap<>();
                ci.put("registers_size", (long) Bytes.u16(in, c));
                ci.put("ins_size", (long) Bytes.u16(in, c + 2));
                ci.put("outs_size", (long) Bytes.u16(in, c + 4));
                ci.put("tries_size", (long) Bytes.u16(in, c + 6));
                ci.put("debug_info_off", Bytes.u32(in, c + 8));
                long insns = Bytes.u32(in, c + 12);
                ci.put("insns_size", insns);
                if (in.has(c + 16, insns * 2)) ci.put("insns", Bytes.slice(in, c + 16, insns * 2));
                f.put("code_item", ci);
            }
            return new long[] {diff[1] + flags[1] + code[1], idx};
        }

        static void put(Map<String, Object> m, String k, Object v) {
            if (v != null) m.put(k, v);
        }

        /** Unsigned LEB128 of at most 5 bytes as yara reads it: {value (32-bit), length}; null at the end of data. */
        long[] uleb(long pos) {
            long result = 0;
            for (int i = 0; i < 5; i++) {
                int b = Bytes.u8(in, pos + i);
                if (b < 0) return null;
                result |= (long) (i < 4 ? b & 0x7F : b) << (7 * i);
                if (b < 0x80 || i == 4) return new long[] {result & 0xFFFFFFFFL, i + 1};
            }
            return null;
        }
    }

    private static boolean same(Object pattern, Object value) {
        if (!(value instanceof byte[] v)) return false;
        if (pattern instanceof Regex re) return re.find(v, re.program().newScratch());
        return pattern instanceof byte[] p && Arrays.equals(cstr(p), cstr(v));
    }

    /** yara compares these names as C strings: up to the first NUL. */
    private static byte[] cstr(byte[] s) {
        for (int i = 0; i < s.length; i++) if (s[i] == 0) return Arrays.copyOf(s, i);
        return s;
    }

    private static Object hasMethod(Map<String, Object> m, Object[] a) {
        if (!(m.get("method") instanceof List<?> methods) || a.length < 1 || a.length > 2) return null;
        for (Object o : methods) {
            Map<?, ?> f = (Map<?, ?>) o;
            if (a.length == 1 ? same(a[0], f.get("name")) : same(a[0], f.get("class_name")) && same(a[1], f.get("name"))) return 1L;
        }
        return 0L;
    }

    private static Object hasClass(Map<String, Object> m, Object[] a) {
        if (!(m.get("method") instanceof List<?> methods) || a.length != 1) return null;
        for (Object o : methods) {
            if (same(a[0], ((Map<?, ?>) o).get("class_name"))) return 1L;
        }
        return 0L;
    }
}
