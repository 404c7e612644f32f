package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * (maxlen20) {@link PatternSet#acMaxLength} is known once the set is built and is read from its stored form: a read
 * set answers without decoding a pattern (it decoded every pattern of a snapshot on first use, 0.3 CPU-s and 150 MB
 * for the 200k patterns of the large generated database).
 */
class PatternSetLengthsTest {
    @Test
    void lengthsAreStoredAndReadWithoutDecodingAPattern() throws Exception {
        PatternSet.Builder b = PatternSet.builder();
        String b20 = "42".repeat(20), c30 = "43".repeat(30);
        b.add(HexPatternParser.parse("41".repeat(50)), 0, OffsetSpec.ANY, 0);
        b.add(HexPatternParser.parse(b20 + "{5}" + c30), 0, OffsetSpec.ANY, 1);      // 55
        b.add(HexPatternParser.parse(b20 + "*" + c30), 3, OffsetSpec.ANY, 2);        // 30
        b.add(HexPatternParser.parse(b20 + "{5-9}" + b20), 3, OffsetSpec.ANY, 3);    // 20
        b.add(HexPatternParser.parse("(41|4243)" + "44".repeat(60)), 7, OffsetSpec.ANY, 4); // 62
        b.add(HexPatternParser.parse(b20 + "??" + c30), 15, OffsetSpec.ANY, 5);      // 51
        PatternSet built = b.build();
        int[] expected = new int[16];
        expected[0] = 55;
        expected[3] = 30;
        expected[7] = 62;
        expected[15] = 51;
        FlatBuffers.Out out = new FlatBuffers.Out();
        built.write(out);
        ByteBuffer image = out.finish();
        // the encodings follow the pattern count and their own length; garble them all
        int len = image.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4);
        for (int i = 8; i < 8 + len; i++) image.put(i, (byte) 0xFF);
        PatternSet read = PatternSet.read(new FlatBuffers.In(image.duplicate()), new Damage(null));
        int[] got = new int[16], fromBuilt = new int[16];
        for (int t = 0; t < 16; t++) {
            got[t] = read.acMaxLength(t);
            fromBuilt[t] = built.acMaxLength(t);
        }
        assertEquals(Arrays.toString(expected), Arrays.toString(fromBuilt), "built from patterns");
        assertEquals(Arrays.toString(expected), Arrays.toString(got), "read back, encodings unreadable");
        assertEquals(0, read.acMaxLength(16));
        assertEquals(0, read.acMaxLength(-1));
        assertEquals(null, read.damage().first(), "nothing was decoded");
    }

    @Test
    void aFixedGapOf128OrMoreSplitsThePatternAsLibclamavDoes() throws Exception {
        // (review21) cli_add_content_match_pattern turns {n} into n "??" only for 0 < n < 128; a longer one is a split
        String b20 = "42".repeat(20), c30 = "43".repeat(30);
        assertEquals(20 + 127 + 30, PatternSet.acLength(HexPatternParser.parse(b20 + "{127}" + c30)));
        assertEquals(30, PatternSet.acLength(HexPatternParser.parse(b20 + "{128}" + c30)));
        assertEquals(30, PatternSet.acLength(HexPatternParser.parse(b20 + "{200000}" + c30)));
    }
}
