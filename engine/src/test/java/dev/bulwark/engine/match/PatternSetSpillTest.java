package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pattern set whose stored patterns and built encoding go through temporary files (as a large
 * database's do) is the same set as one built on the heap: the same snapshot bytes, and the same
 * matches, in the same order, on random data seeded with the patterns' own bytes.
 */
class PatternSetSpillTest {
    /** Enough patterns to fill several of the builder's 1 MiB storage chunks. */
    private static final int PATTERNS = 20_000;

    @ParameterizedTest
    @ValueSource(longs = {0, 1 << 20, 2 << 20})
    void spilledSetEqualsHeapSet(long spillAbove) throws Exception {
        Random r = new Random(5 + spillAbove);
        PatternSet.Builder heap = PatternSet.builder(Long.MAX_VALUE), spilled = PatternSet.builder(spillAbove);
        List<String> hex = new ArrayList<>();
        while (hex.size() < PATTERNS) {
            ReferenceMatcher.Spec s = ReferenceMatcher.generate(r, 4);
            int id = hex.size();
            heap.add(HexPatternParser.parse(s.hex()), id % 3, s.offset(), id);
            spilled.add(HexPatternParser.parse(s.hex()), id % 3, s.offset(), id);
            hex.add(s.hex());
        }
        assertTrue(spilled.spilling() && !heap.spilling());
        PatternSet a = heap.build(), b = spilled.build();
        assertEquals(a.size(), b.size());
        assertEquals(bytes(a), bytes(b), "snapshot encoding");
        long total = 0;
        for (int round = 0; round < 4; round++) {
            byte[] data = new byte[200_000];
            for (int i = 0; i < data.length; i++) data[i] = (byte) ReferenceMatcher.symbol(r);
            List<String> ma = matches(a, data), mb = matches(b, data);
            assertEquals(ma, mb, "round " + round);
            total += ma.size();
        }
        assertTrue(total > 0, "no match at all: the comparison would prove nothing");
    }

    private static ByteBuffer bytes(PatternSet s) {
        FlatBuffers.Out out = new FlatBuffers.Out();
        s.write(out);
        return out.finish();
    }

    private static List<String> matches(PatternSet s, byte[] data) {
        List<String> out = new ArrayList<>();
        s.scan(ByteBuffer.wrap(data), 0b111, null, (pattern, owner, start, end) -> {
            out.add(pattern + ":" + owner + ":" + start + ":" + end);
            return -1;
        });
        return out;
    }
}
