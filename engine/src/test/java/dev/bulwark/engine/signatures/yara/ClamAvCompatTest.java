package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.diag.Diagnostic;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ClamAV-compatible loader must detect exactly what clamscan 1.4 detects with the same .yar file (the
 * 'yara ...' cases of the shared ClamAV conformance suite, on its sample file).
 */
class ClamAvCompatTest {
    @TempDir
    Path tmp;

    static Path sample() {
        Path d = YaraConformanceTest.dir();
        if (d == null) return null;
        Path s = d.resolve("../clamav/samples/sample.bin").normalize();
        return Files.exists(s) ? s : null;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "rule hello_rule { strings: $a = \"hello\" condition: $a }",
        "rule hex_rule { strings: $a = { 68 65 6c 6c 6f } condition: $a }",
        "rule re_rule { strings: $a = /hel+o/ condition: $a }",
        "rule r2 { strings: $a = \"hello\" $b = \"world\" condition: $a and $b }",
        "rule fs { strings: $a = \"hello\" condition: $a and filesize < 2KB }",
        "rule fs { strings: $a = \"hello\" condition: $a and filesize < 1KB }",
        "rule ns { condition: filesize < 2KB }",
        "import \"pe\"\nrule imp { strings: $a = \"hello\" condition: $a }",
        "rule nc { strings: $a = \"HELLO WORLD\" nocase condition: $a }",
        "rule w { strings: $a = \"hello\" wide condition: $a }",
        "rule sh { strings: $a = \"h\" condition: $a }",
        "rule at_ok { strings: $a = \"hello\" condition: $a at 20 }",
        "rule at_bad { strings: $a = \"hello\" condition: $a at 21 }",
        "rule at { strings: $a = \"hello\" condition: $a }",
        "rule c { strings: $a = \"AAA\" condition: #a == 2 }",
        "global rule g { strings: $a = \"hello\" condition: $a }",
        "private rule p { strings: $a = \"hello\" condition: $a }\nrule q { condition: p }",
        "rule broken { strings: $a = \"hello\" condition: }",
        "rule tilde_end { strings: $a = { 68 65 6c 6c ~} condition: $a }",
        "rule tilde_mid { strings: $a = { 68 65 ~ 6b 6c 6f } condition: $a }",
        "rule tilde_last { strings: $a = { 68 65 6c 6c ~6e } condition: $a }",
        "rule tilde_alt { strings: $a = { 68 65 6c 6c ( 6f | ~6e ) } condition: $a }",
        "rule a1 { strings: $a = \"hello\" condition: $a }\nrule a2 { strings: $a = \"world\" condition: $a }\nrule a3 { strings: $a = \"zzzz\" condition: $a }",
    })
    void sameDetectionsAsClamscan(String rule) throws Exception {
        Path sample = sample();
        Assumptions.assumeTrue(sample != null, "ClamAV sample not found");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        Path db = tmp.resolve("t.yar");
        Files.writeString(db, rule + "\n");
        List<String> expected = clamscan(db, sample);

        List<Diagnostic> warnings = new ArrayList<>();
        YaraRuleSet rs = YaraRuleSet.compileClamAvCompat(rule + "\n", "t.yar", warnings);
        List<String> got = rs.matchingRules(ByteBuffer.wrap(Files.readAllBytes(sample)));
        assertEquals(expected, got, "rule set: " + rule + "\nwarnings: " + warnings);
    }

    /**
     * (fuzz16, YaraFuzzTest seed hex-tilde-at-end) a hex string ending in '~' threw StringIndexOutOfBoundsException
     * out of the database load (bulwark scan -d died); the rule is now skipped with a warning (clamscan 1.4.6: syntax
     * error, nothing loaded from the file).
     */
    @org.junit.jupiter.api.Test
    void hexStringEndingInTildeSkipsTheRule() {
        List<Diagnostic> warnings = new ArrayList<>();
        String rules = "rule t { strings: $a = { 68 65 6c 6c ~} condition: $a }\nrule ok { strings: $a = \"hell\" condition: $a }\n";
        YaraRuleSet rs = YaraRuleSet.compileClamAvCompat(rules, "t.yar", warnings);
        assertEquals(List.of("ok"), rs.matchingRules(ByteBuffer.wrap("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        assertEquals(true, warnings.toString().contains("not a valid hex string"), warnings.toString());
    }

    /**
     * (review17) ClamAV 1.4.6's YARA grammar has no '~' at all: clamscan fails such a rule with a syntax error and loads
     * the others (clamscan -d: "yyerror(): ... syntax error", "successfully loaded 1 rules"). Bulwark took "~6b" for a
     * byte that is not fixed and loaded the rule: "hello" was reported where clamscan reports OK.
     */
    @org.junit.jupiter.api.Test
    void hexStringWithTildeSkipsTheRule() {
        for (String hex : List.of("{ 68 65 ~ 6b 6c 6f }", "{ 68 65 6c 6c ~6e }", "{ 68 ~00 6c 6c 6f }", "{ 68 65 6c 6c ( 6f | ~6e ) }")) {
            List<Diagnostic> warnings = new ArrayList<>();
            String rules = "rule t { strings: $a = " + hex + " condition: $a }\nrule ok { strings: $a = \"hell\" condition: $a }\n";
            YaraRuleSet rs = YaraRuleSet.compileClamAvCompat(rules, "t.yar", warnings);
            assertEquals(List.of("ok"), rs.matchingRules(ByteBuffer.wrap("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII))), hex);
            assertEquals(true, warnings.toString().contains("not a valid hex string"), hex + ": " + warnings);
        }
    }

    /** Modifiers ClamAV's YARA grammar lacks, and hex strings its matcher cannot place, skip the rule. */
    @org.junit.jupiter.api.Test
    void unsupportedStringsSkipTheRuleAsInClamscan() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        String rules = String.join("\n",
                "rule P1 { strings: $a = \"hello\" private condition: $a }",
                "rule B1 { strings: $a = \"hello\" base64 condition: $a }",
                "rule X1 { strings: $a = \"hello\" xor condition: $a }",
                "rule W1 { strings: $a = \"hello\" wide ascii nocase fullword condition: $a }",
                "rule H1 { strings: $a = { 41 ?? 42 [2] 43 } condition: $a }",
                "rule H2 { strings: $a = { 41 4? 42 } condition: $a }",
                "rule H3 { strings: $a = { 41 (42|43) 44 } condition: $a }",
                "rule H4 { strings: $a = { 41 42 ?? 43 } condition: $a }",
                "rule H5 { strings: $a = { 41 42 [1-3] 43 44 } condition: $a }",
                "rule OK { strings: $a = \"zzz\" condition: $a }") + "\n";
        Path db = tmp.resolve("u.yar"), sample = tmp.resolve("u.txt");
        Files.writeString(db, rules);
        Files.write(sample, "hello AB\u0000C AOB ABD AB?C AB..CD zzz aGVsbG8= hello".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        List<String> expected = new ArrayList<>(clamscan(db, sample));
        List<String> got = new ArrayList<>(YaraRuleSet.compileClamAvCompat(rules, "u.yar", new ArrayList<>())
                .matchingRules(ByteBuffer.wrap(Files.readAllBytes(sample))));
        java.util.Collections.sort(expected);
        java.util.Collections.sort(got);
        assertEquals(expected, got);
        assertEquals(true, expected.contains("OK") && !expected.contains("X1"), expected.toString()); // both kinds occur
    }

    private static List<String> clamscan(Path db, Path sample) throws Exception {
        Process p = new ProcessBuilder("clamscan", "--no-summary", "--allmatch", "-d", db.toString(), sample.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("YARA\\.(\\S+)\\.UNOFFICIAL FOUND").matcher(out);
        while (m.find()) {
            if (!names.contains(m.group(1))) names.add(m.group(1)); // --allmatch repeats a rule once per layer
        }
        return names;
    }
}
