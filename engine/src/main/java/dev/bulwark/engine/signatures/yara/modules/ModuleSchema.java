package dev.bulwark.engine.signatures.yara.modules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * (yara17) What a module declares, as yara 4.2.3 declares it: each field's name and type (integer, float, string,
 * structure, array or dictionary of one of these, function with its overloads' argument types). The compiler checks
 * every module access against it, as yara does. Read from {@code MODULE.schema} (written from yara 4.2.3's
 * declarations by conformance/yara-schema/gen_schema.py) plus {@code MODULE.ext.schema}, Bulwark's additions that
 * later yaras declare and this engine computes (docs/YARA.md lists them). A module without a schema file (the
 * {@code string} module) is not checked.
 */
public final class ModuleSchema {
    private ModuleSchema() {}

    public enum Kind { INT, FLOAT, STR, STRUCT, ARRAY, DICT, FUNC }

    /** A declared field; elem is an array's or dictionary's item, overloads a function's (argument letters, result). */
    public static final class Node {
        public final String name;
        public final Kind kind;
        public final Map<String, Node> fields;
        public Node elem;
        public final List<String[]> overloads;
        /** A Bulwark addition beyond yara 4.2.3. */
        public boolean ext;

        Node(String name, Kind kind) {
            this.name = name;
            this.kind = kind;
            this.fields = kind == Kind.STRUCT ? new LinkedHashMap<>() : null;
            this.overloads = kind == Kind.FUNC ? new ArrayList<>() : null;
        }

        public boolean leaf() {
            return kind == Kind.INT || kind == Kind.FLOAT || kind == Kind.STR;
        }

        /** The result type letter of the overload taking exactly these argument letters, or 0 if none does. */
        public char overload(String args) {
            for (String[] o : overloads) if (o[0].equals(args)) return o[1].charAt(0);
            return 0;
        }
    }

    /** A value of a function's result type (letter i, f or s), named as the function. */
    public static Node leaf(String name, char letter) {
        return new Node(name, letter == 'i' ? Kind.INT : letter == 'f' ? Kind.FLOAT : Kind.STR);
    }

    private static final Node NONE = new Node("", Kind.INT);
    private static final Map<String, Node> CACHE = new ConcurrentHashMap<>();

    /** The module's declared root structure, or null if the module is not checked. */
    public static Node of(String module) {
        Node n = CACHE.computeIfAbsent(module, ModuleSchema::load);
        return n == NONE ? null : n;
    }

    private static Node load(String module) {
        Node root = new Node(module, Kind.STRUCT);
        if (!read(root, module + ".schema", false)) return NONE;
        read(root, module + ".ext.schema", true);
        return root;
    }

    private static boolean read(Node root, String file, boolean ext) {
        try (InputStream in = ModuleSchema.class.getResourceAsStream(file)) {
            if (in == null) return false;
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            List<Node> stack = new ArrayList<>();
            stack.add(root);
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                Node top = stack.get(stack.size() - 1);
                if (line.equals("}")) {
                    stack.remove(stack.size() - 1);
                    continue;
                }
                int sp = line.indexOf(' ');
                String name = line.substring(0, sp), type = line.substring(sp + 1);
                int paren = name.indexOf('(');
                if (paren >= 0) {
                    String fn = name.substring(0, paren);
                    Node f = top.fields.get(fn);
                    if (f == null) top.fields.put(fn, f = mark(new Node(fn, Kind.FUNC), ext));
                    f.overloads.add(new String[] {name.substring(paren + 1, name.length() - 1), type});
                    continue;
                }
                if (type.endsWith("{")) {
                    Kind k = type.equals("{") ? Kind.STRUCT : type.equals("[]{") ? Kind.ARRAY : Kind.DICT;
                    Node existing = top.fields.get(name);
                    Node s;
                    if (existing != null) {
                        s = existing.kind == Kind.STRUCT ? existing : existing.elem; // an addition inside a declared structure
                    } else if (k == Kind.STRUCT) {
                        top.fields.put(name, s = mark(new Node(name, Kind.STRUCT), ext));
                    } else {
                        Node c = mark(new Node(name, k), ext);
                        c.elem = s = new Node(name, Kind.STRUCT);
                        top.fields.put(name, c);
                    }
                    stack.add(s);
                    continue;
                }
                Kind leaf = switch (type.charAt(0)) {
                    case 'i' -> Kind.INT;
                    case 'f' -> Kind.FLOAT;
                    default -> Kind.STR;
                };
                Node n;
                if (type.length() == 1) {
                    n = new Node(name, leaf);
                } else {
                    n = new Node(name, type.endsWith("[]") ? Kind.ARRAY : Kind.DICT);
                    n.elem = new Node(name, leaf);
                }
                top.fields.put(name, mark(n, ext));
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Node mark(Node n, boolean ext) {
        n.ext = ext;
        return n;
    }
}
