package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.BulwarkException;
import dev.bulwark.engine.diag.Diagnostic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the shared YARA conformance cases (extracted from YARA's and YARA-X's test suites, each labelled with what
 * yara 4.2.3 does) against our engine. Every case yara 4.2.3 passes must pass here; the others are counted and
 * listed with the reason our result differs.
 */
class YaraConformanceTest {
    static final Map<String, Object> EXTERNALS = Map.of("var_zero", 0L, "var_one", 1L, "var_true", true, "var_false", false);

    static Path dir() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            Path c = p.resolve("../shared/conformance/yara").normalize();
            if (Files.isDirectory(c)) return c;
        }
        return null;
    }

    record Outcome(boolean ok, boolean skipped, String detail) {}

    @Test
    void conformance() throws Exception {
        Path dir = dir();
        Assumptions.assumeTrue(dir != null, "conformance suite not found");
        List<String> regressions = new ArrayList<>();
        Map<String, int[]> stats = new TreeMap<>();
        List<String> newerFailures = new ArrayList<>();
        Map<String, Integer> unsupported = new TreeMap<>();
        for (String file : List.of("yara-test-rules.jsonl", "yara-test-modules.jsonl", "yarax-tests.jsonl")) {
            int line = 0;
            for (String l : Files.readAllLines(dir.resolve(file))) {
                line++;
                if (l.isBlank()) continue;
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) MiniJson.parse(l);
                Outcome o = run(c, dir);
                String yr = String.valueOf(c.get("result"));
                int[] st = stats.computeIfAbsent(file + " (yara " + yr + ")", k -> new int[3]);
                if (o.skipped()) {
                    st[2]++;
                    continue;
                }
                if (o.ok()) st[0]++;
                else {
                    st[1]++;
                    String id = file + ":" + line + " [" + kind(c) + "] " + abbreviate(String.valueOf(c.get("rule"))) + " -> " + o.detail();
                    String missing = missingModule(String.valueOf(c.get("rule")));
                    if (missing != null) unsupported.merge(missing, 1, Integer::sum);
                    else if (yr.equals("pass")) regressions.add(id);
                    else newerFailures.add(id + "  (yara 4.2.3: " + abbreviate(String.valueOf(c.get("note"))) + ")");
                }
            }
        }
        System.out.println("YARA conformance: passed / failed / skipped");
        stats.forEach((k, v) -> System.out.println("  " + k + ": " + v[0] + " / " + v[1] + " / " + v[2]));
        System.out.println("Cases yara 4.2.3 fails and we fail too (" + newerFailures.size() + "):");
        newerFailures.forEach(s -> System.out.println("  " + s));
        System.out.println("Failing cases that need a module this engine does not provide: " + unsupported);
        System.out.println("Cases yara 4.2.3 passes and we fail (" + regressions.size() + "):");
        regressions.forEach(s -> System.out.println("  " + s));
        assertTrue(regressions.isEmpty(), regressions.size() + " cases that yara 4.2.3 passes fail here");
    }

    /** The first imported module we do not implement, or null. */
    static String missingModule(String rule) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("import\\s+\"([^\"]*)\"").matcher(rule);
        while (m.find()) {
            if (dev.bulwark.engine.signatures.yara.modules.Modules.get(m.group(1)) == null) return m.group(1);
        }
        return null;
    }

    private static String kind(Map<String, Object> c) {
        return String.valueOf(c.containsKey("kind") ? c.get("kind") : c.get("macro"));
    }

    private static String abbreviate(String s) {
        s = s.replaceAll("\\s+", " ");
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }

    static Outcome run(Map<String, Object> c, Path dir) {
        String rule = (String) c.get("rule");
        String kind = kind(c);
        if (rule == null) return new Outcome(false, true, "no rule");
        if (rule.contains("import \"tests\"") || rule.contains("test_proto")) return new Outcome(false, true, "test module");
        if (rule.contains("$YARA_SRC")) return new Outcome(false, true, "needs YARA's source tree");
        if (kind.equals("warnings_strict_escape") || kind.equals("string_capture")) return new Outcome(false, true, "kind");
        byte[] data;
        if (c.containsKey("file")) {
            String f = (String) c.get("file");
            Path p = dir.resolve("data").resolve(Path.of(f).getFileName().toString());
            if (!Files.exists(p)) return new Outcome(false, true, "sample not available");
            try {
                data = Files.readAllBytes(p);
            } catch (java.io.IOException e) {
                return new Outcome(false, true, "unreadable");
            }
        } else {
            data = HexFormat.of().parseHex(String.valueOf(c.getOrDefault("data_hex", "")));
        }
        List<Diagnostic> warnings = new ArrayList<>();
        YaraRuleSet rs;
        try {
            rs = YaraRuleSet.compile(List.of(new YaraSource("r.yar", rule)), EXTERNALS, null, warnings);
        } catch (BulwarkException e) {
            boolean ok = kind.equals("error") || Boolean.FALSE.equals(c.get("expect")) && false;
            return new Outcome(ok, false, "compile error: " + abbreviate(e.getMessage()));
        } catch (RuntimeException e) {
            return new Outcome(false, false, "crash in compile: " + e);
        }
        try {
            List<YaraRuleSet.RuleResult> res = rs.scan(ByteBuffer.wrap(data));
            long matched = res.stream().filter(YaraRuleSet.RuleResult::matched).count();
            switch (kind) {
                case "error":
                    return new Outcome(false, false, "compiled without error");
                case "true":
                    return new Outcome(matched > 0, false, "no match");
                case "false":
                    return new Outcome(matched == 0, false, "matched");
                case "match_count":
                    return new Outcome(matched == (Long) c.get("count"), false, "matched " + matched);
                case "warnings":
                    return new Outcome(!warnings.isEmpty(), false, "no warning");
                case "no_warnings":
                    return new Outcome(warnings.isEmpty(), false, "warnings: " + warnings);
                case "regexp_capture": {
                    String exp = (String) c.get("expected");
                    List<String> got = allMatches(res);
                    if (exp == null) return new Outcome(got.isEmpty(), false, "got " + got);
                    return new Outcome(got.contains(exp), false, "got " + got);
                }
                case "condition_true", "condition_false", "rule_true", "rule_false", "pattern_true", "pattern_false":
                    return new Outcome((matched > 0) == Boolean.TRUE.equals(c.get("expect")), false, "matched=" + (matched > 0));
                case "pattern_match": {
                    String exp = (String) c.get("first_match_hex");
                    boolean expect = Boolean.TRUE.equals(c.get("expect"));
                    if (!expect) return new Outcome(matched == 0, false, "matched");
                    String got = firstMatchHex(res);
                    if (exp == null) return new Outcome(matched > 0, false, "no match");
                    return new Outcome(exp.equalsIgnoreCase(String.valueOf(got)), false, "got " + got);
                }
                default:
                    return new Outcome(false, true, "unknown kind");
            }
        } catch (RuntimeException e) {
            return new Outcome(false, false, "crash in scan: " + e);
        }
    }

    private static List<String> allMatches(List<YaraRuleSet.RuleResult> res) {
        List<String> out = new ArrayList<>();
        for (YaraRuleSet.RuleResult r : res) {
            for (YaraRuleSet.StringMatch m : r.strings()) out.add(new String(m.data(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static String firstMatchHex(List<YaraRuleSet.RuleResult> res) {
        for (YaraRuleSet.RuleResult r : res) {
            if (!r.strings().isEmpty()) return HexFormat.of().formatHex(r.strings().get(0).data());
        }
        return null;
    }
}
