package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.match.HexPatternParser;
import dev.bulwark.engine.match.OffsetSpec;
import dev.bulwark.engine.match.PatternException;
import dev.bulwark.engine.match.PatternSet;
import java.nio.ByteBuffer;

class EmbeddedTypeFinderFuzzTest {
    /** A body pattern set with the embedded-type rules' built-in atoms, as a database's raw pass has them. */
    private static final PatternSet KERNEL = kernel();

    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        for (EmbeddedTypeFinder.Hit h : EmbeddedTypeFinder.find(ByteBuffer.wrap(data), true, 100)) {
            assertTrue(h.offset() >= 0 && h.offset() < data.length && h.end() <= data.length, h.toString());
        }
        // without "MZ…PE" a heap buffer may be searched by anchors: the same hits as byte by byte (direct buffer)
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        assertEquals(EmbeddedTypeFinder.find(direct, false, 3), EmbeddedTypeFinder.find(ByteBuffer.wrap(data), false, 3));
        // the kernel pass's candidates give the hits of the search over every byte
        for (boolean pe : new boolean[] {true, false}) {
            ByteBuffer d = ByteBuffer.wrap(data);
            EmbeddedCandidates c = new EmbeddedCandidates(d);
            assertTrue(KERNEL.scan(d, 1, null, (p, o, s, e) -> -1, null, c));
            assertEquals(EmbeddedTypeFinder.find(ByteBuffer.wrap(data), pe, 3), EmbeddedTypeFinder.find(d, pe, 3, c.complete()));
        }
    }

    private static PatternSet kernel() {
        try {
            PatternSet.Builder b = EmbeddedCandidates.addTo(PatternSet.builder());
            b.add(HexPatternParser.parse("504b0304"), 0, OffsetSpec.ANY, 0); // a pattern sharing a rule's atom
            b.add(HexPatternParser.parse("4d5a??00"), 0, OffsetSpec.ANY, 1);
            return b.build();
        } catch (PatternException e) {
            throw new IllegalStateException(e);
        }
    }
}
