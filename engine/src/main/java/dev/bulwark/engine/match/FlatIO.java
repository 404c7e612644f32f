package dev.bulwark.engine.match;

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
    }
}
