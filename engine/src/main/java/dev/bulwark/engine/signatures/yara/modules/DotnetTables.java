package dev.bulwark.engine.signatures.yara.modules;

import static dev.bulwark.engine.signatures.yara.modules.DotnetMetadata.CUSTOM_ATTRIBUTE_TYPE;
import static dev.bulwark.engine.signatures.yara.modules.DotnetMetadata.HAS_CONSTANT;
import static dev.bulwark.engine.signatures.yara.modules.DotnetMetadata.HAS_CUSTOM_ATTRIBUTE;
import static dev.bulwark.engine.signatures.yara.modules.DotnetMetadata.RESOURCE_IMPLEMENTATION;
import static dev.bulwark.engine.signatures.yara.modules.DotnetMetadata.MEMBER_REF_PARENT;
import static dev.bulwark.engine.signatures.yara.modules.DotnetMetadata.RESOLUTION_SCOPE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The #~ (or #-) stream of a .NET assembly: walks the metadata tables and fills the dotnet module's fields. */
final class DotnetTables {
    private static final int TILDE_HEADER = 24; // reserved, versions, heap sizes, reserved, valid and sorted masks
    private static final int MAX_ROWS = 15_000; // yara stops reading the tables at one with more rows
    private static final int HEAP_EXTRA_DATA = 0x40;
    private static final int ELEMENT_TYPE_STRING = 0x0e;
    private static final int TAG_ASSEMBLY = 0x0E, TAG_MEMBER_REF = 3, TAG_TYPE_REF = 1; // coded-index tags used for typelib

    private final DotnetModule.Reader r;
    private final ScanInput in;
    private final Map<String, Object> m;
    private DotnetMetadata.Sizes z;
    private long typeRef = -1, typeRefSize, memberRef = -1, memberRefSize;

    DotnetTables(DotnetModule.Reader r) {
        this.r = r;
        this.in = r.in;
        this.m = r.m;
    }

    private long idx(long p, int width) {
        return width == 2 ? Bytes.u16(in, p) : Bytes.u32(in, p);
    }

    void read() {
        long h = r.tilde, end = r.tilde + r.tildeSize;
        if (!in.has(h, TILDE_HEADER)) return;
        int heaps = in.u8(h + 6);
        long valid = Bytes.u64(in, h + 8);
        int count = Long.bitCount(valid);
        if (!in.has(h + TILDE_HEADER, 4L * count)) return;
        long[] rows = new long[DotnetMetadata.TABLES];
        for (int bit = 0, k = 0; bit < 64; bit++) {
            if ((valid >>> bit & 1) == 0) continue;
            if (h + TILDE_HEADER + 4L * (k + 1) <= end) rows[bit] = Bytes.u32(in, h + TILDE_HEADER + 4L * k);
            k++;
        }
        z = new DotnetMetadata.Sizes((heaps & 1) != 0 ? 4 : 2, (heaps & 2) != 0 ? 4 : 2, (heaps & 4) != 0 ? 4 : 2, rows);
        long p = h + TILDE_HEADER + 4L * count + ((heaps & HEAP_EXTRA_DATA) != 0 ? 4 : 0);
        DotnetClasses.Table[] tables = new DotnetClasses.Table[DotnetMetadata.TABLES];
        java.util.Arrays.fill(tables, DotnetClasses.Table.NONE);
        for (int bit = 0, k = 0; bit < 64; bit++) {
            if ((valid >>> bit & 1) == 0) continue;
            long rowsAt = h + TILDE_HEADER + 4L * k++;
            if (!in.has(rowsAt, 4) || rowsAt + 4 > end) return;
            long n = Bytes.u32(in, rowsAt);
            if (n > MAX_ROWS) return;
            int size = DotnetMetadata.rowSize(bit, z);
            if (size < 0) return; // a table we cannot size: the rest cannot be located
            tables[bit] = new DotnetClasses.Table(p, n, size);
            table(bit, p, (int) n, size);
            p += size * n;
        }
        // like yara, types are reported only when every table could be walked
        new DotnetClasses(r, z, tables).read(m);
    }

