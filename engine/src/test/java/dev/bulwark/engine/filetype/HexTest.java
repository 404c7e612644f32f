package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Hex#parse} decodes as {@code HexFormat.of().parseHex} does and refuses what it refuses. */
class HexTest {
    @Test
    void decodesAsHexFormat() {
        Random r = new Random(12);
        for (int n = 0; n < 2000; n++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            String s = HexFormat.of().formatHex(b);
            if (r.nextBoolean()) s = s.toUpperCase(java.util.Locale.ROOT);
            assertArrayEquals(HexFormat.of().parseHex(s), Hex.parse(s), s);
            assertArrayEquals(b, Hex.parse(s));
        }
    }

    @Test
    void refusesWhatHexFormatRefuses() {
        for (String bad : new String[] {"0", "abc", "0g", "g0", "zz", "0:", ":0", "/0", "0@", "@0", "`0", "0G", "\u00e90", "0\u0100", " 0"}) {
            assertThrows(IllegalArgumentException.class, () -> HexFormat.of().parseHex(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> Hex.parse(bad), bad);
        }
    }
}
