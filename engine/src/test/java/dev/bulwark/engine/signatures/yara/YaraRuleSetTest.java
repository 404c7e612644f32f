package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.diag.Diagnostic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The public API the scanner and the CLI use. */
class YaraRuleSetTest {
    private static final String RULES = """
            rule a { strings: $x = "hello" condition: $x }
            private rule p { strings: $y = "world" condition: $y }
            rule b { condition: p and filesize > 3 }
            rule c : tag { meta: k = "v" strings: $z = { 77 6F [0-2] 6C 64 } condition: #z == 1 }
            """;

    @Test
    void matchingRulesInDeclarationOrderWithoutPrivateRules() {
        YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("t.yar", RULES)), Map.of());
        assertEquals(4, rs.ruleCount());
        byte[] d = "xx hello world".getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of("a", "b", "c"), rs.matchingRules(ByteBuffer.wrap(d)));
        ByteBuffer direct = ByteBuffer.allocateDirect(d.length).put(d);
        direct.position(5); // absolute indexing: position does not matter
        assertEquals(List.of("a", "b", "c"), rs.matchingRules(direct));
        assertEquals(List.of("a"), rs.matchingRules(ByteBuffer.wrap(d, 0, 9).slice()));
    }

    /** As in yara 4.2.3: a loop variable may take a rule's or a module's name (it shadows it); only nested loops clash. */
    @Test
    void loopVariablesShadowRulesAndModules() {
        String src = "import \"pe\"\nrule c { condition: true }\nrule d { condition: for any c in (1,2) : (c == 1) }\n"
                + "rule e { condition: for any e in (1,2) : (e == 2) }\nrule f { condition: for any pe in (1,2) : (pe == 3) }\n";
        YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("l.yar", src)), Map.of());
        assertEquals(List.of("c", "d", "e"), rs.matchingRules(ByteBuffer.wrap(new byte[4])));
        DatabaseLoadException e = assertThrows(DatabaseLoadException.class, () -> YaraRuleSet.compile(List.of(new YaraSource("n.yar",
                "rule n { condition: for any i in (1,2) : (for any i in (1,2) : (i == 1)) }")), Map.of()));
        assertTrue(e.getMessage().contains("duplicated loop identifier"), e.getMessage());
    }

    @Test
    void everyErrorOfAFileWithPositionAndCaret() {
        String src = "rule ok { condition: true }\nrule bad1 { condition: $nope }\nrule bad2 { strings: $a = \"x\" condition: true }\nrule bad3 { condition: 1 + }\n";
        DatabaseLoadException e = assertThrows(DatabaseLoadException.class,
                () -> YaraRuleSet.compile(List.of(new YaraSource("f.yar", src)), Map.of()));
        List<Diagnostic> errs = e.diagnostics().stream().filter(Diagnostic::isError).toList();
        assertEquals(3, errs.size(), errs.toString());
        assertEquals(2, errs.get(0).line());
        assertEquals(24, errs.get(0).column());
        assertTrue(errs.get(0).message().contains("undefined string identifier \"$nope\""));
        assertTrue(errs.get(0).message().contains("\n    rule bad1 { condition: $nope }\n                           ^"), errs.get(0).message());
        assertEquals(3, errs.get(1).line());
        assertEquals(4, errs.get(2).line());
    }

    @Test
    void unknownModuleIsAClearError() {
        DatabaseLoadException e = assertThrows(DatabaseLoadException.class,
                () -> YaraRuleSet.compile(List.of(new YaraSource("m.yar", "import \"cuckoo\" rule r { condition: true }")), Map.of()));
        assertTrue(e.getMessage().contains("unknown module \"cuckoo\""), e.getMessage());
    }

    @Test
    void clamAvCompatNeverThrows() {
        List<Diagnostic> w = new ArrayList<>();
        YaraRuleSet rs = YaraRuleSet.compileClamAvCompat("rule at { condition: true }", "x.yar", w);
        assertEquals(0, rs.ruleCount());
        assertTrue(w.stream().noneMatch(Diagnostic::isError) && !w.isEmpty());
    }

    @Test
    void oneRuleSetScansConcurrently() throws Exception {
        YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("t.yar", RULES)), Map.of());
        byte[][] inputs = {"hello".getBytes(), "world!".getBytes(), "hello world".getBytes(), "wo\0ld hello".getBytes(), new byte[0]};
        List<List<String>> expected = new ArrayList<>();
        for (byte[] in : inputs) expected.add(rs.matchingRules(ByteBuffer.wrap(in)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        int k = i % inputs.length;
                        if (!rs.matchingRules(ByteBuffer.wrap(inputs[k])).equals(expected.get(k))) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : fs) assertTrue(f.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("a", "b", "c"), expected.get(2));
    }
}
