package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlatHexParser} against the token path ({@link HexPatternParser#parseTokens}): where the flat path
 * returns a pattern it must encode exactly as the token path's (parts, gaps, anchors, variants) and have the same
 * lazy parts; where the token path rejects a pattern the flat path must return null (so the caller raises the
 * token path's error). Checked on seeded random patterns over every token kind the flat path reads (and some it
 * leaves to the token path), on hand-picked edge cases, and on every body pattern of a generated database.
 */
class FlatHexParserTest {
    private static final Path GEN = Path.of("..", "..", "shared", "tools", "gen_sigs.py");

    /** Outcome counts, so a test can check both paths were exercised. */
    private static final class Tally {
        int flat, tokensOnly, rejected;
    }

    /** The pattern as PatternCodec writes it (FlatPlanTest compares with it too). */
    static byte[] encode(BodyPattern p) {
        FlatBuffers.Out out = new FlatBuffers.Out(64);
        PatternCodec.write(p, out);
        ByteBuffer b = out.written();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static void compare(String hex, boolean twoByteMinimum, Tally t) {
        BodyPattern flat = FlatHexParser.parse(hex, twoByteMinimum);
        BodyPattern tokens;
        try {
            tokens = HexPatternParser.parseTokens(hex, HexPatternParser.Modifiers.NONE, twoByteMinimum).get(0);
        } catch (PatternException e) {
            assertNull(flat, () -> "flat path accepted what the token path rejects (" + e.getMessage() + "): " + hex);
            t.rejected++;
            return;
        }
        if (flat == null) {
            t.tokensOnly++;
            return;
        }
        t.flat++;
        assertArrayEquals(encode(tokens), encode(flat), () -> "encoding differs: " + hex);
        assertArrayEquals(encode(tokens), flat.encoded, () -> "the flat path's own encoding differs: " + hex);
        assertArrayEquals(tokens.lazy, flat.lazy, () -> "lazy parts differ: " + hex);
        assertEquals(tokens.minLength(), flat.minLength(), () -> "min length differs: " + hex);
    }

    @Test
    void edgeCasesAgreeWithTheTokenPath() {
        String[] cases = {
            "", "a", "aa", "aabb", "aabbcc", "AABBCC", "aAbBcC", "aabbc", "aabbccg0", "zz", "a?bbcc", "??aabb", "aa??",
            "aabb{0}cc", "aabb{1}cc", "aabb{127}cc", "aabb{128}ccdd", "aabb{5-}ccdd", "aabb{-5}ccdd", "aabb{-}ccdd",
            "aabb{5-3}ccdd", "aabb{3-3}ccdd", "aabb{x}ccdd", "aabb{}ccdd", "aabb{1234567890}ccdd", "aabb{123456789}ccdd",
            "aabb{1-2-3}ccdd", "aabb{5", "aabb}cc", "aabb-cc", "aabb*", "*aabb", "aabb**ccdd", "aabb*ccdd", "aabb*cc",
            "aabb*c?dd", "aabb*{3}ccdd", "aabbcc{3}", "{3}aabbcc", "aa{2}bbcc", "a?b?c?d?", "aabb(cc|dd)eeff",
            "aabb[1-2]ccddee", "(B)aabbcc", "!(aa|bb)ccddee", "aabb|cc", "aabb)cc", "00000000", "ffffffffff",
            "0a0d0a0d", "aabb{ 1}ccdd", "aabb{+1}ccdd", "aabb{01-02}ccdd", "aabb{0-0}ccdd", "aabb{0-}ccdd",
            "aabbccddeeff00112233445566778899", "aa??bb??cc??dd", "aabb{1}cc{1}dd{1}ee", "????", "aa?",
            // libclamav's counts (GapCountDifferentialTest): atoi wrap, 0 = unbounded, ws/'+' inlines, '-' runs
            "aabb{4294967301}ccdd", "aabb{4294967296}ccdd", "aabb{2147483648}ccdd", "aabb{0000000005}ccdd",
            "aabb{2-1}ccdd", "aabb{5-0}ccdd", "aabb{-0}ccdd", "aabb{--5}ccdd", "aabb{5--}ccdd", "aabb{-5-5}ccdd",
            "aabb{\t5}ccdd", "aabb{+0}ccdd", "aabb{5 }ccdd", "aabb{ 200}ccdd", "aa{0}bbcc", "aabb{0}cc",
            "aabb(cc{0}|dd)eeff", "aabb(cc{ 1}|dd)eeff",
        };
        Tally t = new Tally();
        for (String c : cases) {
            compare(c, false, t);
            compare(c, true, t);
        }
        assertTrue(t.flat > 40 && t.rejected > 20 && t.tokensOnly > 5, () -> t.flat + "/" + t.rejected + "/" + t.tokensOnly);
    }

    /** A random pattern over hex pairs, ? nibbles, {n}, ranges, * and now and then something else. */
    private static String randomPattern(Random r) {
        StringBuilder b = new StringBuilder();
        int tokens = 1 + r.nextInt(24);
        String hex = "0123456789abcdefABCDEF";
        for (int i = 0; i < tokens; i++) {
            int k = r.nextInt(100);
            if (k < 60) {
                int run = 1 + r.nextInt(6);
                for (int j = 0; j < run; j++) b.append(hex.charAt(r.nextInt(hex.length()))).append(hex.charAt(r.nextInt(hex.length())));
            } else if (k < 66) {
                b.append(r.nextBoolean() ? "??" : r.nextBoolean() ? "?" + hex.charAt(r.nextInt(16)) : hex.charAt(r.nextInt(16)) + "?");
            } else if (k < 72) {
                b.append('{').append(r.nextInt(10) == 0 ? 120 + r.nextInt(20) : r.nextInt(6)).append('}');
            } else if (k < 80) {
                int lo = r.nextInt(8), hi = lo + r.nextInt(8) - 1;
                switch (r.nextInt(5)) {
                    case 0 -> b.append('{').append(lo).append('-').append('}');
                    case 1 -> b.append("{-").append(hi).append('}');
                    case 2 -> b.append("{-}");
                    default -> b.append('{').append(lo).append('-').append(hi).append('}');
                }
            } else if (k < 86) {
                b.append('*');
            } else if (k < 90) {
                b.append(hex.charAt(r.nextInt(16)));        // an odd digit
            } else if (k < 94) {
                b.append("(aa|bb)");                       // the token path's (alternatives)
            } else {
                b.append("{}-*?zg(|)[]!0".charAt(r.nextInt(14)));
            }
        }
        return b.toString();
    }

    @Test
    void seededRandomPatternsAgreeWithTheTokenPath() {
        Random r = new Random(20261126);
        Tally t = new Tally();
        for (int i = 0; i < 100_000; i++) {
            String s = randomPattern(r);
            compare(s, r.nextBoolean(), t);
        }
        assertTrue(t.flat > 10_000 && t.rejected > 10_000 && t.tokensOnly > 1_000,
                () -> t.flat + "/" + t.rejected + "/" + t.tokensOnly);
    }

    @Test
    void generatedDatabasePatternsAgreeWithTheTokenPath(@TempDir Path tmp) throws Exception {
        Path gen = GEN.toAbsolutePath().normalize();
        assumeTrue(Files.exists(gen), "gen_sigs.py not found at " + gen);
        Process p = new ProcessBuilder("python3", gen.toString(), "--size", "small", "--seed", "11", "--out", tmp.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertEquals(0, p.waitFor());
        List<String> ndb = new ArrayList<>(), ldb = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve("db/synth.ndb"), StandardCharsets.UTF_8)) ndb.add(line.split(":", 4)[3]);
        for (String line : Files.readAllLines(tmp.resolve("db/synth.ldb"), StandardCharsets.UTF_8)) {
            String[] f = line.split(";");
            for (int i = 3; i < f.length; i++) ldb.add(f[i]);
        }
        assertTrue(ndb.size() >= 1000 && ldb.size() >= 200, ndb.size() + " " + ldb.size());
        Tally t = new Tally();
        for (String s : ndb) compare(s, false, t);
        for (String s : ldb) compare(s, true, t);
        // every generated pattern is of the kinds the flat path reads
        assertEquals(ndb.size() + ldb.size(), t.flat, () -> t.flat + "/" + t.rejected + "/" + t.tokensOnly);
    }

    @Test
    void publicEntryPointsUseTheFlatPathWithTheSameResult() throws Exception {
        String hex = "4d5a{2-10}5045??00{130}aabbccdd*0102030405";
        assertNotNull(FlatHexParser.parse(hex, false));
        assertArrayEquals(encode(HexPatternParser.parseTokens(hex, HexPatternParser.Modifiers.NONE, false).get(0)),
                encode(HexPatternParser.parse(hex)));
        assertArrayEquals(encode(HexPatternParser.parseTokens(hex, HexPatternParser.Modifiers.NONE, true).get(0)),
                encode(HexPatternParser.parseTwoByteMinimum(hex)));
        // a too-short plain pattern: the same error through the public entry point
        try {
            HexPatternParser.parse("aabb");
            fail("accepted a 2-byte plain pattern");
        } catch (PatternException e) {
            assertTrue(e.getMessage().contains("at least 3 bytes"), e.getMessage());
        }
        assertNotNull(HexPatternParser.parseTwoByteMinimum("aabb"));
    }
}
