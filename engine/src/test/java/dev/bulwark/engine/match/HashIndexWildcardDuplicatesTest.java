package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * (review13) Building an index whose wildcard-size entries repeat many digests: Builder.sortWildcards replayed
 * libclamav's sort of the whole wildcard array once per duplicated digest (O(groups x N log N), minutes for a
 * database with thousands of repeated wildcard hashes); libclamav sorts it once. Same picks, one sort.
 */
class HashIndexWildcardDuplicatesTest {
    @Test
    void manyDuplicatedWildcardDigestsBuildInOneSort() {
        Random r = new Random(13);
        int unique = 40_000, dup = 4_000;
        byte[][] d = new byte[unique][16];
        HashIndex.Builder b = HashIndex.builder(16);
        for (int i = 0; i < unique; i++) {
            r.nextBytes(d[i]);
            b.add(d[i], -1, i);
        }
        for (int i = 0; i < dup; i++) b.add(d[i], -1, unique + i); // each of the first digests twice
        HashIndex idx = b.build(); // minutes with the per-duplicate re-sort (23 s for these 4,000); not timed here
        // the pick is libclamav's (clamavPick over the load-order array), whichever way it is computed
        java.nio.ByteBuffer load = java.nio.ByteBuffer.allocate((unique + dup) * 16);
        for (int i = 0; i < unique; i++) load.put(d[i]);
        for (int i = 0; i < dup; i++) load.put(d[i]);
        for (int i = 0; i < 20; i++) {
            int pick = HashIndex.clamavPick(load, 0, unique + dup, d[i]);
            assertEquals(pick, idx.findAny(d[i]), "digest " + i);
        }
    }
}
