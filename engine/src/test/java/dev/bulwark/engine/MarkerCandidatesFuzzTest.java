package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.EmbeddedCandidates;
import dev.bulwark.engine.filetype.EmbeddedTypeFinder;
import dev.bulwark.engine.filetype.HtmlMarkers;
import dev.bulwark.engine.filetype.MailMarkers;
import dev.bulwark.engine.filetype.MarkerCandidates;
import dev.bulwark.engine.match.HexPatternParser;
import dev.bulwark.engine.match.OffsetSpec;
import dev.bulwark.engine.match.PatternException;
import dev.bulwark.engine.match.PatternSet;
import java.nio.ByteBuffer;
import java.util.List;

/** The marker searches over a kernel pass's candidates give the answers of the searches over every byte. */
class MarkerCandidatesFuzzTest {
    /** A body pattern set with the built-in atoms, as a database's raw pass has them. */
    private static final PatternSet KERNEL = kernel();

    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        for (ByteBuffer d : new ByteBuffer[] {ByteBuffer.wrap(data), ByteBuffer.allocateDirect(data.length).put(data).flip()}) {
            EmbeddedCandidates c = new EmbeddedCandidates(d);
            assertTrue(KERNEL.scan(d, 1, null, (p, o, s, e) -> -1, null, c));
            MarkerCandidates m = c.complete().markers(d);
            ByteBuffer plain = ByteBuffer.wrap(data);
            assertEquals(MailMarkers.find(plain, true, null), MailMarkers.find(d, true, m));
            assertEquals(MailMarkers.find(plain, false, null), MailMarkers.find(d, false, m));
            assertEquals(HtmlMarkers.find(plain), HtmlMarkers.find(d, m));
            List<EmbeddedTypeFinder.Hit> none = List.of();
            assertEquals(EmbeddedObjects.withUdf(plain, none, null), EmbeddedObjects.withUdf(d, none, m));
        }
    }

    private static PatternSet kernel() {
        try {
            PatternSet.Builder b = EmbeddedCandidates.addTo(PatternSet.builder());
            b.add(HexPatternParser.parse("3c736372697074"), 0, OffsetSpec.ANY, 0); // shares the "<scr" atom
            b.add(HexPatternParser.parse("0042454130??"), 0, OffsetSpec.ANY, 1);
            return b.build();
        } catch (PatternException e) {
            throw new IllegalStateException(e);
        }
    }
}
