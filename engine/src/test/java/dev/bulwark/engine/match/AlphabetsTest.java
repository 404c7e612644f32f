package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.normalize.TextNormalizer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Alphabets#fits}: which patterns can occur in normalised text, and the soundness that the text view's
 * skipped pass relies on: a pattern said not to fit never matches data over the alphabet.
 */
class AlphabetsTest {
    private static final long[] TEXT = TextNormalizer.alphabet();

    private static boolean fits(String hex) throws PatternException {
        return Alphabets.fits(HexPatternParser.parse(hex), TEXT);
    }

    private static boolean fitsNocase(String hex) throws PatternException {
        return Alphabets.fits(HexPatternParser.parse(hex, new HexPatternParser.Modifiers(true, false, false, false)).get(0), TEXT);
    }

    @Test
    void theTextAlphabetIsPrintableAsciiWithoutUpperCase() {
        for (int b = 0; b < 256; b++) {
            boolean in = (TEXT[b >>> 6] & 1L << b) != 0;
            assertEquals(b >= 0x20 && b <= 0x7E && !(b >= 'A' && b <= 'Z'), in, "byte " + b);
        }
    }

    @Test
    void literalsNibblesClassesAndAlternatives() throws PatternException {
        assertTrue(fits("68656c6c6f20776f726c64"), "hello world");
        assertFalse(fits("48454c4c4f"), "HELLO: upper case never survives");
        assertTrue(fitsNocase("48454c4c4f"), "HELLO, case-insensitive: hello does");
        assertFalse(fits("68656c0a6c6f"), "a newline becomes a space");
        assertFalse(fits("6865ff6c6f"), "bytes above 0x7E are dropped");
        assertTrue(fits("68654?6c6f"), "0x40 '@' is kept");
        assertTrue(fits("6865?a6c6f"), "low nibble a: 0x3a ':' and 0x6a 'j' are kept");
        assertTrue(fits("6865?06c6f"), "low nibble 0: 0x20, 0x30, 0x60 and 0x70 are kept");
        assertFalse(fits("68650?6c6f"), "high nibble 0: control bytes only");
        assertFalse(fits("6865f?6c6f"), "high nibble f: bytes above 0x7E only");
        assertTrue(fits("6865??6c6f"), "any byte");
        assertTrue(fits("6865{2-5}6c6f"), "a gap");
        assertTrue(fits("6865(41|61)6c6f"), "an alternative with 'a'");
        assertFalse(fits("6865(41|42)6c6f"), "alternatives of upper case only");
        assertTrue(fits("6865(4142|6162)6c6f"), "multi-byte alternatives");
        assertFalse(fits("6865(4142|6143)6c6f"), "each multi-byte alternative holds an upper-case letter");
        assertFalse(fits("68656c6c*4142*6f70"), "a part with upper case");
    }

    /**
     * Soundness over random patterns: those that do not fit never match random data over the alphabet, and those
     * that match such data always fit. Patterns are drawn from bytes near the alphabet's edges.
     */
    @Test
    void patternsThatDoNotFitNeverMatchDataOverTheAlphabet() throws PatternException {
        Random r = new Random(20261126);
        int[] pool = {0x09, 0x0a, 0x20, 0x21, 0x40, 0x41, 0x5a, 0x5b, 0x61, 0x7a, 0x7e, 0x7f, 0x80, 0xff};
        byte[] alphabet = new byte[69];
        int k = 0;
        for (int b = 0; b < 256; b++) if ((TEXT[b >>> 6] & 1L << b) != 0) alphabet[k++] = (byte) b;
        assertEquals(alphabet.length, k);
        int fit = 0, unfit = 0;
        for (int round = 0; round < 400; round++) {
            StringBuilder hex = new StringBuilder();
            int n = 3 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                int b = r.nextInt(3) == 0 ? pool[r.nextInt(pool.length)] : alphabet[r.nextInt(alphabet.length)] & 0xFF;
                String h = HexFormat.of().toHexDigits((byte) b);
                switch (r.nextInt(8)) {
                    case 0 -> hex.append('?').append(h.charAt(1));
                    case 1 -> hex.append(h.charAt(0)).append('?');
                    case 2 -> hex.append('(').append(h).append('|').append(HexFormat.of().toHexDigits((byte) pool[r.nextInt(pool.length)])).append(')');
                    default -> hex.append(h);
                }
            }
            BodyPattern p;
            try {
                p = HexPatternParser.parse(hex.toString());
            } catch (PatternException e) {
                continue; // too few fixed bytes for an anchor
            }
            boolean fits = Alphabets.fits(p, TEXT);
            if (fits) fit++; else unfit++;
            PatternSet.Builder b = PatternSet.builder();
            b.add(p, 0, OffsetSpec.ANY, 0);
            PatternSet set = b.build();
            assertEquals(fits ? 1 : 0, set.targetsFitting(TEXT), hex.toString());
            // data over the alphabet, with the pattern's own bytes where they are in it (so fitting ones match often)
            List<Integer> found = new ArrayList<>();
            for (int t = 0; t < 20; t++) {
                byte[] data = new byte[256];
                for (int i = 0; i < data.length; i++) data[i] = alphabet[r.nextInt(alphabet.length)];
                set.scan(ByteBuffer.wrap(data), 1, null, (pat, owner, s, e) -> {
                    found.add(s);
                    return -1;
                });
            }
            if (!fits) assertTrue(found.isEmpty(), hex + " does not fit but matched");
        }
        assertTrue(fit > 20 && unfit > 20, fit + " fitting, " + unfit + " not");
    }
}
