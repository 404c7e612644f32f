package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.diag.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compile-time warnings yara 4.2 gives about slow strings ("may slow down scanning", and ".*, .+ or .{x,}"
 * in regular expressions) must be given for the same strings: text strings with their modifiers, generated hex strings with jumps on both sides of
 * yara's chaining threshold, unbounded jumps, filler bytes, wildcards and nibbles, and regexes with unbounded
 * dots at top level, inside groups and inside alternatives; compared rule by rule with yara's own output.
 */
class YaraWarningsDifferentialTest {
    private static final Path YARA = Path.of("/usr/bin/yara");
    private static final Pattern YARA_WARNING = Pattern.compile("warning: rule \"(\\w+)\" in .*?\\(\\d+\\): (.*)");
    private static final Pattern OUR_RULE = Pattern.compile("\\(rule \"(\\w+)\"\\)");

    @TempDir
    Path tmp;

    @Test
    void sameSlowStringWarningsAsYara() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        Random rnd = new Random(20261126);
        StringBuilder src = new StringBuilder();
        for (int i = 0; i < 400; i++) src.append("rule h").append(i).append(" { strings: $a = { ").append(hex(rnd)).append(" } condition: $a }\n");
        String[] regexes = {
            "abcdefgh.*xyz", "abcdefgh.+x", "abcdefgh.{3,}x", "abcdefgh.{,300}x", "abcdefgh.*?x", "abcdefgh(.*)x",
            "abcdefgh(xy|.*)z", "abcdefgh(x.*)?z", "(abcdefgh.*z)", "ab.*", "a.*b", "ab[^x]*cd", "ab.{2,}", "abcdefgh[a-z]+",
            "(abcd|efgh).*q", "abcdefgh\\x00.*", "abc", "ab", "\\x00\\x00\\x00\\x00", "a(b|c)d", "[a-z]{4}", "abcd.{1,2}efgh",
        };
        for (int i = 0; i < regexes.length; i++) {
            src.append("rule x").append(i).append(" { strings: $a = /").append(regexes[i]).append("/ condition: $a }\n");
            src.append("rule s").append(i).append(" { strings: $a = /").append(regexes[i]).append("/s wide condition: $a }\n");
        }
        String[] texts = {"ab", "abc", "abcd", "\\x00\\x00\\x00\\x00", "\\x00\\x01", "    ", "aaaa", "ab\\x00\\x00", "\\xcc\\xcc\\xcc", "aAaA", "Ab", "xyzw1234", "\\x01\\x02\\x03\\x04\\x05",
            "\\xff\\xfe", "a\\x00b\\x00c", "\\x90\\x90\\x90\\x90\\x90", "abc\\x00\\x00\\x00\\x00"};
        String[] modifiers = {"", "nocase", "wide", "ascii wide", "xor", "fullword", "wide nocase", "xor(1-3)", "xor(0x20)", "wide xor", "ascii wide nocase"};
        for (int i = 0; i < texts.length; i++) {
            for (int j = 0; j < modifiers.length; j++) {
                src.append("rule t").append(i).append('_').append(j).append(" { strings: $a = \"").append(texts[i]).append("\" ")
                        .append(modifiers[j]).append(" condition: $a }\n");
            }
        }
        Path rules = tmp.resolve("w.yar"), empty = tmp.resolve("empty");
        Files.writeString(rules, src);
        Files.write(empty, new byte[0]);

        TreeSet<String> theirs = new TreeSet<>();
        Process p = new ProcessBuilder(YARA.toString(), rules.toString(), empty.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        for (String line : out.split("\n")) {
            Matcher m = YARA_WARNING.matcher(line);
            if (m.matches()) theirs.add(m.group(1) + " " + kind(m.group(2)));
        }

        List<Diagnostic> warnings = new ArrayList<>();
        YaraRuleSet.compile(List.of(new YaraSource("w.yar", src.toString())), Map.of(), null, warnings);
        TreeSet<String> ours = new TreeSet<>();
        for (Diagnostic d : warnings) {
            Matcher m = OUR_RULE.matcher(d.message());
            assertTrue(m.find(), d.message());
            ours.add(m.group(1) + " " + kind(d.message()));
        }
        assertTrue(theirs.size() > 40 && theirs.size() < 400, "generator too one-sided: " + theirs.size());
        assertEquals(theirs, ours);
    }

    private static String kind(String message) {
        if (message.contains("may slow down scanning")) return "slow";
        if (message.contains("contains .*, .+ or .{x,}")) return "dot";
        return message;
    }

    /** A hex string of 1-4 parts joined by jumps; parts of 1-6 tokens that start and end with a fixed byte. */
    private static String hex(Random rnd) {
        StringBuilder b = new StringBuilder();
        int parts = 1 + rnd.nextInt(4);
        for (int p = 0; p < parts; p++) {
            if (p > 0) b.append(jump(rnd)).append(' ');
            int len = 1 + rnd.nextInt(6);
            for (int t = 0; t < len; t++) {
                boolean edge = t == 0 || t == len - 1;
                int k = edge ? 0 : rnd.nextInt(5);
                b.append(switch (k) {
                    case 1 -> "??";
                    case 2 -> "?" + Integer.toHexString(rnd.nextInt(16));
                    case 3 -> "(" + fixed(rnd) + " | " + fixed(rnd) + ")";
                    default -> fixed(rnd);
                }).append(' ');
            }
        }
        return b.toString().trim();
    }

    private static String fixed(Random rnd) {
        int[] fillers = {0x00, 0xff, 0xcc, 0x20, 0x90};
        int v = rnd.nextInt(3) == 0 ? fillers[rnd.nextInt(fillers.length)] : rnd.nextInt(256);
        return String.format("%02x", v);
    }

    private static String jump(Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0 -> "[-]";
            case 1 -> "[" + (150 + rnd.nextInt(100)) + "]";
            case 2 -> "[1-" + (150 + rnd.nextInt(100)) + "]";
            case 3 -> "[" + rnd.nextInt(300) + "-]";
            case 4 -> "[200]";
            case 5 -> "[201]";
            default -> "[" + (2 + rnd.nextInt(10)) + "]";
        };
    }
}
