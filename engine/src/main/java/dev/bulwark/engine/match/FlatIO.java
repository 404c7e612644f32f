package dev.bulwark.engine.match;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * Primitive-array serialization used by database snapshots. The matcher structures write themselves
 * through a {@link Writer} and rebuild from a {@link Reader} without re-deriving anything; the
 * snapshot package supplies the implementations (bounds, checksums, memory mapping).
 */
public final class FlatIO {
    private FlatIO() {}

    public interface Writer {
        void i32(int v);
        void i64(long v);
        void bool(boolean v);
        void bytes(byte[] a);
        void ints(int[] a);
        void longs(long[] a);
        void string(String s);

        /** Same layout as {@link #bytes(byte[])}: a reader may take it back as an array or a view. */
        default void bytes(ByteBuffer b) {
            byte[] a = new byte[b.limit()];
            b.get(0, a);
            bytes(a);
        }

        default void ints(IntBuffer b) {
            int[] a = new int[b.limit()];
            b.get(0, a);
            ints(a);
        }

        default void longs(LongBuffer b) {
            long[] a = new long[b.limit()];
            b.get(0, a);
            longs(a);
        }
    }

    /** Every method throws IllegalArgumentException on truncated or implausible input. */
    public interface Reader {
        int i32();
        long i64();
        boolean bool();
        byte[] bytes();
        int[] ints();
        long[] longs();
        String string();

        /**
         * {@code count} little-endian longs with no length before them (fixed-size records whose count the
         * caller already knows), in one bulk read: decoding them from a {@code long[]} costs a one-file
         * scan far less interpreted work than a call per field.
         */
        default long[] rawLongs(int count) {
            if (count < 0) throw new IllegalArgumentException("negative length");
            long[] a = new long[count];
            for (int i = 0; i < count; i++) a[i] = i64();
            return a;
        }

        /**
         * Views instead of copies: a reader over a memory-mapped file returns slices of the mapping, so
         * only the pages a scan touches become resident. Little-endian; absolute gets only.
         */
        default ByteBuffer bytesView() { return ByteBuffer.wrap(bytes()).order(ByteOrder.LITTLE_ENDIAN); }
        default IntBuffer intsView() { return IntBuffer.wrap(ints()); }
        default LongBuffer longsView() { return LongBuffer.wrap(longs()); }
    }
}