    private void table(int t, long p, int n, int size) {
        switch (t) {
            case 0x00 -> {
                if (in.has(p, size)) put("module_name", r.string(idx(p + 2, z.string())));
            }
            case 0x01 -> {
                typeRef = p;
                typeRefSize = size;
            }
            case 0x0A -> {
                memberRef = p;
                memberRefSize = size;
            }
            case 0x0B -> constants(p, n, size);
            case 0x0C -> typelib(p, n, size);
            case 0x1A -> {
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < n && in.has(p + (long) size * i, size); i++) {
                    byte[] s = r.string(idx(p + (long) size * i, z.string()));
                    if (s != null) out.add(s);
                }
                m.put("modulerefs", out);
                m.put("number_of_modulerefs", (long) out.size());
            }
            case 0x1D -> {
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < n && in.has(p + (long) size * i, size); i++) {
                    long off = r.pe.rvaToOffset(Bytes.u32(in, p + (long) size * i));
                    if (off >= 0) out.add(off);
                }
                m.put("field_offsets", out);
                m.put("number_of_field_offsets", (long) out.size());
            }
            case 0x20 -> {
                if (!in.has(p, size)) return;
                Map<String, Object> a = new HashMap<>();
                a.put("version", version(p + 4));
                long names = p + 16 + z.blob();
                put(a, "name", r.string(idx(names, z.string())));
                byte[] culture = r.string(idx(names + z.string(), z.string()));
                if (culture != null && culture.length > 0) a.put("culture", culture);
                m.put("assembly", a);
            }
            case 0x23 -> assemblyRefs(p, n, size);
            case 0x28 -> resources(p, n, size);
            default -> { }
        }
    }

    private void put(Map<String, Object> map, String key, Object v) {
        if (v != null) map.put(key, v);
    }

    private void put(String key, Object v) {
        put(m, key, v);
    }

    private Map<String, Object> version(long p) {
        return Map.of("major", (long) Bytes.u16(in, p), "minor", (long) Bytes.u16(in, p + 2),
                "build_number", (long) Bytes.u16(in, p + 4), "revision_number", (long) Bytes.u16(in, p + 6));
    }

    private void constants(long p, int n, int size) {
        List<Object> out = new ArrayList<>();
        int parent = z.coded(HAS_CONSTANT);
        for (int i = 0; i < n; i++, p += size) {
            if (!in.has(p, size)) break;
            if (in.u8(p) != ELEMENT_TYPE_STRING) continue;
            long at = r.blob + idx(p + 2 + parent, z.blob());
            long[] b = r.blobEntry(at);
            if (b == null || at + b[0] + b[1] >= in.len()) continue;
            out.add(Bytes.slice(in, at + b[0], b[1]));
        }
        m.put("constants", out);
        m.put("number_of_constants", (long) out.size());
    }

    /** The GuidAttribute on the assembly: its string argument is the type library id. */
    private void typelib(long p, int n, int size) {
        if (typeRef < 0 || memberRef < 0) return;
        int parentW = z.coded(HAS_CUSTOM_ATTRIBUTE), typeW = z.coded(CUSTOM_ATTRIBUTE_TYPE);
        for (int i = 0; i < n; i++, p += size) {
            if (!in.has(p, size)) break;
            if ((idx(p, parentW) & 0x1F) != TAG_ASSEMBLY) continue;
            long type = idx(p + parentW, typeW);
            if ((type & 7) != TAG_MEMBER_REF) continue;
            long mrow = memberRef + memberRefSize * Math.max(0, (type >> 3) - 1);
            if (!in.has(mrow, memberRefSize)) break;
            long cls = idx(mrow, z.coded(MEMBER_REF_PARENT));
            if ((cls & 7) != TAG_TYPE_REF) continue;
            long trow = typeRef + typeRefSize * Math.max(0, (cls >> 3) - 1);
            if (!in.has(trow, typeRefSize)) break;
            byte[] name = r.string(idx(trow + z.coded(RESOLUTION_SCOPE), z.string()));
            if (name != null && !new String(name, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("GuidAttribute")) continue;
            long bi = idx(p + parentW + typeW, z.blob()), at = r.blob + bi;
            if (bi == 0 || at >= in.len()) continue;
            long[] b = r.blobEntry(at);
            if (b == null) continue;
            long v = at + b[0];
            if (b[1] < 3 || v + b[1] >= in.len() || Bytes.u16(in, v) != 1) continue; // prolog 0x0001
            int len = in.u8(v + 2);
            long s = v + 3;
            if (s + len > in.len()) continue;
            int first = Bytes.u8(in, s);
            byte[] value = first == 0xFF || first <= 0 ? new byte[0] : Bytes.cstr(in, s, len);
            m.put("typelib", value == null ? new byte[0] : value);
        }
    }

    private void assemblyRefs(long p, int n, int size) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (; i < n; i++, p += size) {
            if (!in.has(p, size)) break;
            Map<String, Object> a = new HashMap<>();
            out.add(a);
            a.put("version", version(p));
            byte[] key = r.blob(idx(p + 12, z.blob()));
            if (key == null) continue;
            if (key.length > 0) a.put("public_key_or_token", key);
            put(a, "name", r.string(idx(p + 12 + z.blob(), z.string())));
        }
        m.put("assembly_refs", out);
        m.put("number_of_assembly_refs", (long) i);
    }

    private void resources(long p, int n, int size) {
        long base = r.pe.rvaToOffset(Bytes.u32(in, r.cli + 24));
        int implW = z.coded(RESOURCE_IMPLEMENTATION);
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (; i < n; i++, p += size) {
            if (!in.has(p, size)) break;
            Map<String, Object> res = new HashMap<>();
            out.add(res);
            put(res, "name", r.string(idx(p + 8, z.string())));
            if (idx(p + 8 + z.string(), implW) != 0 || base < 0) continue;
            long at = base + Bytes.u32(in, p);
            if (!in.has(at, 4)) continue;
            res.put("offset", at + 4);
            res.put("length", Bytes.u32(in, at));
        }
        m.put("resources", out);
        m.put("number_of_resources", (long) i);
    }
}
