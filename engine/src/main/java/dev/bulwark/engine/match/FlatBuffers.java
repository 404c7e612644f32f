package dev.bulwark.engine.match;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;

/** Little-endian {@link FlatIO} over byte buffers: a growing heap buffer to write, any buffer to read. */
public final class FlatBuffers {
    /** Longest string a snapshot may hold (signature names, paths, regular expressions). */
    public static final int MAX_STRING = 1 << 20;

    private FlatBuffers() {}

    public static final class Out implements FlatIO.Writer {
        private ByteBuffer b;

        public Out() {
            this(1 << 16);
        }

        /** With room for {@code capacity} bytes before the first growth (a writer that knows its size). */
        public Out(int capacity) {
            b = ByteBuffer.allocate(Math.max(64, capacity)).order(ByteOrder.LITTLE_ENDIAN);
        }

        private void need(long n) {
            if (b.remaining() >= n) return;
            long cap = Math.max((long) b.capacity() * 2, b.position() + n);
            if (cap > Integer.MAX_VALUE - 64) throw new IllegalStateException("snapshot larger than 2 GiB");
            ByteBuffer nb = ByteBuffer.allocate((int) cap).order(ByteOrder.LITTLE_ENDIAN);
            b.flip();
            nb.put(b);
            b = nb;
        }

        public ByteBuffer finish() { return b.flip(); }

        /** What was written so far, as a read-only view (writing may go on; the view does not see it). */
        public ByteBuffer written() { return b.asReadOnlyBuffer().flip(); }

        /** Forgets what was written, keeping the buffer (a scratch writer reused per record). */
        public void reset() { b.clear(); }

        /** Bytes written so far. */
        public int size() { return b.position(); }

        @Override public void i32(int v) { need(4); b.putInt(v); }
        @Override public void i64(long v) { need(8); b.putLong(v); }
        @Override public void bool(boolean v) { need(1); b.put((byte) (v ? 1 : 0)); }
        @Override public void bytes(byte[] a) { i32(a.length); need(a.length); b.put(a); }

        @Override public void ints(int[] a) {
            i32(a.length);
            need(4L * a.length);
            b.asIntBuffer().put(a);
            b.position(b.position() + 4 * a.length);
        }

        @Override public void longs(long[] a) {
            i32(a.length);
            need(8L * a.length);
            b.asLongBuffer().put(a);
            b.position(b.position() + 8 * a.length);
        }

        @Override public void string(String s) { bytes(s.getBytes(StandardCharsets.UTF_8)); }
    }

    /** Reads from [position, limit) of a buffer; running past the end or absurd lengths are errors, never allocations. */
    public static final class In implements FlatIO.Reader {
        private final ByteBuffer b;

        public In(ByteBuffer b) { this.b = b.order(ByteOrder.LITTLE_ENDIAN); }

        public int remaining() { return b.remaining(); }

        private void need(long n) {
            if (n < 0 || b.remaining() < n) throw new IllegalArgumentException("snapshot truncated at byte " + b.position());
        }

        private int count(int elemSize) {
            int n = i32();
            if (n < 0) throw new IllegalArgumentException("negative length at byte " + (b.position() - 4));
            need((long) n * elemSize);
            return n;
        }

        @Override public int i32() { need(4); return b.getInt(); }
        @Override public long i64() { need(8); return b.getLong(); }

        @Override public boolean bool() {
            need(1);
            byte v = b.get();
            if (v != 0 && v != 1) throw new IllegalArgumentException("bad boolean at byte " + (b.position() - 1));
            return v == 1;
        }

        @Override public byte[] bytes() {
            byte[] a = new byte[count(1)];
            b.get(a);
            return a;
        }

        @Override public int[] ints() {
            int[] a = new int[count(4)];
            b.asIntBuffer().get(a);
            b.position(b.position() + 4 * a.length);
            return a;
        }

        @Override public long[] longs() {
            long[] a = new long[count(8)];
            b.asLongBuffer().get(a);
            b.position(b.position() + 8 * a.length);
            return a;
        }

        @Override public ByteBuffer bytesView() { return view(1).order(ByteOrder.LITTLE_ENDIAN); }
        @Override public IntBuffer intsView() { return view(4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer(); }
        @Override public LongBuffer longsView() { return view(8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer(); }

        /** A slice of the next array (not copied) and skips it. */
        private ByteBuffer view(int elemSize) {
            int n = count(elemSize);
            ByteBuffer v = b.slice(b.position(), n * elemSize);
            b.position(b.position() + n * elemSize);
            return v;
        }

        @Override public String string() {
            int n = count(1);
            if (n > MAX_STRING) throw new IllegalArgumentException("string too long at byte " + b.position());
            byte[] a = new byte[n];
            b.get(a);
            return new String(a, StandardCharsets.UTF_8);
        }
    }
}
