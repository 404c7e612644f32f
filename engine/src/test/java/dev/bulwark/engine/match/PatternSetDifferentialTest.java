package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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

    /** Scan 4 MiB first, so the set's {@link StrideFilter} is built and in use for the compared rounds. */
    private boolean warmStride;

    /**
     * The same comparisons with the stride filter in front of the word filter (built after an index has
     * scanned {@link StrideFilter#BUILD_AFTER} positions): single, multi-part, weak and open parts; odd seeds
     * through direct buffers.
     */
    @ParameterizedTest
    @ValueSource(longs = {61, 62, 63, 64, 65, 66})
    void stridedScansMatchReference(long seed) throws Exception {
        warmStride = true;
        java.util.function.Function<byte[], ByteBuffer> wrap = seed % 2 == 0 ? ByteBuffer::wrap : b -> {
            ByteBuffer d = ByteBuffer.allocateDirect(b.length);
            d.put(b).flip();
            return d;
        };
        run(seed, seed < 63 ? 1 : 4, false, wrap, PATTERNS, ROUNDS, seed >= 65, seed == 66);
    }

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
     * Parts anchored on a weak 2-byte atom (aa bb ?? ?? cc dd) are left out of the index and searched next
     * to their indexed neighbour, before it (FROM_NEXT) or after it (FROM_PREV, including last parts,
     * whose reports are queued until the scan reaches them). Odd seeds go through a direct buffer.
     */
    @ParameterizedTest
    @ValueSource(longs = {51, 52, 53, 54, 55, 56})
    void weakPartsMatchReference(long seed) throws Exception {
        java.util.function.Function<byte[], ByteBuffer> wrap = seed % 2 == 0 ? ByteBuffer::wrap : b -> {
            ByteBuffer d = ByteBuffer.allocateDirect(b.length);
            d.put(b).flip();
            return d;
        };
        run(seed, 4, false, wrap, PATTERNS, ROUNDS, true);
    }

    /**
     * Weak parts next to unbounded gaps ({@code *}, {@code {n-}}): first parts searched once per pass for
     * all of them before an occurrence of part 1 needs them (OPEN_NEXT), later parts by the pass's open
     * scanner from the first occurrence of their previous part on (OPEN_PREV). Odd seeds: direct buffers.
     */
    @ParameterizedTest
    @ValueSource(longs = {61, 62, 63, 64, 65, 66})
    void openWeakPartsMatchReference(long seed) throws Exception {
        java.util.function.Function<byte[], ByteBuffer> wrap = seed % 2 == 0 ? ByteBuffer::wrap : b -> {
            ByteBuffer d = ByteBuffer.allocateDirect(b.length);
            d.put(b).flip();
            return d;
        };
        run(seed, 4, false, wrap, PATTERNS, ROUNDS, true, true);
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

    /** Patterns and input of the large case: enough atoms for the atom index's largest word tables. */
    private static final int LARGE_PATTERNS = 300_000, LARGE_INPUT = 3 << 20, LARGE_PLANTED = 3000;

    /**
     * Hundreds of thousands of patterns (static runs of 2 to 16 bytes joined by {@code ??}, so the index
     * gets 2-, 3- and 4-byte atoms and a table indexed by more than the 2-byte prefix) over a few MB of
     * random data with planted instances. The reference here is a plain map from a pattern's first two
     * bytes to the patterns, compared byte by byte at every position (the regex reference is too slow
     * for this many patterns).
     */
    @ParameterizedTest
    @ValueSource(longs = {41})
    void largeAtomCountsMatchReference(long seed) throws Exception {
        Random r = new Random(seed);
        byte[][] value = new byte[LARGE_PATTERNS][];
        boolean[][] any = new boolean[LARGE_PATTERNS][];
        Map<Integer, List<Integer>> byPrefix = new HashMap<>();
        PatternSet.Builder b = PatternSet.builder();
        for (int i = 0; i < LARGE_PATTERNS; i++) {
            int len = 6 + r.nextInt(14);
            byte[] v = new byte[len];
            boolean[] wild = new boolean[len];
            r.nextBytes(v);
            // runs: mostly one long run, else short runs (2-3 bytes) separated by one or two ??
            int shortRuns = r.nextInt(8);
            for (int at = 2 + (shortRuns < 2 ? 2 + shortRuns : 0); at < len - 2; ) {
                if (shortRuns >= 2) {
                    wild[at] = true;
                    if (r.nextBoolean() && at + 1 < len - 2) wild[++at] = true;
                    at += 3 + r.nextInt(2);
                } else {
                    at += 6 + r.nextInt(8);
                    if (at < len - 2) wild[at] = true;
                }
            }
            StringBuilder hex = new StringBuilder();
            for (int k = 0; k < len; k++) hex.append(wild[k] ? "??" : HexFormat.of().toHexDigits(v[k]));
            b.add(HexPatternParser.parse(hex.toString()), 0, OffsetSpec.ANY, i);
            value[i] = v;
            any[i] = wild;
            byPrefix.computeIfAbsent((v[0] & 0xFF) | (v[1] & 0xFF) << 8, k -> new ArrayList<>()).add(i);
        }
        PatternSet set = b.build();
        assertTrue(set.index().wordLog() > 16, "word table still indexed by the 2-byte prefix only");
        byte[] data = new byte[LARGE_INPUT];
        r.nextBytes(data);
        for (int k = 0; k < LARGE_PLANTED; k++) {
            int p = r.nextInt(LARGE_PATTERNS), at = r.nextInt(data.length - value[p].length + 1);
            if (k % 50 == 0) at = k % 100 == 0 ? 0 : data.length - value[p].length;
            for (int j = 0; j < value[p].length; j++) if (!any[p][j]) data[at + j] = value[p][j];
        }
        Set<Long> want = new TreeSet<>(), fast = new TreeSet<>();
        for (int pos = 0; pos + 2 <= data.length; pos++) {
            List<Integer> cands = byPrefix.get((data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8);
            if (cands == null) continue;
            for (int p : cands) {
                byte[] v = value[p];
                if (pos + v.length > data.length) continue;
                int j = 0;
                while (j < v.length && (any[p][j] || data[pos + j] == v[j])) j++;
                if (j == v.length) want.add((long) p << 32 | pos);
            }
        }
        set.scan(ByteBuffer.wrap(data), 1, null, (pat, owner, start, end) -> {
            assertEquals(start + value[pat].length, end, "match span");
            fast.add((long) pat << 32 | start);
            return -1;
        });
        assertTrue(want.size() >= LARGE_PLANTED * 9 / 10, "only " + want.size() + " reference matches");
        if (!want.equals(fast)) {
            Set<Long> missed = new TreeSet<>(want), extra = new TreeSet<>(fast);
            missed.removeAll(fast);
            extra.removeAll(want);
            fail("seed " + seed + ": " + missed.size() + " missed (first " + describe(missed, value, any) + "), "
                    + extra.size() + " extra (first " + describe(extra, value, any) + ")");
        }
    }

    private static String describe(Set<Long> hits, byte[][] value, boolean[][] any) {
        if (hits.isEmpty()) return "none";
        long h = hits.iterator().next();
        int p = (int) (h >>> 32);
        StringBuilder hex = new StringBuilder();
        for (int k = 0; k < value[p].length; k++) hex.append(any[p][k] ? "??" : HexFormat.of().toHexDigits(value[p][k]));
        return "pattern " + p + " " + hex + " at " + (int) h;
    }

    private void run(long seed, int maxParts, boolean big, java.util.function.Function<byte[], ByteBuffer> wrap) throws Exception {
        run(seed, maxParts, big, wrap, PATTERNS, big ? 1 : ROUNDS);
    }

    private void run(long seed, int maxParts, boolean big, java.util.function.Function<byte[], ByteBuffer> wrap,
                     int patterns, int rounds) throws Exception {
        run(seed, maxParts, big, wrap, patterns, rounds, false);
    }

    private void run(long seed, int maxParts, boolean big, java.util.function.Function<byte[], ByteBuffer> wrap,
                     int patterns, int rounds, boolean weak) throws Exception {
        run(seed, maxParts, big, wrap, patterns, rounds, weak, false);
    }

    private void run(long seed, int maxParts, boolean big, java.util.function.Function<byte[], ByteBuffer> wrap,
                     int patterns, int rounds, boolean weak, boolean open) throws Exception {
        Random r = new Random(seed);
        List<ReferenceMatcher.Spec> specs = new ArrayList<>();
        PatternSet.Builder b = PatternSet.builder();
        while (specs.size() < patterns) {
            ReferenceMatcher.Spec s = ReferenceMatcher.generate(r, maxParts, weak, open);
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
        if (weak) {
            int lazy = 0;
            for (int i = 0; i < set.size(); i++) for (byte k : set.pattern(i).lazy) if (k != BodyPattern.INDEXED) lazy++;
            assertTrue(lazy >= patterns / 4, "only " + lazy + " lazy parts");
        }
        if (open) {
            int openPrev = 0, openNext = 0;
            for (int i = 0; i < set.size(); i++) {
                for (byte k : set.pattern(i).lazy) {
                    if (k == BodyPattern.OPEN_PREV) openPrev++;
                    if (k == BodyPattern.OPEN_NEXT) openNext++;
                }
            }
            assertTrue(openPrev >= patterns / 8 && openNext >= patterns / 16, "open parts: " + openPrev + " after, " + openNext + " before");
        }
        if (warmStride) {
            byte[] warm = new byte[1 << 20];
            for (int i = 0; i < warm.length; i++) warm[i] = (byte) ReferenceMatcher.symbol(r);
            for (int k = 0; k <= StrideFilter.BUILD_AFTER / warm.length; k++) set.scan(ByteBuffer.wrap(warm), 1, null, (pat, o, st, e) -> -1);
            assertTrue(set.index().strided(), "the stride filter is in use");
        }
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
