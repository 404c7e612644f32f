package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * (mend13) findSized replayed libclamav's quicksort of a size's entries on every scan that hit a duplicated
 * digest: a database repeating digests in one large size made each such scan pay a whole (first-element pivot,
 * quadratic on sorted input) sort. Each size is now sorted once and the order reused; the picks are unchanged.
 * Not timed: the sorts are counted.
 */
class HashIndexSizedDuplicatesTest {
    @Test
    void aSizeIsSortedOnceHoweverManyScansHitItsDuplicates() {
        Random r = new Random(1313);
        int unique = 5_000, dup = 500;
        long size = 4096;
        byte[][] d = new byte[unique][16];
        HashIndex.Builder b = HashIndex.builder(16, 0);
        ByteBuffer load = ByteBuffer.allocate((unique + dup) * 16);
        for (int i = 0; i < unique; i++) {
            r.nextBytes(d[i]);
            b.add(d[i], size, i);
            load.put(d[i]);
        }
        for (int i = 0; i < dup; i++) {
            b.add(d[i], size, unique + i);
            load.put(d[i]);
        }
        HashIndex idx = b.build();
        for (int scan = 0; scan < 200; scan++) {
            int k = scan % dup;
            int want = HashIndex.clamavPick(load, 0, unique + dup, d[k]); // the per-scan replay, as before
            assertEquals(want, idx.findSized(d[k], size), "digest " + k);
        }
        assertEquals(1, idx.sortsForDuplicates(), "one sort of the size's entries, not one per scan");
        assertEquals(-1, idx.findSized(d[0], size + 1));
    }

    /** The cached order gives the per-scan pick on random databases (several sizes, many duplicates, both sources). */
    @Test
    void cachedOrderPicksWhatThePerScanSortPicked() {
        for (int seed = 0; seed < 30; seed++) {
            Random r = new Random(seed);
            int len = new int[] {16, 20, 32}[seed % 3];
            int sizes = 1 + r.nextInt(4), entries = 1 + r.nextInt(300);
            List<byte[]> pool = new ArrayList<>();
            List<List<byte[]>> bySize = new ArrayList<>();
            List<List<Integer>> valuesBySize = new ArrayList<>();
            for (int s = 0; s < sizes; s++) { bySize.add(new ArrayList<>()); valuesBySize.add(new ArrayList<>()); }
            HashIndex.Builder b = HashIndex.builder(len, 0);
            for (int v = 0; v < entries; v++) {
                byte[] digest;
                if (!pool.isEmpty() && r.nextInt(3) == 0) digest = pool.get(r.nextInt(pool.size()));
                else {
                    digest = new byte[len];
                    r.nextBytes(digest);
                    if (r.nextBoolean()) digest[0] = digest[1] = digest[2] = digest[3] = 0; // ties on hm_cmp's first word
                    pool.add(digest);
                }
                int s = r.nextInt(sizes);
                b.add(digest, 100 + s, v);
                bySize.get(s).add(digest);
                valuesBySize.get(s).add(v);
            }
            HashIndex idx = b.build();
            for (int round = 0; round < 2; round++) { // second round: from the cache
                for (int s = 0; s < sizes; s++) {
                    List<byte[]> group = bySize.get(s);
                    ByteBuffer load = ByteBuffer.allocate(group.size() * len);
                    group.forEach(load::put);
                    for (byte[] digest : pool) {
                        int hits = 0, first = -1;
                        for (int k = 0; k < group.size(); k++) if (java.util.Arrays.equals(group.get(k), digest)) { hits++; if (first < 0) first = k; }
                        int want = hits == 0 ? -1 : valuesBySize.get(s).get(hits == 1 ? first : HashIndex.clamavPick(load, 0, group.size(), digest));
                        assertEquals(want, idx.findSized(digest, 100 + s), "seed " + seed + " size " + s);
                    }
                }
            }
            assertEquals(true, idx.sortsForDuplicates() <= sizes, "seed " + seed + ": at most one sort per size");
        }
    }
}
