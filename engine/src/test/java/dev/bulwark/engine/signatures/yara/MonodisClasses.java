package dev.bulwark.engine.signatures.yara;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An independent oracle for {@code dotnet.classes}: runs {@code monodis} (Mono's disassembler) on an assembly and
 * turns its ILAsm text into the values YARA 4.5 reports, flattened to {@code fullname|field -> value}. The ILAsm
 * rendering of types ({@code class [mscorlib]System.Collections.Generic.List`1<int32>}, {@code int32&},
 * {@code !!T}) is parsed and re-spelt in YARA's form ({@code System.Collections.Generic.List<int>},
 * {@code ref int}, {@code T}), so neither our metadata reader nor our signature decoder is involved.
 * YARA's naming rules the translation applies: a generic arity suffix is dropped, a nested type defined in
 * the assembly is named through its enclosing types, one from another assembly (a TypeRef) by its own name only.
 */
final class MonodisClasses {
    private MonodisClasses() {}

    static final Path MONODIS = Path.of("/usr/bin/monodis");

    static String disassemble(Path assembly) throws Exception {
        Process p = new ProcessBuilder(MONODIS.toString(), assembly.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String run(String option, Path assembly) throws Exception {
        Process p = new ProcessBuilder(MONODIS.toString(), option, assembly.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        return new String(out, StandardCharsets.UTF_8);
    }

    /**
     * The classes of {@code assembly} as monodis shows them. Parameter names follow YARA's rule, from monodis'
     * TypeDef, MethodDef and Param table dumps: YARA takes the Param rows from the method's ParamList on, one per
     * signature parameter, whatever their sequence numbers (so a row for the return value, which P/Invoke
     * declarations with {@code [return: MarshalAs]} have, shifts the names), and names a parameter past the end
     * of the table {@code P_<i>}.
     */
    static Map<String, Object> expected(Path assembly) throws Exception {
        List<Map<String, Object>> classes = classes(disassemble(assembly));
        java.util.regex.Matcher m;
        List<String[]> typeDefs = new ArrayList<>(); // {YARA full name, first method}
        for (String l : run("--typedef", assembly).split("\n")) {
            m = java.util.regex.Pattern.compile("^\\d+: (.*) \\(flist=\\d+, mlist=(\\d+), flags=.*\\)$").matcher(l);
            if (m.matches()) {
                List<String> parts = new ArrayList<>();
                for (String part : m.group(1).split("/")) parts.add(strip(part));
                typeDefs.add(new String[] {String.join(".", parts), m.group(2)});
            }
        }
        Map<Integer, Integer> paramList = new TreeMap<>(); // MethodDef row -> first Param row
        for (String l : run("--method", assembly).split("\n")) {
            m = java.util.regex.Pattern.compile("^(\\d+): .*\\(param: (\\d+) impl_flags:.*$").matcher(l);
            if (m.matches()) paramList.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        List<String> params = new ArrayList<>(); // Param row i + 1 -> name
        for (String l : run("--param", assembly).split("\n")) {
            m = java.util.regex.Pattern.compile("^\\d+: 0x[0-9a-f]+ \\d+ ?(.*)$").matcher(l);
            if (m.matches()) params.add(m.group(1));
        }
        Map<String, java.util.ArrayDeque<Integer>> firstMethod = new TreeMap<>(); // same-named types in table order
        for (String[] t : typeDefs) firstMethod.computeIfAbsent(t[0], k -> new java.util.ArrayDeque<>()).add(Integer.parseInt(t[1]));
        for (Map<String, Object> c : classes) {
            java.util.ArrayDeque<Integer> q = firstMethod.get((String) c.get("fullname"));
            Integer first = q == null ? null : q.poll();
            if (first == null) continue;
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> methods = (List<Map<String, Object>>) (List<?>) c.get("methods");
            for (int k = 0; k < methods.size(); k++) {
                Integer start = paramList.get(first + k);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> ps = (List<Map<String, Object>>) (List<?>) methods.get(k).get("parameters");
                for (int i = 0; start != null && i < ps.size(); i++) {
                    int row = start + i;
                    ps.get(i).put("name", row <= params.size() ? params.get(row - 1) : "P_" + i);
                }
            }
        }
        return flat(classes);
    }

    /** The classes monodis shows in {@code il}, flattened as in {@link #flatten}. */
    static Map<String, Object> expected(String il) {
        return flat(classes(il));
    }

    private static Map<String, Object> flat(List<Map<String, Object>> classes) {
        Map<String, Object> out = new TreeMap<>();
        flatten(classes, out);
        return out;
    }

    private static List<Map<String, Object>> classes(String il) {
        List<Map<String, Object>> classes = new ArrayList<>();
        List<Map<String, Object>> open = new ArrayList<>(); // enclosing classes of the current line
        String namespace = "";
        String[] lines = il.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith(".namespace ")) namespace = line.substring(11).strip();
            else if (lines[i].equals("}") && open.isEmpty()) namespace = "";
            else if (line.startsWith(".class ") && !line.startsWith(".class extern ")) { // not a type forwarder
                StringBuilder header = new StringBuilder(line);
                while (!header.toString().contains("{") && i + 1 < lines.length) header.append(' ').append(lines[++i].strip());
                Map<String, Object> c = classHeader(header.substring(0, header.indexOf("{")).strip(), namespace,
                        open.isEmpty() ? null : open.get(open.size() - 1));
                classes.add(c);
                open.add(c);
            } else if (line.startsWith("} // end of class")) open.remove(open.size() - 1);
            else if (line.startsWith(".method ")) {
                StringBuilder header = new StringBuilder(line);
                while (!header.toString().matches("(?s).*\\)\\s+(cil|runtime|native)?\\s*managed.*") && i + 1 < lines.length) {
                    header.append(' ').append(lines[++i].strip());
                }
                Map<String, Object> owner = open.get(open.size() - 1);
                @SuppressWarnings("unchecked")
                List<Object> methods = (List<Object>) owner.get("methods");
                @SuppressWarnings("unchecked")
                List<String> classGeneric = (List<String>) owner.get("generic_parameters");
                methods.add(method(header.toString(), classGeneric));
            }
        }
        for (Map<String, Object> c : classes) {
            @SuppressWarnings("unchecked")
            List<Object> methods = (List<Object>) c.get("methods");
            c.put("number_of_methods", (long) methods.size());
        }
        return classes;
    }

    /** Flattens a classes list (ours or expected) to {@code fullname|path -> value}; duplicate names get #n. */
    static void flatten(List<?> classes, Map<String, Object> out) {
        Map<String, Integer> seen = new TreeMap<>();
        for (Object o : classes) {
            Map<?, ?> c = (Map<?, ?>) o;
            String name = text(c.get("fullname"));
            int n = seen.merge(name, 1, Integer::sum);
            flat(n == 1 ? name + "|" : name + "#" + n + "|", c, out);
        }
    }

    private static void flat(String path, Object v, Map<String, Object> out) {
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) flat(path + (path.endsWith("|") ? "" : ".") + e.getKey(), e.getValue(), out);
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) flat(path + "[" + i + "]", l.get(i), out);
        } else if (v != null) out.put(path, v instanceof byte[] || v instanceof String ? text(v) : v);
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static String strip(String name) {
        int tick = name.indexOf('`');
        return tick < 0 ? name : name.substring(0, tick);
    }

    private static Map<String, Object> classHeader(String h, String namespace, Map<String, Object> outer) {
        String body = h.substring(".class ".length());
        List<String> bases = new ArrayList<>();
        int ext = topLevel(body, " extends ");
        int imp = topLevel(body, " implements ");
        String head = body.substring(0, ext >= 0 ? ext : imp >= 0 ? imp : body.length()).strip();
        List<String> generic = new ArrayList<>();
        if (head.endsWith(">")) {
            int lt = matching(head);
            generic = genericNames(head.substring(lt + 1, head.length() - 1));
            head = head.substring(0, lt);
        }
        if (ext >= 0) bases.add(type(body.substring(ext + 9, imp >= 0 ? imp : body.length()).strip(), generic, List.of()));
        if (imp >= 0) for (String t : split(body.substring(imp + 12).strip(), ',')) bases.add(type(t.strip(), generic, List.of()));
        String rawName = unquote(head.substring(head.lastIndexOf(' ') + 1));
        List<String> words = List.of(head.split("\\s+"));
        Map<String, Object> c = new TreeMap<>();
        String ns = outer != null ? (String) outer.get("fullname") : namespace;
        c.put("name", strip(rawName));
        c.put("namespace", ns);
        c.put("fullname", strip(ns.isEmpty() ? rawName : ns + "." + rawName));
        c.put("visibility", typeVisibility(words));
        c.put("type", words.contains("interface") ? "interface" : "class");
        c.put("abstract", words.contains("abstract") ? 1L : 0L);
        c.put("sealed", words.contains("sealed") ? 1L : 0L);
        c.put("generic_parameters", generic);
        c.put("number_of_generic_parameters", (long) generic.size());
        c.put("base_types", bases);
        c.put("number_of_base_types", (long) bases.size());
        c.put("methods", new ArrayList<>());
        return c;
    }

    private static String typeVisibility(List<String> w) {
        if (!w.contains("nested")) return w.contains("public") ? "public" : "internal";
        String v = w.get(w.indexOf("nested") + 1);
        return switch (v) {
            case "public" -> "public";
            case "private" -> "private";
            case "family" -> "protected";
            case "assembly" -> "internal";
            case "famandassem" -> "private protected";
            case "famorassem" -> "protected internal";
            default -> throw new IllegalArgumentException("nested visibility " + v);
        };
    }

    private static Map<String, Object> method(String h, List<String> classGeneric) {
        String s = h.substring(".method ".length()).replaceAll("pinvokeimpl\\s*\\([^)]*\\)", " ")
                .replaceAll("\\s*marshal\\s*\\((?:[^()]|\\([^()]*\\))*\\)", ""); // marshalling is not part of the type
        int managed = s.lastIndexOf(')', s.lastIndexOf("managed"));
        int open = matchingParen(s, managed);
        String params = s.substring(open + 1, managed);
        List<String> words = new ArrayList<>(List.of(s.substring(0, open).strip().split("\\s+")));
        // flags, then [instance] [explicit] calling-convention, then return type and name
        int cc = 0;
        while (cc < words.size() && !List.of("default", "vararg", "unmanaged", "instance", "explicit").contains(words.get(cc))) cc++;
        List<String> flags = words.subList(0, cc);
        String rest = String.join(" ", words.subList(cc, words.size())).replaceFirst("^(instance )?(explicit )?(default|vararg|unmanaged \\w+) ", "");
        List<String> generic = new ArrayList<>();
        String nameAndGeneric = rest.substring(lastTopLevelSpace(rest) + 1);
        String ret = rest.substring(0, lastTopLevelSpace(rest)).strip();
        if (nameAndGeneric.endsWith(">")) { // a quoted name ends with its quote
            int lt = matching(nameAndGeneric);
            generic = genericNames(nameAndGeneric.substring(lt + 1, nameAndGeneric.length() - 1));
            nameAndGeneric = nameAndGeneric.substring(0, lt);
        }
        String name = unquote(nameAndGeneric);
        Map<String, Object> m = new TreeMap<>();
        m.put("name", name);
        m.put("visibility", methodVisibility(flags));
        m.put("static", flags.contains("static") ? 1L : 0L);
        m.put("final", flags.contains("final") ? 1L : 0L);
        m.put("virtual", flags.contains("virtual") ? 1L : 0L);
        m.put("abstract", flags.contains("abstract") ? 1L : 0L);
        m.put("generic_parameters", generic);
        m.put("number_of_generic_parameters", (long) generic.size());
        if (!name.equals(".ctor") && !name.equals(".cctor")) m.put("return_type", type(ret, classGeneric, generic));
        List<Object> ps = new ArrayList<>();
        for (String p : params.isBlank() ? List.<String>of() : split(params, ',')) {
            String t = p.strip().replaceAll("^(\\[(in|out|opt)\\]\\s*)+", "");
            int sp = lastTopLevelSpace(t);
            Map<String, Object> prm = new TreeMap<>();
            prm.put("name", unquote(t.substring(sp + 1)));
            prm.put("type", type(t.substring(0, sp).strip(), classGeneric, generic));
            ps.add(prm);
        }
        m.put("parameters", ps);
        m.put("number_of_parameters", (long) ps.size());
        return m;
    }

    private static String methodVisibility(List<String> flags) {
        for (String f : flags) {
            switch (f) {
                case "private": return "private";
                case "famandassem": return "private protected";
                case "assembly": return "internal";
                case "family": return "protected";
                case "famorassem": return "protected internal";
                case "public": return "public";
                default: break;
            }
        }
        return "private"; // privatescope (compiler-controlled)
    }

    private static final Map<String, String> PRIMITIVES = Map.ofEntries(Map.entry("void", "void"), Map.entry("bool", "bool"),
            Map.entry("char", "char"), Map.entry("int8", "sbyte"), Map.entry("unsigned int8", "byte"), Map.entry("uint8", "byte"),
            Map.entry("int16", "short"), Map.entry("unsigned int16", "ushort"), Map.entry("uint16", "ushort"),
            Map.entry("int32", "int"), Map.entry("unsigned int32", "uint"), Map.entry("uint32", "uint"), Map.entry("int64", "long"),
            Map.entry("unsigned int64", "ulong"), Map.entry("uint64", "ulong"), Map.entry("float32", "float"),
            Map.entry("float64", "double"), Map.entry("string", "string"), Map.entry("object", "object"),
            Map.entry("native int", "IntPtr"), Map.entry("native unsigned int", "UIntPtr"), Map.entry("typedref", "TypedReference"));

    /**
     * One ILAsm type in YARA's spelling. Generic parameters monodis shows by number ({@code !0}, {@code !!1}) are
     * named from the class's and the method's generic parameter lists, as YARA does.
     */
    static String type(String t, List<String> cg, List<String> mg) {
        t = t.strip().replaceAll("\\s*mod(req|opt)\\s*\\([^)]*\\)", "");
        if (t.endsWith("&")) return "ref " + type(t.substring(0, t.length() - 1), cg, mg);
        if (t.endsWith("*")) return "Ptr<" + type(t.substring(0, t.length() - 1), cg, mg) + ">";
        if (t.endsWith("]")) {
            int open = matchingBracket(t);
            return type(t.substring(0, open), cg, mg) + array(t.substring(open + 1, t.length() - 1));
        }
        if (t.endsWith(">")) {
            int lt = matching(t);
            List<String> args = new ArrayList<>();
            for (String a : split(t.substring(lt + 1, t.length() - 1), ',')) args.add(type(a, cg, mg));
            return type(t.substring(0, lt), cg, mg) + "<" + String.join(",", args) + ">";
        }
        if (PRIMITIVES.containsKey(t)) return PRIMITIVES.get(t);
        if (t.startsWith("!!")) return generic(t.substring(2), mg);
        if (t.startsWith("!")) return generic(t.substring(1), cg);
        if (t.startsWith("class ")) return typeName(t.substring(6).strip());
        if (t.startsWith("valuetype ")) return typeName(t.substring(10).strip());
        return typeName(t);
    }

    private static String generic(String nameOrNumber, List<String> names) {
        if (!nameOrNumber.chars().allMatch(Character::isDigit)) return unquote(nameOrNumber);
        int i = Integer.parseInt(nameOrNumber);
        return i < names.size() ? names.get(i) : null;
    }

    private static String typeName(String t) {
        boolean external = t.startsWith("[");
        if (external) t = t.substring(t.indexOf(']') + 1);
        String[] parts = t.split("/");
        if (external) return strip(unquote(parts[parts.length - 1])); // a TypeRef: its own namespace and name only
        List<String> out = new ArrayList<>();
        for (String p : parts) out.add(strip(unquote(p)));
        return String.join(".", out);
    }

    /** ILAsm array shape ({@code 0...,0...}, {@code 2...5}, {@code 4}) in YARA's form. */
    private static String array(String shape) {
        if (shape.isEmpty()) return "[]";
        List<String> dims = new ArrayList<>();
        for (String d : shape.split(",", -1)) {
            d = d.strip();
            int dots = d.indexOf("...");
            if (dots < 0) dims.add(d); // a size, lower bound 0
            else {
                long lo = Long.parseLong(d.substring(0, dots));
                String hi = d.substring(dots + 3);
                if (hi.isEmpty()) dims.add(lo == 0 ? "" : lo + "...");
                else dims.add(lo == 0 ? String.valueOf(Long.parseLong(hi) + 1) : lo + "..." + hi);
            }
        }
        return "[" + String.join(",", dims) + "]";
    }

    private static List<String> genericNames(String list) {
        List<String> out = new ArrayList<>();
        for (String p : split(list, ',')) {
            String s = p.strip().replaceAll("\\([^()]*(\\([^()]*\\)[^()]*)*\\)", " ").strip(); // drop constraint lists
            out.add(unquote(s.substring(s.lastIndexOf(' ') + 1)));
        }
        return out;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("'") && s.endsWith("'") ? s.substring(1, s.length() - 1) : s;
    }

    /** Index of the '<' matching the '>' that ends s. */
    private static int matching(String s) {
        int depth = 0;
        for (int i = s.length() - 1; i >= 0; i--) {
            char ch = s.charAt(i);
            if (ch == '>') depth++;
            else if (ch == '<' && --depth == 0) return i;
        }
        throw new IllegalArgumentException("unbalanced <>: " + s);
    }

    private static int matchingBracket(String s) {
        int depth = 0;
        for (int i = s.length() - 1; i >= 0; i--) {
            char ch = s.charAt(i);
            if (ch == ']') depth++;
            else if (ch == '[' && --depth == 0) return i;
        }
        return -1;
    }

    private static int matchingParen(String s, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            char ch = s.charAt(i);
            if (ch == ')') depth++;
            else if (ch == '(' && --depth == 0) return i;
        }
        throw new IllegalArgumentException("unbalanced (): " + s);
    }

    private static int depthDelta(char ch) {
        return ch == '<' || ch == '(' || ch == '[' ? 1 : ch == '>' || ch == ')' || ch == ']' ? -1 : 0;
    }

    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\'') quoted = !quoted;
            if (quoted) continue;
            depth += depthDelta(ch);
            if (ch == sep && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private static int topLevel(String s, String word) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            depth += depthDelta(s.charAt(i));
            if (depth == 0 && s.startsWith(word, i)) return i;
        }
        return -1;
    }

    private static int lastTopLevelSpace(String s) {
        int depth = 0;
        boolean quoted = false;
        for (int i = s.length() - 1; i >= 0; i--) {
            char ch = s.charAt(i);
            if (ch == '\'') quoted = !quoted;
            if (quoted) continue;
            depth -= depthDelta(ch);
            if (ch == ' ' && depth == 0) return i;
        }
        return -1;
    }
}
