package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.diag.Diagnostic;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A rule set written with {@link YaraRuleSet#toBytes} and read back with {@link YaraRuleSet#fromBytes} gives the
 * same results as the compiled one: every rule of the shared conformance suite that compiles, scanned over its
 * case's data, compared rule by rule (verdict, tags, meta, every string match with its data) together with the
 * warnings; damaged entries are refused.
 */
class RuleSetCodecTest {
    @Test
    void conformanceRulesGiveTheSameResultsAfterARoundTrip() throws Exception {
        Path dir = YaraConformanceTest.dir();
        Assumptions.assumeTrue(dir != null, "conformance suite not found");
        int compared = 0, matchedCases = 0;
        for (String file : List.of("yara-test-rules.jsonl", "yara-test-modules.jsonl", "yarax-tests.jsonl")) {
            for (String l : Files.readAllLines(dir.resolve(file))) {
                if (l.isBlank()) continue;
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) MiniJson.parse(l);
                String rule = (String) c.get("rule");
                if (rule == null || rule.contains("$YARA_SRC")) continue;
                byte[] data = data(c, dir);
                if (data == null) continue;
                List<Diagnostic> warnings = new ArrayList<>();
                YaraRuleSet rs;
                try {
                    rs = YaraRuleSet.compile(List.of(new YaraSource("r.yar", rule)), YaraConformanceTest.EXTERNALS, null, warnings);
                } catch (RuntimeException e) {
                    continue; // rules that do not compile are never cached
                }
                byte[] bytes = rs.toBytes();
                YaraRuleSet back = YaraRuleSet.fromBytes(bytes);
                assertArrayEquals(bytes, back.toBytes(), rule);
                assertEquals(rs.warnings(), back.warnings(), rule);
                String a = render(rs, data), b = render(back, data);
                assertEquals(a, b, rule);
                compared++;
                if (a.contains("=true")) matchedCases++;
            }
        }
        assertTrue(compared > 1500, "compared " + compared);
        assertTrue(matchedCases > 500, "matching cases " + matchedCases);
    }

    @Test
    void manyRulesOverRealBytes() throws Exception {
        StringBuilder src = new StringBuilder("import \"pe\"\nimport \"math\"\n");
        for (int i = 0; i < 60; i++) {
            src.append("rule r").append(i).append(" : t").append(i % 3).append(" { meta: n = ").append(i).append(" s = \"x\" b = true\n")
                    .append(" strings: $a = \"ELF\" $b = { 7F 45 4C 46 0").append(i % 3 + 1).append(" [0-8] 00 } $c = /\\x00[a-z]{2,").append(3 + i % 5)
                    .append("}\\.so/ $d = \"lib\" wide ascii nocase fullword $e = { (41 | 42 43) ?? 4? }\n")
                    .append(" condition: ($a at 1 or #c > ").append(i % 4).append(") and for any i in (1..#c) : (@c[i] < filesize)")
                    .append(" and (math.entropy(0, 64) >= 0 or not defined pe.entry_point) and 1 of ($d, $e) and (#b >= 0) }\n");
        }
        YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("m.yar", src.toString())), Map.of());
        YaraRuleSet back = YaraRuleSet.fromBytes(rs.toBytes());
        for (Path p : List.of(Path.of("/bin/ls"), Path.of("/etc/passwd"), Path.of(System.getProperty("java.home"), "lib", "libjava.so"))) {
            if (!Files.isRegularFile(p)) continue;
            byte[] d = Files.readAllBytes(p);
            assertEquals(render(rs, d), render(back, d), p.toString());
        }
    }

    @Test
    void damagedEntriesAreRefused() throws Exception {
        YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("d.yar",
                "rule a { strings: $x = /ab[cd]+e/ $y = { 01 02 [2-4] 03 } condition: $x and #y < 3 and for all i in (1, 2) : (i > 0) }\n"
                        + "rule b { condition: a and \"x\" matches /x/i }")), Map.of());
        byte[] ok = rs.toBytes();
        for (int n = 0; n < ok.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(ok, n);
            assertThrows(IOException.class, () -> YaraRuleSet.fromBytes(cut), "cut at " + n);
        }
        for (int i = 0; i < ok.length; i++) {
            byte[] bad = ok.clone();
            bad[i] ^= 0x40;
            assertThrows(IOException.class, () -> YaraRuleSet.fromBytes(bad), "byte " + i);
        }
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThrows(IOException.class, () -> YaraRuleSet.fromBytes(longer));
    }

    /**
     * The kernel index stored after the rules (format 3) must be this set's: another set's index (another number of
     * atom references) or none where the strings have kernel atoms is refused, even behind a valid checksum.
     */
    @Test
    void storedKernelIndexMustFitTheStrings() throws Exception {
        YaraRuleSet a = YaraRuleSet.compile(List.of(new YaraSource("a.yar",
                "rule a { strings: $x = \"abcdef\" $y = { 01 02 03 04 } condition: any of them }")), Map.of());
        YaraRuleSet b = YaraRuleSet.compile(List.of(new YaraSource("b.yar",
                "rule b { strings: $x = \"qrstuv\" condition: $x }")), Map.of());
        byte[] ea = a.toBytes(), ib = b.matcher().indexBytes(), ia = a.matcher().indexBytes();
        int prefix = ea.length - 8 - ia.length - 4; // the entry ends with the index's length, its bytes and the CRC
        assertArrayEquals(ia, java.util.Arrays.copyOfRange(ea, prefix + 4, prefix + 4 + ia.length));
        byte[] d = "xxabcdefxx\u0001\u0002\u0003\u0004".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        String own = render(YaraRuleSet.fromBytes(ea), d);
        assertTrue(own.contains("$x@2+6") && own.contains("$y@10+4"), own);
        assertEquals(render(a, d), own);
        // inside a larger array, as the CLI's cache reads an entry behind its key material
        byte[] padded = new byte[ea.length + 5];
        System.arraycopy(ea, 0, padded, 3, ea.length);
        assertEquals(own, render(YaraRuleSet.fromBytes(padded, 3, ea.length), d));
        assertThrows(IOException.class, () -> YaraRuleSet.fromBytes(withIndex(ea, prefix, ib)), "another set's index");
        assertThrows(IOException.class, () -> YaraRuleSet.fromBytes(withIndex(ea, prefix, null)), "no index");
    }

    /**
     * (format 4) A cached set's variants and conditions stay encoded until a scan needs them: a part that does not
     * decode although the checksum holds is found only when reached, and the scan then answers from the rules compiled
     * again (called once), or throws without a way to compile them. A damaged part no scan reaches costs nothing.
     */
    @Test
    void partsDecodedOnFirstUseFallBackToCompilingWhenDamaged() throws Exception {
        String src = "rule v { strings: $x = \"ZZZZVARIANTZZ\" condition: $x }\n"
                + "rule c { strings: $y = \"qrstuvwx\" condition: $y and \"QQQQMARK\" contains \"Q\" }\n"
                + "rule n { strings: $z = \"nothing here\" condition: $z }";
        YaraRuleSet compiled = YaraRuleSet.compile(List.of(new YaraSource("l.yar", src)), Map.of());
        byte[] e = compiled.toBytes();
        byte[] badVariant = lengthBefore(e, "ZZZZVARIANTZZ"), badCondition = lengthBefore(e, "QQQQMARK");
        byte[] badUnreached = lengthBefore(e, "nothing here");
        byte[] hitsBoth = "..ZZZZVARIANTZZ..qrstuvwx..".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] hitsNeither = "..ZZZZ.....qrst....".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        String want = render(compiled, hitsBoth);
        assertTrue(want.contains(":v[][]=true") && want.contains(":c[][]=true") && want.contains(":n[][]=false"), want);
        for (byte[] bad : List.of(badVariant, badCondition)) {
            YaraRuleSet lazy = YaraRuleSet.fromBytes(bad); // accepted: the damaged part is not decoded yet
            assertEquals(render(compiled, hitsNeither), render(lazy, hitsNeither)); // nor reached here
            assertThrows(DamagedRuleSetException.class, () -> lazy.scan(ByteBuffer.wrap(hitsBoth)));
            int[] calls = {0};
            YaraRuleSet withFallback = YaraRuleSet.fromBytes(bad, 0, bad.length, () -> {
                calls[0]++;
                return YaraRuleSet.compile(List.of(new YaraSource("l.yar", src)), Map.of());
            });
            assertEquals(want, render(withFallback, hitsBoth));
            assertEquals(want, render(withFallback, hitsBoth));
            assertEquals(1, calls[0]);
            assertThrows(DamagedRuleSetException.class, lazy::toBytes); // never written back as it is
            assertArrayEquals(e, withFallback.toBytes()); // the set compiled again
        }
        YaraRuleSet unreached = YaraRuleSet.fromBytes(badUnreached, 0, badUnreached.length, () -> {
            throw new AssertionError("compiled although no damaged part was reached");
        });
        assertEquals(want, render(unreached, hitsBoth));
    }

    /** The entry with the length in front of the only occurrence of marker made huge, and its checksum fixed. */
    private static byte[] lengthBefore(byte[] entry, String marker) {
        byte[] m = marker.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = -1;
        for (int i = 0; i + m.length <= entry.length; i++) {
            if (java.util.Arrays.equals(entry, i, i + m.length, m, 0, m.length)) {
                assertEquals(-1, at, "marker found twice: " + marker);
                at = i;
            }
        }
        assertTrue(at >= 4, marker);
        byte[] d = entry.clone();
        ByteBuffer b = ByteBuffer.wrap(d);
        assertEquals(m.length, b.getInt(at - 4));
        b.putInt(at - 4, 0x7FFF_FFF0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(d, 0, d.length - 8);
        b.putLong(d.length - 8, crc.getValue());
        return d;
    }

    /** The entry's first {@code prefix} bytes, then {@code index} (null: none) and a valid checksum. */
    private static byte[] withIndex(byte[] entry, int prefix, byte[] index) {
        int n = index == null ? 0 : index.length;
        ByteBuffer b = ByteBuffer.allocate(prefix + 4 + n + 8);
        b.put(entry, 0, prefix).putInt(index == null ? -1 : n);
        if (index != null) b.put(index);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), 0, prefix + 4 + n);
        b.putLong(crc.getValue());
        return b.array();
    }

    @Test
    void includesAreReported() throws Exception {
        Path d = Files.createTempDirectory("rsc");
        try {
            Files.writeString(d.resolve("inc.yar"), "rule i { condition: true }");
            Files.writeString(d.resolve("main.yar"), "include \"inc.yar\"\nrule m { condition: i }");
            YaraRuleSet with = YaraRuleSet.compile(List.of(new YaraSource(d.resolve("main.yar").toString(),
                    Files.readString(d.resolve("main.yar")))), Map.of());
            assertTrue(with.usesIncludes());
            YaraRuleSet without = YaraRuleSet.compile(List.of(new YaraSource("x.yar", "rule m { condition: true }")), Map.of());
            assertTrue(!without.usesIncludes());
        } finally {
            try (var s = Files.list(d)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(d);
        }
    }

    private static byte[] data(Map<String, Object> c, Path dir) throws IOException {
        if (c.containsKey("file")) {
            Path p = dir.resolve("data").resolve(Path.of((String) c.get("file")).getFileName().toString());
            return Files.exists(p) ? Files.readAllBytes(p) : null;
        }
        return HexFormat.of().parseHex(String.valueOf(c.getOrDefault("data_hex", "")));
    }

    /** Everything a scan reports, as text. */
    static String render(YaraRuleSet rs, byte[] data) {
        StringBuilder sb = new StringBuilder();
        List<YaraRuleSet.RuleResult> res;
        try {
            res = rs.scan(ByteBuffer.wrap(data));
        } catch (RuntimeException e) {
            return "crash " + e;
        }
        for (YaraRuleSet.RuleResult r : res) {
            sb.append(r.namespace()).append(':').append(r.name()).append(r.tags()).append(r.meta()).append('=').append(r.matched()).append('\n');
            for (YaraRuleSet.StringMatch m : r.strings()) {
                sb.append("  ").append(m.id()).append('@').append(m.offset()).append('+').append(m.length()).append(m.hex() ? " hex " : " ")
                        .append(HexFormat.of().formatHex(m.data())).append('\n');
            }
        }
        return sb.toString();
    }
}
