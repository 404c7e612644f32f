package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.bulwark.engine.signatures.yara.modules.ModuleSchema;
import dev.bulwark.engine.signatures.yara.modules.ModuleSchema.Kind;
import dev.bulwark.engine.signatures.yara.modules.ModuleSchema.Node;
import dev.bulwark.engine.signatures.yara.modules.Modules;
import dev.bulwark.engine.signatures.yara.modules.ScanInput;
import dev.bulwark.engine.signatures.yara.modules.YaraFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * (yara17) Every value our modules compute is declared in their schema (yara 4.2.3's declarations plus the
 * documented additions in MODULE.ext.schema) with the type it has, on every sample at hand: a field computed but
 * not declared would be refused by the compiler. Prints the declared fields no sample defined (for docs/YARA.md).
 */
class ModuleSchemaTest {
    private static final String[] CHECKED = {"pe", "elf", "macho", "dex", "dotnet", "math", "hash", "time", "console", "magic"};

    private static List<Path> samples() throws Exception {
        List<Path> out = new ArrayList<>();
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir : new Path[] {root.resolve("src/test/resources"), root.resolve("../../shared/conformance/yara/data").normalize(),
                Path.of("/usr/lib/shim")}) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).filter(p -> {
                    String n = p.toString();
                    return n.contains("/yara/") || n.contains("/exe/") || n.contains("/shared/") || n.endsWith(".signed");
                }).filter(p -> p.toFile().length() < 8 << 20).forEach(out::add);
            }
        }
        out.add(Path.of("/bin/ls"));
        return out;
    }

    private static Kind kindOf(Object v) {
        if (v instanceof Long) return Kind.INT;
        if (v instanceof Double) return Kind.FLOAT;
        if (v instanceof byte[]) return Kind.STR;
        if (v instanceof List<?>) return Kind.ARRAY;
        if (v instanceof YaraFunction) return Kind.FUNC;
        return Kind.STRUCT;
    }

    private static void walk(String path, Object v, Node decl, TreeSet<String> bad, TreeSet<String> seen) {
        if (v == null) return;
        seen.add(path);
        Kind k = kindOf(v);
        if (decl == null) {
            bad.add(path + " (undeclared " + k + ")");
            return;
        }
        if (decl.kind == Kind.DICT && v instanceof Map<?, ?> m) {
            for (Object e : m.values()) walk(path + "{}", e, decl.elem, bad, seen);
            return;
        }
        if (k != decl.kind) {
            bad.add(path + " (computed " + k + ", declared " + decl.kind + ")");
            return;
        }
        if (v instanceof List<?> l) {
            for (Object e : l) walk(path + "[]", e, decl.elem, bad, seen);
        } else if (v instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) walk(path + "." + e.getKey(), e.getValue(), decl.fields.get((String) e.getKey()), bad, seen);
        }
    }

    private static void declared(String path, Node n, TreeSet<String> out) {
        switch (n.kind) {
            case STRUCT -> n.fields.forEach((k, c) -> declared(path + "." + k, c, out));
            case ARRAY -> declared(path + "[]", n.elem, out);
            case DICT -> declared(path + "{}", n.elem, out);
            default -> out.add(path);
        }
    }

    @Test
    void everyComputedValueIsDeclared() throws Exception {
        TreeSet<String> bad = new TreeSet<>(), seen = new TreeSet<>();
        for (Path p : samples()) {
            byte[] data = Files.readAllBytes(p);
            for (String m : CHECKED) walk(m, Modules.get(m).load(new ScanInput(data, 0, data.length)), ModuleSchema.of(m), bad, seen);
        }
        TreeSet<String> never = new TreeSet<>();
        for (String m : CHECKED) declared(m, ModuleSchema.of(m), never);
        never.removeAll(seen);
        System.out.println("declared, never computed on these samples: " + never.size());
        never.forEach(s -> System.out.println("  " + s));
        assertEquals(new TreeSet<String>(), bad);
    }

    @Test
    void schemaShape() {
        Node pe = ModuleSchema.of("pe");
        assertEquals(Kind.ARRAY, pe.fields.get("sections").elem == null ? null : pe.fields.get("sections").kind);
        assertEquals(Kind.STR, pe.fields.get("sections").elem.fields.get("name").kind);
        assertEquals(Kind.DICT, pe.fields.get("version_info").kind);
        assertEquals('i', pe.fields.get("imports").overload("ss"));
        assertEquals(0, pe.fields.get("imports").overload("f"));
        assertNotNull(ModuleSchema.of("math").fields.get("MEAN_BYTES"));
        assertNull(ModuleSchema.of("string"), "the string module is not checked");
    }
}
