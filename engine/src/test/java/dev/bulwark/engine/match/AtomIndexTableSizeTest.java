package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The word table's size: a build chooses at most {@link AtomIndex#BUILD_MAX_WORD_LOG} (2 MiB), while an index read
 * from a snapshot keeps the size it was written with, up to {@link AtomIndex#MAX_WORD_LOG} (older snapshots of a
 * million patterns have 4 MiB tables). Every size must find exactly the atom occurrences a naive search finds: the
 * filters are derived from the stored size, so an index is written, its size field rewritten to each legal size,
 * read back and scanned.
 */
class AtomIndexTableSizeTest {
    @Test
    void buildsGrowWithTheAtomsUpToTwoMebibytes() {
        assertEquals(16, AtomIndex.wordLog(1));
        assertEquals(16, AtomIndex.wordLog(4L << 16)); // 4 atoms per word at 2^16 words
        assertEquals(17, AtomIndex.wordLog((4L << 16) + 1));
        assertEquals(18, AtomIndex.wordLog((4L << 17) + 1));
        // gen_sigs' 1M patterns plan to about 1.28M atoms: 4 MiB before this cap, 2 MiB now
        assertEquals(18, AtomIndex.wordLog(1_280_000));
        assertEquals(18, AtomIndex.wordLog(50_000_000));
        assertEquals(AtomIndex.BUILD_MAX_WORD_LOG, AtomIndex.wordLog(Long.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 17, 18, 19, 20})
    void everyReadableTableSizeFindsWhatANaiveSearchFinds(int wordLog) {
        Random r = new Random(9_000 + wordLog);
        int n = 3_000;
        byte[][] atoms = new byte[n][];
        int[] owners = new int[n];
        for (int i = 0; i < n; i++) {
            atoms[i] = new byte[2 + r.nextInt(3)];
            r.nextBytes(atoms[i]);
            owners[i] = i;
        }
        byte[] data = new byte[1 << 20];
        r.nextBytes(data);
        for (int k = 0; k < 2_000; k++) { // planted occurrences, some at both ends
            byte[] a = atoms[r.nextInt(n)];
            int at = k % 100 == 0 ? 0 : k % 100 == 1 ? data.length - a.length : r.nextInt(data.length - a.length);
            System.arraycopy(a, 0, data, at, a.length);
        }
        AtomIndex read = AtomIndex.read(rewriteWordLog(AtomIndex.build(atoms, owners, n), wordLog));
        assertEquals(wordLog, read.wordLog());
        // naive: every atom compared at every position (atoms grouped by first two bytes to keep it quick)
        List<List<Integer>> byPrefix = new ArrayList<>();
        for (int k = 0; k < 1 << 16; k++) byPrefix.add(new ArrayList<>());
        for (int i = 0; i < n; i++) byPrefix.get((atoms[i][0] & 0xFF) | (atoms[i][1] & 0xFF) << 8).add(i);
        List<Long> naive = new ArrayList<>(), got = new ArrayList<>();
        for (int pos = 0; pos + 2 <= data.length; pos++) {
            for (int i : byPrefix.get((data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8)) {
                byte[] a = atoms[i];
                if (pos + a.length <= data.length && Arrays.equals(data, pos, pos + a.length, a, 0, a.length)) {
                    naive.add((long) pos << 32 | i);
                }
            }
        }
        read.scan(ByteBuffer.wrap(data), 0, data.length, (e, pos) -> {
            got.add((long) pos << 32 | e);
            return -1;
        });
        got.sort(null);
        assertTrue(naive.size() > 2_000, "planted occurrences found by the naive search: " + naive.size());
        assertEquals(naive, got);
    }

    @Test
    void aTableSizeOutsideTheReadableRangeIsRefused() {
        AtomIndex idx = AtomIndex.build(new byte[][] {{1, 2, 3, 4}}, new int[] {0}, 1);
        assertThrows(IllegalArgumentException.class, () -> AtomIndex.read(rewriteWordLog(idx, AtomIndex.MAX_WORD_LOG + 1)));
        assertThrows(IllegalArgumentException.class, () -> AtomIndex.read(rewriteWordLog(idx, AtomIndex.MIN_WORD_LOG - 1)));
    }

    /** The index as {@link AtomIndex#write} writes it, with the table size (the third int) replaced. */
    private static FlatIO.Reader rewriteWordLog(AtomIndex idx, int wordLog) {
        Deque<Object> values = new ArrayDeque<>();
        idx.write(new FlatIO.Writer() {
            @Override public void i32(int v) { values.add(values.size() == 2 ? wordLog : v); }
            @Override public void i64(long v) { values.add(v); }
            @Override public void bool(boolean v) { values.add(v); }
            @Override public void bytes(byte[] a) { values.add(a.clone()); }
            @Override public void ints(int[] a) { values.add(a.clone()); }
            @Override public void longs(long[] a) { values.add(a.clone()); }
            @Override public void string(String s) { values.add(s); }
        });
        return new FlatIO.Reader() {
            @Override public int i32() { return (Integer) values.poll(); }
            @Override public long i64() { return (Long) values.poll(); }
            @Override public boolean bool() { return (Boolean) values.poll(); }
            @Override public byte[] bytes() { return (byte[]) values.poll(); }
            @Override public int[] ints() { return (int[]) values.poll(); }
            @Override public long[] longs() { return (long[]) values.poll(); }
            @Override public String string() { return (String) values.poll(); }
        };
    }
}
