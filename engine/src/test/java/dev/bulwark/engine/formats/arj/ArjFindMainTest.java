package dev.bulwark.engine.formats.arj;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * {@link ArjExtractor#findMain} finds the 0x60 bytes eight at a time; it must answer exactly as a byte-by-byte
 * walk over the candidates (same first valid header, same candidate cap), for every kind of buffer.
 */
class ArjFindMainTest {
    /** The byte-by-byte search findMain replaced, written out here as the reference. */
    static long reference(ByteBuffer b) {
        int candidates = 0;
        for (int i = 0; i + 4 <= b.limit() && candidates < ArjExtractor.MAX_CANDIDATES; i++) {
            if ((b.get(i) & 0xff) != 0x60 || (b.get(i + 1) & 0xff) != 0xea) continue;
            candidates++;
            int size = (b.get(i + 2) & 0xff) | (b.get(i + 3) & 0xff) << 8;
            if (size > 0 && size <= ArjExtractor.MAX_HEADER && crcOk(b, i, size)) return i;
        }
        return -1;
    }

    private static boolean crcOk(ByteBuffer b, int pos, int size) {
        if (pos + 4L + size + 4 > b.limit()) return false;
        CRC32 c = new CRC32();
        for (int k = 0; k < size; k++) c.update(b.get(pos + 4 + k));
        long want = (b.get(pos + 4 + size) & 0xffL) | (b.get(pos + 5 + size) & 0xffL) << 8
                | (b.get(pos + 6 + size) & 0xffL) << 16 | (b.get(pos + 7 + size) & 0xffL) << 24;
        return c.getValue() == want;
    }

    /** Writes a header with a valid CRC at {@code at} (when it fits). */
    static void plantHeader(byte[] d, int at, int size, SplittableRandom r) {
        if (at + 4 + size + 4 > d.length) return;
        d[at] = 0x60;
        d[at + 1] = (byte) 0xea;
        d[at + 2] = (byte) size;
        d[at + 3] = (byte) (size >>> 8);
        for (int k = 0; k < size; k++) d[at + 4 + k] = (byte) r.nextInt(256);
        CRC32 c = new CRC32();
        c.update(d, at + 4, size);
        long v = c.getValue();
        for (int k = 0; k < 4; k++) d[at + 4 + size + k] = (byte) (v >>> 8 * k);
    }

    static byte[] sample(SplittableRandom r) {
        int n = r.nextInt(4) == 0 ? r.nextInt(16) : r.nextInt(20_000);
        byte[] d = new byte[n];
        int mode = r.nextInt(3);
        for (int i = 0; i < n; i++) d[i] = (byte) (mode == 0 ? r.nextInt(256) : mode == 1 ? 0x60 : r.nextInt(3) == 0 ? 0x60 : 0xea);
        int stray = r.nextInt(40);
        for (int k = 0; k < stray && n > 1; k++) { // ids without a valid header, some with a size of 0 or too large
            int at = r.nextInt(n - 1);
            d[at] = 0x60;
            d[at + 1] = (byte) 0xea;
        }
        if (r.nextBoolean() && n > 0) plantHeader(d, r.nextInt(n), r.nextInt(1, 60), r);
        if (r.nextInt(4) == 0 && n > 0) plantHeader(d, Math.max(0, n - 4 - r.nextInt(1, 20) - 4 - r.nextInt(3)), r.nextInt(1, 20), r);
        return d;
    }

    @Test
    void sameAnswerAsTheByteWalkOnEveryKindOfBuffer() {
        SplittableRandom r = new SplittableRandom(42);
        int found = 0;
        for (int t = 0; t < 3000; t++) {
            byte[] d = sample(r);
            long want = reference(ByteBuffer.wrap(d));
            if (want >= 0) found++;
            assertEquals(want, ArjExtractor.findMain(ByteBuffer.wrap(d)), "heap, case " + t);
            assertEquals(want, ArjExtractor.findMain(ByteBuffer.wrap(d).asReadOnlyBuffer()), "read-only, case " + t);
            ByteBuffer direct = ByteBuffer.allocateDirect(d.length).put(d).flip();
            assertEquals(want, ArjExtractor.findMain(direct), "direct, case " + t);
            // a slice with an array offset: positions are relative to the slice
            byte[] padded = new byte[d.length + 13];
            for (int i = 0; i < 13; i++) padded[i] = (byte) (i % 2 == 0 ? 0x60 : 0xea);
            System.arraycopy(d, 0, padded, 13, d.length);
            assertEquals(want, ArjExtractor.findMain(ByteBuffer.wrap(padded, 13, d.length).slice()), "sliced, case " + t);
        }
        assertEquals(true, found > 300, "the samples hold valid headers: " + found);
    }

    @Test
    void candidateCapCountsOnlyIdPairs() {
        // MAX_CANDIDATES stray ids before a valid header: not found; one fewer: found; lone 0x60 bytes do not count
        for (int strays : new int[] {ArjExtractor.MAX_CANDIDATES - 1, ArjExtractor.MAX_CANDIDATES}) {
            byte[] d = new byte[strays * 3 + 200];
            int p = 0;
            for (int k = 0; k < strays; k++, p += 3) {
                d[p] = 0x60;
                d[p + 1] = (byte) 0xea; // size 0: never valid
                d[p + 2] = 0x60; // a lone 0x60 before the next id
            }
            plantHeader(d, p + 5, 10, new SplittableRandom(1));
            long want = reference(ByteBuffer.wrap(d));
            assertEquals(strays < ArjExtractor.MAX_CANDIDATES ? p + 5 : -1, want);
            assertEquals(want, ArjExtractor.findMain(ByteBuffer.wrap(d)));
        }
    }
}
