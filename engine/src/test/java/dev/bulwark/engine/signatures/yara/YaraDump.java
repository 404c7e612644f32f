package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.modules.Modules;
import dev.bulwark.engine.signatures.yara.modules.ScanInput;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs {@code yara -D} (which prints every module field it computed) and flattens its output and our module's
 * values to the same {@code path -> value} form, so the two can be compared field by field.
 */
final class YaraDump {
    private YaraDump() {}

    static final Path YARA = Path.of("/usr/bin/yara");

    /** yara's values for module {@code module} on {@code file}: integers as Long, strings as Latin-1 String. */
    static Map<String, Object> yara(String module, Path file) throws Exception {
        Path rule = Files.createTempFile("dump", ".yar");
        try {
            Files.writeString(rule, "import \"" + module + "\"\nrule dump { condition: false }\n");
            Process p = new ProcessBuilder(YARA.toString(), "-D", rule.toString(), file.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor();
            return parse(new String(out, StandardCharsets.ISO_8859_1), module);
        } finally {
            Files.deleteIfExists(rule);
        }
    }

    static Map<String, Object> parse(String dump, String module) {
        Map<String, Object> out = new TreeMap<>();
        List<String> stack = new ArrayList<>();
        boolean inModule = false;
        for (String line : dump.split("\n")) {
            int depth = 0;
            while (depth < line.length() && line.charAt(depth) == '\t') depth++;
            String body = line.substring(depth);
            if (depth == 0) {
                inModule = body.equals(module);
                stack.clear();
                continue;
            }
            if (!inModule || body.isEmpty()) continue;
            int eq = body.indexOf(" = ");
            String name = eq < 0 ? body : body.substring(0, eq);
            while (stack.size() >= depth) stack.remove(stack.size() - 1);
            String parent = stack.isEmpty() ? "" : stack.get(stack.size() - 1);
            String path = name.startsWith("[") ? parent + name : parent.isEmpty() ? name : parent + "." + name;
            stack.add(path);
            if (eq < 0) continue;
            String v = body.substring(eq + 3);
            if (v.equals("YR_UNDEFINED")) continue;
            if (v.startsWith("\"")) out.put(path, unescape(v.substring(1, v.length() - 1)));
            else if (v.contains(".")) out.put(path, Double.parseDouble(v));
            else out.put(path, Long.parseLong(v));
        }
        return out;
    }

    /** yara prints non-printable bytes as \\xNN and everything else (backslashes too) as is. */
    private static String unescape(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == 'x' && isHex(s, i + 2) && isHex(s, i + 3)) {
                b.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static boolean isHex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }

    /** Our module's values, flattened the same way (functions left out). */
    static Map<String, Object> ours(String module, byte[] data) {
        Map<String, Object> out = new TreeMap<>();
        flatten("", Modules.get(module).load(new ScanInput(data, 0, data.length)), out);
        return out;
    }

    private static void flatten(String path, Object v, Map<String, Object> out) {
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                flatten(path.isEmpty() ? k : path + "." + k, e.getValue(), out);
            }
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) flatten(path + "[" + i + "]", l.get(i), out);
        } else if (v instanceof byte[] b) {
            out.put(path, new String(b, StandardCharsets.ISO_8859_1));
        } else if (v instanceof Long || v instanceof Double) {
            out.put(path, v);
        }
    }

    /** Differences between yara's and our values, for paths accepted by {@code keep}. */
    static List<String> diff(Map<String, Object> yara, Map<String, Object> ours, java.util.function.Predicate<String> keep) {
        List<String> d = new ArrayList<>();
        for (Map.Entry<String, Object> e : yara.entrySet()) {
            if (!keep.test(e.getKey())) continue;
            Object o = ours.get(e.getKey());
            if (!e.getValue().equals(o)) d.add(e.getKey() + ": yara " + show(e.getValue()) + ", ours " + show(o));
        }
        for (Map.Entry<String, Object> e : ours.entrySet()) {
            if (keep.test(e.getKey()) && !yara.containsKey(e.getKey())) d.add(e.getKey() + ": yara undefined, ours " + show(e.getValue()));
        }
        return d;
    }

    private static String show(Object o) {
        String s = String.valueOf(o);
        if (o instanceof String t && !t.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            s = "hex:" + java.util.HexFormat.of().formatHex(t.getBytes(StandardCharsets.ISO_8859_1));
        }
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
