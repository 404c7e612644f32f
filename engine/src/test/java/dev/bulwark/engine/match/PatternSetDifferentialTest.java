package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded randomized differential test: the fast {@link PatternSet} (atom index + verifiers + part
 * chains) must report exactly the start positions the naive {@link ReferenceMatcher} finds.
 */
class PatternSetDifferentialTest {
    private static final int PATTERNS = 120;
    private static final int ROUNDS = 25;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void singlePartMatchesReference(long seed) throws Exception {
        run(seed, 1, false, ByteBuffer::wrap);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void multiPartMatchesReference(long seed) throws Exception {
        run(seed, 4, false, ByteBuffer::wrap);
    }

    /** Same check through a direct buffer (the automaton's chunked path), with data larger than a chunk. */
    @ParameterizedTest
    @ValueSource(longs = {21, 22})
    void directBuffersMatchReference(long seed) throws Exception {
        run(seed, 1, true, b -> {
            ByteBuffer d = ByteBuffer.allocateDirect(b.length);
            d.put(b).flip();
            return d;
        });
    }

    /**
     * Thousands of patterns over the generator's small alphabet: many atoms share a 2-byte prefix, so
     * the word filter's words fill up and the anchor planner has to move anchors to spread them.
     */
    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33})
    void crowdedPrefixesMatchReference(long seed) throws Exception {
        run(seed, 3, false, ByteBuffer::wrap, MANY_PATTERNS, MANY_ROUNDS);
    }

    private static final int MANY_PATTERNS = 3000, MANY_ROUNDS = 4;

    private void run(long seed, int maxParts, boolean big, java.util.function.Function<byte[], ByteBuffer> wrap) throws Exception {
        run(seed, maxParts, big, wrap, PATTERNS, big ? 1 : ROUNDS);
    }

    private void run(long seed, int maxParts, boolean big, java.util.function.Function<byte[], ByteBuffer> wrap,
                     int patterns, int rounds) throws Exception {
        Random r = new Random(seed);
        List<ReferenceMatcher.Spec> specs = new ArrayList<>();
        PatternSet.Builder b = PatternSet.builder();
        while (specs.size() < patterns) {
            ReferenceMatcher.Spec s = ReferenceMatcher.generate(r, maxParts);
            BodyPattern p;
            try {
                p = HexPatternParser.parse(s.hex());
            } catch (PatternException e) {
                throw new AssertionError("generator produced a pattern the parser rejects: " + s.hex(), e);
            }
            b.add(p, 0, s.offset(), specs.size());
            specs.add(s);
        }
        PatternSet set = b.build();
        int matched = 0, multiMatched = 0;
        for (int round = 0; round < rounds; round++) {
            int len = big ? (1 << 20) + 1000 + r.nextInt(5000) : 64 + r.nextInt(6000);
            byte[] data = new byte[len];
            for (int i = 0; i < len; i++) data[i] = (byte) ReferenceMatcher.symbol(r);
            int planted = 1 + r.nextInt(big || patterns > PATTERNS ? 40 : 8);
            for (int k = 0; k < planted; k++) {
                byte[] inst = ReferenceMatcher.instance(r, specs.get(r.nextInt(specs.size())));
                if (inst.length >= len) continue;
                int at = r.nextInt(len - inst.length);
                if (r.nextInt(4) == 0) at = r.nextBoolean() ? 0 : len - inst.length;
                System.arraycopy(inst, 0, data, at, inst.length);
            }
            List<Set<Integer>> fast = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) fast.add(new TreeSet<>());
            set.scan(wrap.apply(data), 1, null, (pat, owner, start, end) -> {
                assertEquals(pat, owner);
                assertTrue(start >= 0 && start <= end && end <= len, "span " + start + ".." + end);
                fast.get(pat).add(start);
                return -1;
            });
            for (int i = 0; i < specs.size(); i++) {
                ReferenceMatcher.Spec s = specs.get(i);
                // only the big direct-buffer case scans past the first MiB; keep the reference cheap there
                List<Integer> ref = ReferenceMatcher.starts(s, data);
                Set<Integer> want = new TreeSet<>(ref);
                String where = "seed " + seed + " round " + round + " pattern " + s.hex() + " offset " + s.offset();
                if (!want.isEmpty()) { matched++; if (s.multiPart()) multiMatched++; }
                if (!s.multiPart()) {
                    if (!want.equals(fast.get(i))) fail(where + ": reference " + want + " fast " + fast.get(i));
                } else {
                    // multi-part: the chain keeps one start per match, so compare existence and soundness
                    assertEquals(!want.isEmpty(), !fast.get(i).isEmpty(), where + ": reference " + want + " fast " + fast.get(i));
                    for (int st : fast.get(i)) assertTrue(want.contains(st), where + ": fast reported start " + st + " not in " + want);
                }
            }
        }
        // the planted instances must make the comparison non-trivial
        assertTrue(matched >= rounds, "only " + matched + " pattern hits in " + rounds + " rounds");
        if (maxParts > 1) assertTrue(multiMatched > 0, "no multi-part pattern ever matched");
    }
}
