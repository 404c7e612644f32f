package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reader assembles a heap buffer's numbers from its array and reads other buffers through the buffer:
 * both must give what the writer wrote, at any array offset, and refuse the same truncations.
 */
class FlatBuffersTest {

    /** Writes a random record sequence and returns the kinds written (0 i32, 1 i64, 2 bool, 3 bytes, 4 ints, 5 longs, 6 string, 7 raw). */
    private static List<Object> write(FlatBuffers.Out out, Random r) {
        List<Object> vals = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            switch (r.nextInt(8)) {
                case 0 -> { int v = r.nextInt(); out.i32(v); vals.add(v); }
                case 1 -> { long v = r.nextLong(); out.i64(v); vals.add(v); }
                case 2 -> { boolean v = r.nextBoolean(); out.bool(v); vals.add(v); }
                case 3 -> { byte[] v = new byte[r.nextInt(40)]; r.nextBytes(v); out.bytes(v); vals.add(v); }
                case 4 -> { int[] v = r.ints(r.nextInt(20)).toArray(); out.ints(v); vals.add(v); }
                case 5 -> { long[] v = r.longs(r.nextInt(20)).toArray(); out.longs(v); vals.add(v); }
                case 6 -> { String v = "n\u00e9-" + r.nextInt(); out.string(v); vals.add(v); }
                default -> { long[] v = r.longs(3).toArray(); for (long x : v) out.i64(x); vals.add(new Raw(v)); }
            }
        }
        return vals;
    }

    private record Raw(long[] v) {}

    private static void check(FlatBuffers.In in, List<Object> vals) {
        for (Object v : vals) {
            switch (v) {
                case Integer x -> assertEquals(x, in.i32());
                case Long x -> assertEquals(x, in.i64());
                case Boolean x -> assertEquals(x, in.bool());
                case byte[] x -> assertArrayEquals(x, in.bytes());
                case int[] x -> assertArrayEquals(x, in.ints());
                case long[] x -> assertArrayEquals(x, in.longs());
                case String x -> assertEquals(x, in.string());
                case Raw x -> assertArrayEquals(x.v(), in.rawLongs(3));
                default -> throw new AssertionError(v);
            }
        }
        assertEquals(0, in.remaining());
        assertThrows(IllegalArgumentException.class, in::i32);
    }

    @Test
    void heapSlicedDirectAndReadOnlyBuffersReadAlike() {
        for (long seed = 0; seed < 20; seed++) {
            Random r = new Random(seed);
            FlatBuffers.Out out = new FlatBuffers.Out();
            List<Object> vals = write(out, r);
            ByteBuffer w = out.finish();
            byte[] bytes = new byte[w.remaining()];
            w.get(bytes);
            int pad = 1 + r.nextInt(7); // an odd array offset: unaligned numbers
            byte[] padded = new byte[bytes.length + 2 * pad];
            System.arraycopy(bytes, 0, padded, pad, bytes.length);
            check(new FlatBuffers.In(ByteBuffer.wrap(bytes)), vals);
            check(new FlatBuffers.In(ByteBuffer.wrap(padded).slice(pad, bytes.length)), vals);
            check(new FlatBuffers.In(ByteBuffer.wrap(padded, pad, bytes.length)), vals);
            check(new FlatBuffers.In(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()), vals);
            check(new FlatBuffers.In(ByteBuffer.wrap(bytes).asReadOnlyBuffer()), vals);
        }
    }

    @Test
    void everyTruncationIsAnErrorForEveryBufferKind() {
        FlatBuffers.Out out = new FlatBuffers.Out();
        List<Object> vals = write(out, new Random(7));
        ByteBuffer w = out.finish();
        byte[] bytes = new byte[w.remaining()];
        w.get(bytes);
        for (int cut = 0; cut < bytes.length; cut += 1 + cut / 50) {
            byte[] part = java.util.Arrays.copyOf(bytes, cut);
            for (ByteBuffer b : List.of(ByteBuffer.wrap(part), ByteBuffer.allocateDirect(cut).put(part).flip(),
                    ByteBuffer.wrap(part).asReadOnlyBuffer())) {
                FlatBuffers.In in = new FlatBuffers.In(b);
                assertThrows(IllegalArgumentException.class, () -> check(in, vals), "cut at " + cut);
            }
        }
    }

    @Test
    void lyingLengthsAreErrorsNotAllocations() {
        for (int len : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 30}) {
            ByteBuffer b = ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, len);
            assertThrows(IllegalArgumentException.class, () -> new FlatBuffers.In(b.duplicate()).ints());
            assertThrows(IllegalArgumentException.class, () -> new FlatBuffers.In(b.duplicate()).longs());
            assertThrows(IllegalArgumentException.class, () -> new FlatBuffers.In(b.duplicate()).string());
            assertThrows(IllegalArgumentException.class, () -> new FlatBuffers.In(b.duplicate()).bytesView());
        }
        assertThrows(IllegalArgumentException.class, () -> new FlatBuffers.In(ByteBuffer.allocate(16)).rawLongs(3));
        assertThrows(IllegalArgumentException.class, () -> new FlatBuffers.In(ByteBuffer.allocate(16)).rawLongs(-1));
    }

    /** The gathered bounds checks of the snapshot open agree with the plain comparisons, edge values included. */
    @Test
    void gatheredBoundsChecksAgreeWithPlainOnes() {
        int[] edges = {Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -2, -1, 0, 1, 2, 3, 5, 1 << 28, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
        for (int bound : edges) {
            for (int v : edges) {
                boolean plain = v >= 0 && v < bound;
                assertEquals(plain, AtomIndex.inRange(new int[] {v}, bound), "v=" + v + " bound=" + bound);
            }
            assertEquals(true, AtomIndex.inRange(new int[0], bound));
        }
        for (int a : edges) {
            for (int b : edges) {
                boolean plain = a >= 0 && b >= 0 && a <= b;
                assertEquals(plain, AtomIndex.ascending(new int[] {a, b}, 1), a + " " + b);
            }
        }
    }
}
