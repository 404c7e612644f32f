package dev.bulwark.engine.match;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The sized entries of a large {@link HashIndex.Builder}, kept on disk instead of the heap: the builder
 * sorts each full chunk by (size, insertion order) and appends it here as a run; {@link #merge} merges the
 * runs into the index's three sorted arrays in a second temporary file and maps it, as a snapshot's index
 * is mapped. Loading four million hash signatures from text then never holds them on the heap (130 MB
 * for the large generated database, plus the sort's copies): only the pages a lookup touches become
 * resident, and they are clean file pages the kernel may drop. Both files are deleted as soon as they
 * are open, so nothing is left behind, whatever happens to the process; the mapping keeps its file
 * alive until it is unmapped.
 */
final class HashSpill {
    /** Bytes each run's reader buffers during the merge (the merge holds one per run). */
    private static final int READ_BUFFER = 64 << 10;
    /** Bytes buffered for each of the three output arrays and for writing a run. */
    private static final int WRITE_BUFFER = 256 << 10;

    private final int len, record;
    private final FileChannel runs;
    private long end;
    private long[] runStart = new long[8];
    private int[] runCount = new int[8];
    private int runN;
    /**
     * A run's records are assembled in this array (and the merge's in plain arrays too): the loader runs on C1,
     * where every {@code ByteBuffer.putLong} is a chain of calls.
     */
    private final byte[] out;
    private int outPos;

    private HashSpill(int len, FileChannel runs) {
        this.len = len;
        this.record = 8 + len + 4;
        this.runs = runs;
        this.out = new byte[WRITE_BUFFER / record * record];
    }

    /** A spill for digests of {@code len} bytes, in a new temporary file. */
    static HashSpill open(int len) throws IOException {
        return new HashSpill(len, SpillFile.tempChannel("bulwark-hashrun"));
    }

    /** Entries in all runs so far. */
    long entries() {
        long t = 0;
        for (int i = 0; i < runN; i++) t += runCount[i];
        return t;
    }

    /** Appends one run: the first {@code m} entries of the columns, already sorted by size. */
    void writeRun(long[] sizes, int m, byte[] digests, int[] values) throws IOException {
        if (runN == runStart.length) {
            runStart = Arrays.copyOf(runStart, runN * 2);
            runCount = Arrays.copyOf(runCount, runN * 2);
        }
        runStart[runN] = end;
        runCount[runN++] = m;
        outPos = 0;
        byte[] o = out;
        int len = this.len, full = o.length - record;
        for (int k = 0; k < m; k++) {
            if (outPos > full) flush();
            int at = outPos;
            putLong(o, at, sizes[k]);
            System.arraycopy(digests, k * len, o, at + 8, len);
            putInt(o, at + 8 + len, values[k]);
            outPos = at + record;
        }
        flush();
    }

    private void flush() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(out, 0, outPos);
        while (b.hasRemaining()) end += runs.write(b, end);
        outPos = 0;
    }

    static void putLong(byte[] a, int i, long v) {
        putInt(a, i, (int) v);
        putInt(a, i + 4, (int) (v >>> 32));
    }

    static void putInt(byte[] a, int i, int v) {
        a[i] = (byte) v;
        a[i + 1] = (byte) (v >>> 8);
        a[i + 2] = (byte) (v >>> 16);
        a[i + 3] = (byte) (v >>> 24);
    }

    static long getLong(byte[] a, int i) {
        return getInt(a, i) & 0xFFFFFFFFL | (long) getInt(a, i + 4) << 32;
    }

    static int getInt(byte[] a, int i) {
        return a[i] & 0xFF | (a[i + 1] & 0xFF) << 8 | (a[i + 2] & 0xFF) << 16 | a[i + 3] << 24;
    }

    /** One run being read during the merge: its current record is at {@code at} in {@code arr}. */
    private final class Run {
        final byte[] arr = new byte[READ_BUFFER / record * record];
        final ByteBuffer buf = ByteBuffer.wrap(arr);
        long pos;
        /** Records left on disk; the current record's offset in {@link #arr}; the bytes filled there. */
        int left, at, filled;
        long size;

        Run(long pos, int count) throws IOException {
            this.pos = pos;
            this.left = count;
            fill();
            size = getLong(arr, 0);
        }

        /** Moves to the next record; false at the end of the run. */
        boolean advance() throws IOException {
            at += record;
            if (at >= filled) {
                if (left == 0) return false;
                fill();
            }
            size = getLong(arr, at);
            return true;
        }

        private void fill() throws IOException {
            int k = Math.min(buf.capacity() / record, left);
            buf.clear();
            buf.limit(k * record);
            while (buf.hasRemaining()) {
                int r = runs.read(buf, pos);
                if (r < 0) throw new IOException("temporary hash run truncated");
                pos += r;
            }
            left -= k;
            at = 0;
            filled = k * record;
        }
    }

    /**
     * Merges the runs (ties go to the earlier run, so the order stays (size, insertion order)) into a
     * mapped index with the given wildcard-size arrays, and closes the run file.
     */
    HashIndex merge(ByteBuffer anyDigests, IntBuffer anyValues) throws IOException {
        try (runs) {
            long total = entries();
            long sizesOff = 0, digestsOff = total * 8, valuesOff = align8(digestsOff + total * len);
            long fileLen = valuesOff + total * 4;
            if (fileLen > Integer.MAX_VALUE) throw new IOException("hash index too large to map");
            try (FileChannel idx = SpillFile.tempChannel("bulwark-hashindex")) {
                Run[] r = new Run[runN];
                long[] key = new long[runN]; // each run's current size, read by the heap without a dereference
                int[] heap = new int[runN];
                int hn = 0;
                for (int i = 0; i < runN; i++) {
                    if (runCount[i] == 0) continue;
                    r[i] = new Run(runStart[i], runCount[i]);
                    key[i] = r[i].size;
                    heap[hn] = i;
                    up(heap, hn++, key);
                }
                Section sizes = new Section(idx, sizesOff), digests = new Section(idx, digestsOff),
                        values = new Section(idx, valuesOff);
                while (hn > 0) {
                    Run top = r[heap[0]];
                    sizes.room(8);
                    digests.room(len);
                    values.room(4);
                    putLong(sizes.buf, sizes.n, top.size);
                    sizes.n += 8;
                    System.arraycopy(top.arr, top.at + 8, digests.buf, digests.n, len);
                    digests.n += len;
                    putInt(values.buf, values.n, getInt(top.arr, top.at + 8 + len));
                    values.n += 4;
                    if (top.advance()) key[heap[0]] = top.size;
                    else heap[0] = heap[--hn];
                    down(heap, hn, key);
                }
                sizes.flush();
                digests.flush();
                values.flush();
                MappedByteBuffer map = idx.map(FileChannel.MapMode.READ_ONLY, 0, fileLen);
                map.order(ByteOrder.LITTLE_ENDIAN);
                int m = (int) total;
                LongBuffer s = map.slice((int) sizesOff, m * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
                ByteBuffer d = map.slice((int) digestsOff, m * len);
                IntBuffer v = map.slice((int) valuesOff, m * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
                return HashIndex.of(len, s, d, v, anyDigests, anyValues);
            }
        }
    }

    private static long align8(long v) {
        return (v + 7) & ~7L;
    }

    /** A buffered sequential writer at a fixed offset of the index file. */
    private static final class Section {
        final FileChannel ch;
        final byte[] buf = new byte[WRITE_BUFFER];
        /** Bytes of {@link #buf} filled. */
        int n;
        long pos;

        Section(FileChannel ch, long pos) {
            this.ch = ch;
            this.pos = pos;
        }

        /** Flushes when fewer than {@code need} more bytes would fit. */
        void room(int need) throws IOException {
            if (buf.length - n < need) flush();
        }

        void flush() throws IOException {
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining()) pos += ch.write(b, pos);
            n = 0;
        }
    }

    // ---- a min-heap of run numbers by (current size, run number) ----

    private static boolean less(long[] key, int a, int b) {
        return key[a] < key[b] || (key[a] == key[b] && a < b);
    }

    private static void up(int[] h, int i, long[] r) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!less(r, h[i], h[p])) return;
            int t = h[i]; h[i] = h[p]; h[p] = t;
            i = p;
        }
    }

    private static void down(int[] h, int n, long[] r) {
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) return;
            if (c + 1 < n && less(r, h[c + 1], h[c])) c++;
            if (!less(r, h[c], h[i])) return;
            int t = h[i]; h[i] = h[c]; h[c] = t;
            i = c;
        }
    }

    /** For callers that cannot throw IOException. */
    static UncheckedIOException unchecked(String what, IOException e) {
        return new UncheckedIOException(what + ": " + e.getMessage(), e);
    }
}
