package dev.bulwark.engine.signatures.yara.modules;

import static dev.bulwark.engine.signatures.yara.modules.DotnetMetadata.RESOLUTION_SCOPE;
import static dev.bulwark.engine.signatures.yara.modules.DotnetMetadata.TYPE_DEF_OR_REF;
import static dev.bulwark.engine.signatures.yara.modules.DotnetMetadata.TYPE_OR_METHOD_DEF;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dotnet.classes} (YARA 4.3+): every type the assembly defines, with its base types, generic parameters
 * and methods (visibility, flags, return and parameter types from the method signature). Follows YARA 4.5's
 * rules, quirks included: names are cut at the first backquote ({@code List`1} is {@code List}); a nested
 * type's namespace is its enclosing type's full name; a TypeRef is named by its own namespace and name only; a
 * method whose signature cannot be decoded is left out; constructors have no return type.
 */
final class DotnetClasses implements DotnetSignature.Resolver {
    private static final int MAX_METHODS_PER_TYPE = 20_000; // yara's MAX_METHOD_COUNT: a type claiming more has none
    private static final int MAX_NAMESPACE_DEPTH = 10; // yara's MAX_NAMESPACE_DEPTH: enclosing types named
    // Types, interfaces and generic parameters are bounded by their tables (at most 15,000 rows each, the walk's
    // limit). In a well-formed assembly each MethodDef row also belongs to one type; a hostile one can make every
    // type claim the whole table, so the method and parameter entries reported and the rows visited are bounded.
    private static final int MAX_METHOD_ENTRIES = 30_000;
    private static final int MAX_PARAMETER_ENTRIES = 100_000;
    private static final int MAX_METHOD_ROWS_VISITED = 1_000_000;
    private static final int VISIBILITY_MASK = 0x7, INTERFACE = 0x20, ABSTRACT = 0x80, SEALED = 0x100; // TypeAttributes
    private static final int M_STATIC = 0x10, M_FINAL = 0x20, M_VIRTUAL = 0x40, M_ABSTRACT = 0x400; // MethodAttributes
    private static final int SIG_GENERIC = 0x10; // calling convention flag: a generic parameter count follows
    private static final String[] TYPE_VISIBILITY = {"internal", "public", "public", "private", "protected", "internal",
        "private protected", "protected internal"};
    private static final String[] METHOD_VISIBILITY = {"private", "private", "private protected", "internal", "protected",
        "protected internal", "public", "private"};

    /** One metadata table: where its first row is, its row count and row size. */
    record Table(long at, long rows, int size) {
        static final Table NONE = new Table(-1, 0, 0);

        /** Offset of 1-based row {@code index}, or -1 when the table has no such row. */
        long row(long index) {
            return index < 1 || index > rows ? -1 : at + size * (index - 1);
        }
    }

    private final DotnetModule.Reader r;
    private final ScanInput in;
    private final DotnetMetadata.Sizes z;
    private final Table typeDef, typeRef, typeSpec, methodDef, param;
    private final Map<Long, List<String>> generic = new HashMap<>(); // owner (index << 1 | isMethod) -> names
    private final Map<Long, List<Long>> interfaces = new HashMap<>(); // TypeDef index -> InterfaceImpl targets
    private final Map<Long, Long> enclosing = new HashMap<>(); // nested TypeDef index -> its first enclosing type
    private final Map<Long, String> names = new HashMap<>(); // #Strings index -> string (names repeat a lot)
    private final Map<Long, String> typeNames = new HashMap<>(); // TypeDef/TypeRef coded index -> full name
    private final DotnetSignature sig = new DotnetSignature(this);
    private int methodEntries, parameterEntries, methodRowsVisited;

    DotnetClasses(DotnetModule.Reader r, DotnetMetadata.Sizes z, Table[] tables) {
        this.r = r;
        this.in = r.in;
        this.z = z;
        typeDef = tables[0x02];
        typeRef = tables[0x01];
        typeSpec = tables[0x1B];
        methodDef = tables[0x06];
        param = tables[0x08];
        indexGenericParams(tables[0x2A]);
        indexInterfaces(tables[0x09]);
        indexNested(tables[0x29]);
    }

    private long idx(long p, int width) {
        return width == 2 ? Bytes.u16(in, p) : Bytes.u32(in, p);
    }

    private String str(long index) {
        if (names.containsKey(index)) return names.get(index);
        byte[] s = r.string(index);
        String v = s == null ? null : new String(s, StandardCharsets.ISO_8859_1);
        names.put(index, v);
        return v;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** yara's create_full_name: {@code namespace.name} cut at the first backquote; either part may be missing. */
    static String fullName(String name, String namespace) {
        if (name == null || name.isEmpty()) return namespace;
        String s = namespace == null || namespace.isEmpty() ? name : namespace + "." + name;
        int tick = s.indexOf('`');
        return tick < 0 ? s : s.substring(0, tick);
    }

    private static boolean nested(long flags) {
        return (flags & VISIBILITY_MASK) >= 2;
    }

    /** GenericParam rows by owner, in table order; an owner with an unnamed parameter has none (as yara). */
    private void indexGenericParams(Table t) {
        int owner = z.coded(TYPE_OR_METHOD_DEF);
        java.util.Set<Long> broken = new java.util.HashSet<>();
        for (long i = 1; i <= t.rows; i++) {
            long p = t.row(i);
            if (!in.has(p, t.size)) continue;
            long key = idx(p + 4, owner); // TypeOrMethodDef: index << 1 | 1 for a method
            if (broken.contains(key)) continue;
            String name = str(idx(p + 4 + owner, z.string()));
            if (name == null || name.isEmpty()) {
                broken.add(key);
                generic.remove(key);
            } else generic.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
        }
        generic.replaceAll((k, v) -> List.copyOf(v)); // shared by every method entry of the owner
    }

    private List<String> genericParams(long index, boolean method) {
        return generic.getOrDefault(index << 1 | (method ? 1 : 0), List.of());
    }

    private void indexInterfaces(Table t) {
        int cls = z.table(0x02), iface = z.coded(TYPE_DEF_OR_REF);
        for (long i = 1; i <= t.rows; i++) {
            long p = t.row(i);
            if (in.has(p, t.size)) interfaces.computeIfAbsent(idx(p, cls), k -> new ArrayList<>()).add(idx(p + cls, iface));
        }
    }

    private void indexNested(Table t) {
        int w = z.table(0x02);
        for (long i = 1; i <= t.rows; i++) {
            long p = t.row(i);
            if (in.has(p, t.size)) enclosing.putIfAbsent(idx(p, w), idx(p + w, w));
        }
    }

    /** Full name of the type enclosing TypeDef {@code nestedIndex}, or null (none, {@code <Module>}, too deep). */
    private String enclosingName(long nestedIndex, int depth) {
        if (depth > MAX_NAMESPACE_DEPTH) return null;
        Long outer = enclosing.get(nestedIndex);
        if (outer == null) return null;
        long p = typeDef.row(outer);
        if (p < 0 || !in.has(p, typeDef.size)) return null;
        String name = str(idx(p + 4, z.string())), namespace = str(idx(p + 4 + z.string(), z.string()));
        if ("<Module>".equals(name)) return null;
        if (nested(Bytes.u32(in, p)) && outer != nestedIndex) {
            return fullName(name, fullName(namespace, enclosingName(outer, depth + 1)));
        }
        return fullName(name, namespace);
    }

    @Override
    public String typeDefOrRef(long coded, List<String> classGeneric, int depth) {
        if ((coded & 3) == 2) return typeSpec(coded >>> 2, classGeneric, depth); // depends on the generic context
        if (typeNames.containsKey(coded)) return typeNames.get(coded);
        String name = typeDefOrRef(coded);
        typeNames.put(coded, name);
        return name;
    }

    private String typeDefOrRef(long coded) {
        long index = coded >>> 2;
        if (index == 0) return null;
        switch ((int) (coded & 3)) {
            case 0 -> {
                long p = typeDef.row(index);
                if (p < 0 || !in.has(p, typeDef.size)) return null;
                String name = str(idx(p + 4, z.string())), namespace = str(idx(p + 4 + z.string(), z.string()));
                if (nested(Bytes.u32(in, p))) return fullName(name, fullName(namespace, enclosingName(index, 1)));
                return fullName(name, namespace);
            }
            case 1 -> {
                long p = typeRef.row(index);
                if (p < 0 || !in.has(p, typeRef.size)) return null;
                int scope = z.coded(RESOLUTION_SCOPE);
                return fullName(str(idx(p + scope, z.string())), str(idx(p + scope + z.string(), z.string())));
            }
            default -> {
                return null;
            }
        }
    }

    private String typeSpec(long index, List<String> classGeneric, int depth) {
        long p = typeSpec.row(index);
        if (index == 0 || p < 0 || !in.has(p, typeSpec.size)) return null;
        long blob = idx(p, z.blob());
        if (blob >= r.blobSize) return null;
        long[] b = r.blobEntry(r.blob + blob);
        if (b == null) return null;
        return sig.type(new DotnetSignature.Cursor(in, r.blob + blob + b[0], b[1]), classGeneric, null, depth);
    }

    void read(Map<String, Object> m) {
        List<Object> classes = new ArrayList<>();
        int s = z.string();
        for (long i = 1; i <= typeDef.rows; i++) {
            long p = typeDef.row(i);
            if (!in.has(p, typeDef.size)) continue;
            long flags = Bytes.u32(in, p);
            String name = str(idx(p + 4, s));
            if (name == null || name.isEmpty() || name.startsWith("`") || name.equals("<Module>")) continue;
            Map<String, Object> c = new HashMap<>();
            int tick = name.indexOf('`');
            c.put("name", bytes(tick < 0 ? name : name.substring(0, tick)));
            String namespace = str(idx(p + 4 + s, s));
            if (nested(flags)) namespace = fullName(namespace, enclosingName(i, 1));
            if (namespace != null) c.put("namespace", bytes(namespace));
            c.put("fullname", bytes(fullName(name, namespace)));
            c.put("visibility", bytes(TYPE_VISIBILITY[(int) (flags & VISIBILITY_MASK)]));
            c.put("type", bytes((flags & INTERFACE) != 0 ? "interface" : "class"));
            c.put("abstract", (flags & ABSTRACT) != 0 ? 1L : 0L);
            c.put("sealed", (flags & SEALED) != 0 ? 1L : 0L);
            List<String> gen = genericParams(i, false);
            c.put("number_of_generic_parameters", (long) gen.size());
            c.put("generic_parameters", strings(gen));
            int extendsW = z.coded(TYPE_DEF_OR_REF);
            List<Object> bases = new ArrayList<>();
            addBase(bases, typeDefOrRef(idx(p + 4 + 2L * s, extendsW), gen, 0));
            for (long iface : interfaces.getOrDefault(i, List.of())) addBase(bases, typeDefOrRef(iface, gen, 0));
            c.put("base_types", bases);
            c.put("number_of_base_types", (long) bases.size());
            long methodList = idx(p + 4 + 2L * s + extendsW + z.table(0x04), z.table(0x06));
            long count = 0;
            if (i < typeDef.rows) {
                long q = typeDef.row(i + 1);
                long next = in.has(q, typeDef.size) ? idx(q + 4 + 2L * s + extendsW + z.table(0x04), z.table(0x06)) : -1;
                if (next >= methodList) count = next - methodList;
            } else if (methodDef.rows >= methodList) count = methodDef.rows + 1 - methodList;
            if (count <= MAX_METHODS_PER_TYPE && methodList != 0) methods(c, methodList, count, gen);
            classes.add(c);
        }
        m.put("classes", classes);
        m.put("number_of_classes", (long) classes.size());
    }

    private static void addBase(List<Object> bases, String name) {
        if (name != null) bases.add(bytes(name));
    }

    private static List<Object> strings(List<String> names) {
        List<Object> out = new ArrayList<>(names.size());
        for (String n : names) out.add(bytes(n));
        return out;
    }

    private void methods(Map<String, Object> c, long methodList, long count, List<String> classGeneric) {
        List<Object> out = new ArrayList<>();
        for (long k = 0; k < count; k++) {
            long p = methodDef.row(methodList + k);
            if (p < 0 || methodEntries >= MAX_METHOD_ENTRIES || methodRowsVisited++ >= MAX_METHOD_ROWS_VISITED) break;
            Map<String, Object> method = in.has(p, methodDef.size) ? method(p, methodList + k, classGeneric) : null;
            if (method != null) {
                out.add(method);
                methodEntries++;
            }
        }
        c.put("methods", out);
        c.put("number_of_methods", (long) out.size());
    }

    /** One MethodDef row as yara reports it, or null when yara leaves it out. */
    private Map<String, Object> method(long p, long index, List<String> classGeneric) {
        int s = z.string();
        long flags = Bytes.u16(in, p + 6), blob = idx(p + 8 + s, z.blob());
        long paramList = idx(p + 8 + s + z.blob(), z.table(0x08));
        String name = str(idx(p + 8, s));
        if (blob >= r.blobSize || name == null || name.isEmpty()) return null;
        List<String> gen = genericParams(index, true);
        long[] b = r.blobEntry(r.blob + blob);
        if (b == null || b[1] < 3) return null;
        DotnetSignature.Cursor cur = new DotnetSignature.Cursor(in, r.blob + blob + b[0], b[1]);
        int callingConvention = in.u8(cur.pos);
        cur.pos++;
        cur.left--;
        if ((callingConvention & SIG_GENERIC) != 0) DotnetSignature.unsigned(cur); // count: the table has the names
        long paramCount = DotnetSignature.unsigned(cur);
        String ret = sig.type(cur, classGeneric, gen, 0);
        if (ret == null || paramCount > DotnetSignature.MAX_PARAMS) return null;
        Map<String, Object> m = new HashMap<>();
        if (paramList != 0) {
            if (parameterEntries + paramCount > MAX_PARAMETER_ENTRIES) return null;
            List<Object> params = new ArrayList<>();
            for (int k = 0; k < paramCount; k++) {
                Map<String, Object> prm = new HashMap<>();
                long q = param.row(paramList + k);
                if (q >= 0) {
                    if (!in.has(q, param.size)) return null;
                    String n = str(idx(q + 4, s));
                    if (n != null) prm.put("name", bytes(n));
                } else prm.put("name", bytes("P_" + k)); // no Param row: yara names it by position
                String type = sig.type(cur, classGeneric, gen, 0);
                if (type == null) return null;
                prm.put("type", bytes(type));
                params.add(prm);
            }
            parameterEntries += params.size();
            m.put("parameters", params);
            m.put("number_of_parameters", paramCount);
        }
        m.put("name", bytes(name));
        m.put("visibility", bytes(METHOD_VISIBILITY[(int) (flags & 7)]));
        m.put("static", (flags & M_STATIC) != 0 ? 1L : 0L);
        m.put("virtual", (flags & M_VIRTUAL) != 0 ? 1L : 0L);
        m.put("final", (flags & M_FINAL) != 0 ? 1L : 0L);
        m.put("abstract", (flags & M_ABSTRACT) != 0 ? 1L : 0L);
        m.put("number_of_generic_parameters", (long) gen.size());
        m.put("generic_parameters", strings(gen));
        if (!name.equals(".ctor") && !name.equals(".cctor")) m.put("return_type", bytes(ret));
        return m;
    }
}
