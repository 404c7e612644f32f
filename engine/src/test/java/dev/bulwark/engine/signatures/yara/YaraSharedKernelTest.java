package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .yar rules loaded with ClamAV body signatures share the body patterns' kernel index: one pass over each layer
 * feeds both. The engine must detect exactly what clamscan 1.4 detects with the same database directory, for
 * rules whose strings take the kinds of atom ClamAV's YARA supports (literal, nocase, wide, fullword, hex with
 * jumps and alternatives, regex, strings too short for a 4-byte atom; clamscan rejects {@code xor}, which
 * YaraDifferentialTest covers against yara).
 */
class YaraSharedKernelTest {
    @TempDir
    Path tmp;

    private static final String RULES = String.join("\n",
            "rule y_lit { strings: $a = \"bulwark-yara-one\" condition: $a }",
            "rule y_nocase { strings: $a = \"MiXeD CaSe StRiNg\" nocase condition: $a }",
            "rule y_wide { strings: $a = \"widestring\" wide condition: $a }",
            "rule y_hex { strings: $a = { 4D 5A ?? ?? [2-6] 50 45 ( 00 | 01 ) } condition: $a }",
            "rule y_re { strings: $a = /foo[0-9]{2,4}bar/ condition: $a }",
            "rule y_short { strings: $a = \"qz\" condition: #a == 3 }",
            "rule y_two { strings: $a = \"first-part\" $b = \"second-part\" condition: $a and $b }",
            "rule y_at { strings: $a = \"HEAD\" condition: $a at 0 }",
            "rule y_full { strings: $a = \"word\" fullword condition: $a }",
            "");
    /** Body signatures whose bytes overlap the YARA strings, so both engines' atoms meet in one index. */
    private static final String NDB = String.join("\n",
            "Test.Ndb-1:0:*:" + hex("bulwark-yara-one"),
            "Test.Ndb-2:0:*:" + hex("ndb-") + "{2-8}" + hex("marker"),
            "Test.Ndb-3:0:*:" + hex("foo12") + "??" + hex("ar"),
            "");

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] wide(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1), w = new byte[b.length * 2];
        for (int i = 0; i < b.length; i++) w[2 * i] = b[i];
        return w;
    }

    private static final String[] TOKENS = {"bulwark-yara-one", "mixed case string", "MIXED CASE STRING", "first-part",
        "second-part", "qz", "qz qz", "foo123bar", "foo1bar", "foo12xar", "ndb-xxxmarker", "ndb-marker", " word ", "words",
        "HEAD", "MZ\u0090\0abcdPE\0", "MZ\u0090\0aPE\1", "~ab|", "~a|", "@@", "x@@y"};

    private static byte[] sample(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (r.nextInt(4) == 0) out.writeBytes("HEAD".getBytes(StandardCharsets.ISO_8859_1));
        int parts = 1 + r.nextInt(8);
        for (int i = 0; i < parts; i++) {
            switch (r.nextInt(5)) {
                case 0 -> {
                    byte[] junk = new byte[r.nextInt(64)];
                    r.nextBytes(junk);
                    out.writeBytes(junk);
                }
                case 1 -> out.writeBytes(wide("widestring")); // other wide text: clamscan also matches its UTF-16 decoding
                default -> out.writeBytes(TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toByteArray();
    }

    @Test
    void sharedPassDetectsWhatClamscanDetects() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(db.resolve("t.yar"), RULES);
        Files.writeString(db.resolve("t.ndb"), NDB);
        // a second rule file: its entries follow the first file's in the shared index; both strings have 2-byte
        // atoms (clamscan refuses a string without two consecutive fixed bytes, so 1-byte atoms are left to
        // YaraConformanceTest)
        Files.writeString(db.resolve("u.yar"), "rule u_gap { strings: $a = { 7e 61 ?? 7c } condition: $a }\n"
                + "rule u_two { strings: $a = \"@@\" condition: #a >= 2 }\n");
        Path samples = Files.createDirectories(tmp.resolve("samples"));
        Random r = new Random(42);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Path f = samples.resolve(String.format("s%03d", i));
            Files.write(f, sample(r));
            files.add(f);
        }
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        assertTrue(engine.database().signatures().patterns.hasForeign(), "YARA atoms are in the body index");
        var expected = clamscan(db, samples);
        int detections = 0;
        for (Path f : files) {
            ScanResult res = engine.scan(f, ScanOptions.defaults().withAllMatch(true));
            TreeSet<String> got = new TreeSet<>();
            res.detections().forEach(d -> got.add(d.name().replace(".UNOFFICIAL", "")));
            detections += got.size();
            assertEquals(expected.getOrDefault(f.toString(), new TreeSet<>()), got, "sample " + f + ": "
                    + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
        assertTrue(detections > 60, "the samples exercise the rules: " + detections);
    }

    /** clamscan --allmatch over a directory: file -> detection names (without .UNOFFICIAL). */
    private static java.util.Map<String, TreeSet<String>> clamscan(Path db, Path dir) throws Exception {
        Process p = new ProcessBuilder("clamscan", "--no-summary", "--allmatch", "-r", "-d", db.toString(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        p.waitFor(120, TimeUnit.SECONDS);
        java.util.Map<String, TreeSet<String>> m = new java.util.HashMap<>();
        Matcher x = Pattern.compile("(?m)^(.*): (\\S+) FOUND$").matcher(out);
        while (x.find()) m.computeIfAbsent(x.group(1), k -> new TreeSet<>()).add(x.group(2).replace(".UNOFFICIAL", ""));
        return m;
    }
}
