package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hash index against plain maps: sized entries, wildcard-size entries, duplicates (the one libclamav's
 * sort and search of that size's entries, in load order, finds: {@link #clamav}), colliding sizes, and builders reserved too small, too large or not
 * at all, held on the heap or spilled to sorted runs on disk in chunks of many sizes; also after a snapshot
 * round trip.
 */
class HashIndexTest {
    @ParameterizedTest
    @CsvSource({"16, 5000, -1, 1, 0", "20, 3000, 100, 2, 0", "32, 20000, 100000, 3, 0", "16, 70000, 69000, 4, 0",
            "32, 0, -1, 5, 0", "16, 5000, -1, 6, 700", "20, 3000, 100, 7, 16", "32, 20000, 100000, 8, 1000",
            "16, 70000, 69000, 9, 4096", "16, 100, -1, 10, 100", "20, 1, -1, 11, 1", "16, 300000, -1, 12, -1",
            "16, 1500, 1400, 13, 1000", "32, 5000, 1500, 14, 1000", "16, 1999, 2000, 15, 1000"})
    void lookupsMatchReferenceMaps(int len, int n, int reserve, long seed, int spillAt) {
        Random r = new Random(seed);
        // spillAt > 0: sorted runs in a temporary file merged into a mapped index; -1: the default builder
        HashIndex.Builder b = spillAt < 0 ? HashIndex.builder(len) : HashIndex.builder(len, spillAt);
        if (reserve >= 0) b.reserve(reserve);
        Map<String, List<Integer>> sized = new HashMap<>(), any = new HashMap<>();
        Map<Long, List<byte[]>> bySize = new HashMap<>(); // each size's (and wildcard's) digests in load order
        Map<Long, List<Integer>> valuesBySize = new HashMap<>();
        Map<String, Integer> picks = new HashMap<>(); // the reference's answer per (size, digest)
        List<byte[]> digests = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] d = new byte[len];
            long size;
            if (!digests.isEmpty() && r.nextInt(10) == 0) {
                int k = r.nextInt(digests.size()); // a duplicate digest, same or another size
                d = digests.get(k).clone();
                size = r.nextBoolean() ? sizes.get(k) : 1 + r.nextInt(50);
            } else {
                r.nextBytes(d);
                size = r.nextInt(20) == 0 ? -1 : 1 + r.nextInt(r.nextBoolean() ? 50 : 1 << 30);
            }
            int value = r.nextInt(1 << 20);
            b.add(d, size, value);
            String hex = HexFormat.of().formatHex(d);
            if (size < 0) any.computeIfAbsent(hex, x -> new ArrayList<>()).add(value);
            else sized.computeIfAbsent(hex + ":" + size, x -> new ArrayList<>()).add(value);
            bySize.computeIfAbsent(size, x -> new ArrayList<>()).add(d);
            valuesBySize.computeIfAbsent(size, x -> new ArrayList<>()).add(value);
            digests.add(d);
            sizes.add(size);
        }
        HashIndex built = b.build();
        FlatBuffers.Out out = new FlatBuffers.Out();
        built.write(out);
        HashIndex read = HashIndex.read(new FlatBuffers.In(out.finish()), Integer.MAX_VALUE);
        assertEquals(n, built.size());
        assertEquals(n, read.size());
        for (HashIndex h : new HashIndex[] {built, read}) {
            for (int i = 0; i < n; i++) {
                byte[] d = digests.get(i);
                String hex = HexFormat.of().formatHex(d);
                long probe = sizes.get(i) < 0 ? 51 + r.nextInt(100) : sizes.get(i); // 51+: no sized entry has it
                List<Integer> dup = sized.get(hex + ":" + probe);
                long bucket = dup != null ? probe : -1;
                if (dup == null) dup = any.get(hex);
                List<Integer> dups = dup;
                int want = dups.size() == 1 ? dups.get(0) : picks.computeIfAbsent(bucket + ":" + hex,
                        x -> valuesBySize.get(bucket).get(clamav(bySize.get(bucket), d)));
                assertEquals(want, h.find(d, probe), "entry " + i);
                assertTrue(h.wants(probe));
            }
            byte[] absent = new byte[len];
            r.nextBytes(absent);
            assertEquals(-1, h.find(absent, 3));
            if (any.isEmpty()) assertFalse(h.wants(1L << 35));
        }
    }

    /**
     * Reference for duplicates: the index libclamav's hm_sort (quicksort, first element as pivot, greater entries
     * swapped to the end) and hm_scan (binary search) find among {@code entries}, a copy sorted here recursively.
     */
    static int clamav(List<byte[]> entries, byte[] digest) {
        List<Integer> a = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) a.add(i);
        sort(entries, a, 0, a.size());
        int l = 0, r = a.size() - 1;
        while (l <= r) {
            int c = (l + r) / 2, res = cmp(digest, entries.get(a.get(c)));
            if (res < 0) { if (c == 0) break; r = c - 1; } else if (res > 0) l = c + 1; else return a.get(c);
        }
        throw new AssertionError("not found");
    }

    private static void sort(List<byte[]> e, List<Integer> a, int l, int r) {
        if (l + 1 >= r) return;
        int l1 = l + 1, r1 = r;
        byte[] piv = e.get(a.get(l));
        while (l1 < r1) {
            if (cmp(e.get(a.get(l1)), piv) > 0) {
                r1--;
                if (l1 == r1) break;
                Collections.swap(a, l1, r1);
            } else l1++;
        }
        l1--;
        Collections.swap(a, l1, l);
        sort(e, a, l, l1);
        sort(e, a, r1, r);
    }

    /** hm_cmp on a little-endian machine: first word (little-endian, unsigned) descending, then bytes ascending. */
    private static int cmp(byte[] x, byte[] y) {
        long wx = java.nio.ByteBuffer.wrap(x).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xFFFFFFFFL;
        long wy = java.nio.ByteBuffer.wrap(y).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xFFFFFFFFL;
        if (wx != wy) return wx < wy ? 1 : -1;
        return Arrays.compareUnsigned(x, 4, x.length, y, 4, y.length);
    }

    /**
     * (textload4) A spilling builder told by {@link HashIndex.Builder#reserve} that it will hold at most two runs'
     * worth keeps everything on the heap; told more, or filled past two runs, it spills as before.
     */
    @ParameterizedTest
    @CsvSource({"1500, 1400, true", "2000, 2000, true", "2001, 2000, false", "1500, 2001, false", "5000, 1500, false",
            "1500, -1, false", "900, -1, true"})
    void aBuilderExpectingAtMostTwoRunsDoesNotSpill(int n, int reserve, boolean heap) {
        Random r = new Random(n * 31L + reserve);
        HashIndex.Builder b = HashIndex.builder(16, 1000);
        if (reserve >= 0) b.reserve(reserve);
        long[] sizes = new long[n];
        byte[][] digests = new byte[n][16];
        for (int i = 0; i < n; i++) {
            r.nextBytes(digests[i]);
            sizes[i] = 1 + r.nextInt(1 << 20);
            b.add(digests[i], sizes[i], i);
        }
        assertEquals(!heap, b.spilled());
        HashIndex built = b.build();
        assertEquals(heap, built.onHeap());
        for (int i = 0; i < n; i++) assertEquals(i, built.find(digests[i], sizes[i]), "entry " + i);
    }

    /**
     * The built index (on the heap, and merged from spilled runs) holds its sized entries in (size, insertion)
     * order, for sizes of every width up to the limit and many equal sizes: each value is its insertion number.
     */
    @ParameterizedTest
    @CsvSource({"0, 1000, 1, 0", "1, 1000, 2, 0", "2, 5, 3, 0", "50, 100000, 4, 0", "20, 30000, 5, 0",
            "30, 7000, 6, 0", "39, 7000, 7, 0", "11, 4096, 8, 0", "12, 4096, 9, 0", "22, 1, 10, 0",
            "19, 30000, 11, 1000", "39, 20000, 12, 777", "12, 5000, 13, 5000", "0, 3000, 14, 100"})
    void entriesInSizeThenInsertionOrder(int sizeBits, int n, long seed, int spillAt) {
        Random r = new Random(seed);
        long bound = Math.min(1L << sizeBits, HashIndex.Builder.MAX_SIZE);
        HashIndex.Builder b = HashIndex.builder(16, spillAt);
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            // many equal sizes (a narrow width, or repeats of an earlier size) test the tie order
            sizes[i] = i > 0 && r.nextInt(4) == 0 ? sizes[r.nextInt(i)] : (long) (r.nextDouble() * bound);
            byte[] d = new byte[16];
            r.nextBytes(d);
            b.add(d, sizes[i], i);
        }
        FlatBuffers.Out out = new FlatBuffers.Out();
        b.build().write(out);
        FlatBuffers.In in = new FlatBuffers.In(out.finish());
        assertEquals(16, in.i32());
        long[] gotSizes = in.longs();
        in.bytes();
        int[] gotValues = in.ints();
        Integer[] want = new Integer[n];
        for (int i = 0; i < n; i++) want[i] = i;
        Arrays.sort(want, (x, y) -> sizes[x] != sizes[y] ? Long.compare(sizes[x], sizes[y]) : Integer.compare(x, y));
        for (int k = 0; k < n; k++) {
            assertEquals(want[k], gotValues[k], "entry " + k);
            assertEquals(sizes[want[k]], gotSizes[k], "entry " + k);
        }
    }
}
