package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.match.FlatBuffers;
import dev.bulwark.engine.match.HexPatternParser;
import dev.bulwark.engine.match.OffsetSpec;
import dev.bulwark.engine.match.PatternSet;
import java.nio.ByteBuffer;
import java.util.Random;

/** Pattern sets with the built-in atoms and raw passes over them, shared by the candidate searches' tests. */
public final class CandidateFixtures {
    private CandidateFixtures() {}

    /**
     * Sets with the built-in atoms over {@code patterns} (hex, target 0): plain, with {@code foreignAtoms} added as
     * another engine's, and the plain one read back from its serialised form.
     */
    public static PatternSet[] sets(String[] patterns, byte[][] foreignAtoms) throws Exception {
        PatternSet.Builder b = EmbeddedCandidates.addTo(PatternSet.builder());
        PatternSet.Builder b2 = EmbeddedCandidates.addTo(PatternSet.builder());
        for (int i = 0; i < patterns.length; i++) {
            b.add(HexPatternParser.parse(patterns[i]), 0, OffsetSpec.ANY, i);
            b2.add(HexPatternParser.parse(patterns[i]), 0, OffsetSpec.ANY, i);
        }
        PatternSet a = b.build();
        assertEquals(EmbeddedCandidates.ATOMS, a.builtinCount());
        int[] owners = new int[foreignAtoms.length];
        for (int i = 0; i < owners.length; i++) owners[i] = i;
        PatternSet foreign = b2.build().withForeign(foreignAtoms, owners, foreignAtoms.length, null);
        FlatBuffers.Out out = new FlatBuffers.Out();
        a.write(out);
        PatternSet read = PatternSet.read(new FlatBuffers.In(out.finish()), new dev.bulwark.engine.match.Damage(null));
        assertEquals(EmbeddedCandidates.ATOMS, read.builtinCount());
        return new PatternSet[] {a, foreign, read};
    }

    /**
     * Random binary, printable text with newlines, or zero-filled data: by {@code round % 5} of up to {@code tiny},
     * up to {@code small} or up to 40,000 bytes, by {@code round % 3} its kind. The tests plant their markers in it.
     */
    public static byte[] background(Random r, int round, int tiny, int small) {
        int n = switch (round % 5) {
            case 0 -> r.nextInt(tiny);
            case 1 -> r.nextInt(small);
            default -> r.nextInt(40_000);
        };
        byte[] d = new byte[n];
        switch (round % 3) {
            case 0 -> r.nextBytes(d);
            case 1 -> { for (int i = 0; i < n; i++) d[i] = (byte) (r.nextInt(10) == 0 ? '\n' : ' ' + r.nextInt(95)); }
            default -> { }
        }
        return d;
    }

    /** A raw pass over d; matches of the set ask for resume positions now and then, as weak detections do. */
    public static EmbeddedCandidates candidates(PatternSet set, ByteBuffer d, Random r) {
        EmbeddedCandidates c = new EmbeddedCandidates(d);
        int skip = r.nextInt(3);
        boolean complete = set.scan(d, 1, null, (p, o, s, e) -> skip == 0 ? -1 : e + 1 + skip * 5000, set.hasForeign() ? (x, p) -> -1 : null, c);
        assertTrue(complete);
        return c;
    }
}
