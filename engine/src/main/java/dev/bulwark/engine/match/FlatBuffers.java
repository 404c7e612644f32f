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

    /**
     * A growing little-endian writer over a plain array. The text loader encodes every body pattern with it
     * (twice: when added and after anchor planning) and runs on C1, where each {@code ByteBuffer.putInt} was a
     * chain of calls and each {@code ints} made two buffer views; stores into the array cost a few instructions.
     */
    public static final class Out implements FlatIO.Writer {
        private byte[] b;
        private int pos;

        public Out() {
            this(1 << 16);
        }

        /** With room for {@code capacity} bytes before the first growth (a writer that knows its size). */
        public Out(int capacity) {
            b = new byte[Math.max(64, capacity)];
        }

        private void need(long n) {
            if (b.length - pos >= n) return;
            long cap = Math.max((long) b.length * 2, pos + n);
            if (cap > Integer.MAX_VALUE - 64) throw new IllegalStateException("snapshot larger than 2 GiB");
            b = java.util.Arrays.copyOf(b, (int) cap);
        }

        /** What was written, from position 0 (little-endian); the writer must not be used afterwards. */
        public ByteBuffer finish() { return ByteBuffer.wrap(b, 0, pos).slice().order(ByteOrder.LITTLE_ENDIAN); }

        /** What was written so far, as a read-only view (writing may go on; the view does not see it). */
        public ByteBuffer written() { return ByteBuffer.wrap(b, 0, pos).asReadOnlyBuffer(); }

        /** Forgets what was written, keeping the buffer (a scratch writer reused per record). */
        public void reset() { pos = 0; }

        /** Bytes written so far. */
        public int size() { return pos; }

        /** Appends what was written so far to {@code f} (no view objects: the set's builder does this per record). */
        void writeTo(SpillFile f) { f.write(b, 0, pos); }

        @Override public void i32(int v) {
            need(4);
            put32(pos, v);
            pos += 4;
        }

        private void put32(int i, int v) {
            byte[] a = b;
            a[i] = (byte) v;
            a[i + 1] = (byte) (v >>> 8);
            a[i + 2] = (byte) (v >>> 16);
            a[i + 3] = (byte) (v >>> 24);
        }

        @Override public void i64(long v) {
            need(8);
            put32(pos, (int) v);
            put32(pos + 4, (int) (v >>> 32));
            pos += 8;
        }

        @Override public void bool(boolean v) {
            need(1);
            b[pos++] = (byte) (v ? 1 : 0);
        }

        @Override public void bytes(byte[] a) {
            i32(a.length);
            need(a.length);
            System.arraycopy(a, 0, b, pos, a.length);
            pos += a.length;
        }

        /** Bytes {@code a[off, off + len)} as they are, with no length before them (a copied encoding). */
        public void raw(byte[] a, int off, int len) {
            need(len);
            System.arraycopy(a, off, b, pos, len);
            pos += len;
        }

        @Override public void ints(int[] a) {
            i32(a.length);
            need(4L * a.length);
            int p = pos;
            for (int v : a) {
                put32(p, v);
                p += 4;
            }
            pos = p;
        }

        @Override public void longs(long[] a) {
            i32(a.length);
            need(8L * a.length);
            int p = pos;
            for (long v : a) {
                put32(p, (int) v);
                put32(p + 4, (int) (v >>> 32));
                p += 8;
            }
            pos = p;
        }

        @Override public void string(String s) { bytes(s.getBytes(StandardCharsets.UTF_8)); }
    }

    /**
     * Reads from [position, limit) of a buffer; running past the end or absurd lengths are errors, never
     * allocations. A heap buffer's numbers are assembled from its array: a snapshot is opened mostly by the
     * interpreter (a one-file scan), where each {@code ByteBuffer.getInt} is a chain of about ten calls and
     * the ~20,000 fields of the small database cost milliseconds; the array reads cost a tenth of that.
     */
    public static final class In implements FlatIO.Reader {
        private final ByteBuffer b;
        /** The buffer's backing array (null for direct or read-only buffers) and the array index of its index 0. */
        private final byte[] a;
        private final int base;
        private final int limit;
        /**
         * Arrays up to this length are assembled element by element: a bulk get through an int or long
         * view is a dozen interpreted calls, more than a few elements cost (logical signatures' ranges).
         */
        private static final int SMALL_ARRAY = 8;
        /** The next index of {@link #b} to read (the buffer's own position is not used). */
        private int pos;

        public In(ByteBuffer b) {
            this.b = b.order(ByteOrder.LITTLE_ENDIAN);
            this.pos = b.position();
            this.limit = b.limit();
            boolean heap = b.hasArray();
            this.a = heap ? b.array() : null;
            this.base = heap ? b.arrayOffset() : 0;
        }

        public int remaining() { return limit - pos; }

        /** (large12) A snapshot's per-block checksums for lazily checked arrays, or null (everything checked). */
        private Blocks blocks;
        /** File offset of this buffer's index 0 (with {@link #blocks}). */
        private long fileBase;

        /** Lets hash indexes read from here check their arrays' blocks on first use ({@code base}: file offset of index 0). */
        public In lazy(Blocks blocks, long base) {
            this.blocks = blocks;
            this.fileBase = base;
            return this;
        }

        public Blocks blocks() { return blocks; }

        /** File offset of the next byte read (with {@link #blocks}). */
        public long fileOffset() { return fileBase + pos; }

        private void need(long n) {
            if (n < 0 || limit - pos < n) throw new IllegalArgumentException("snapshot truncated at byte " + pos);
        }

        private int count(int elemSize) {
            int n = i32();
            if (n < 0) throw new IllegalArgumentException("negative length at byte " + (pos - 4));
            need((long) n * elemSize);
            return n;
        }

        @Override public int i32() {
            need(4);
            int p = pos;
            pos = p + 4;
            if (a == null) return b.getInt(p);
            int i = base + p;
            return a[i] & 0xFF | (a[i + 1] & 0xFF) << 8 | (a[i + 2] & 0xFF) << 16 | a[i + 3] << 24;
        }

        @Override public long i64() {
            need(8);
            if (a == null) {
                long v = b.getLong(pos);
                pos += 8;
                return v;
            }
            long lo = i32() & 0xFFFFFFFFL;
            return lo | (long) i32() << 32;
        }

        @Override public boolean bool() {
            need(1);
            byte v = a != null ? a[base + pos] : b.get(pos);
            pos++;
            if (v != 0 && v != 1) throw new IllegalArgumentException("bad boolean at byte " + (pos - 1));
            return v == 1;
        }

        @Override public byte[] bytes() {
            byte[] r = new byte[count(1)];
            if (a != null) System.arraycopy(a, base + pos, r, 0, r.length);
            else b.get(pos, r);
            pos += r.length;
            return r;
        }

        @Override public int[] ints() {
            int[] r = new int[count(4)];
            if (a != null && r.length <= SMALL_ARRAY) {
                for (int i = 0; i < r.length; i++) r[i] = i32();
                return r;
            }
            b.position(pos).asIntBuffer().get(r);
            pos += 4 * r.length;
            return r;
        }

        @Override public long[] longs() {
            long[] r = new long[count(8)];
            if (a != null && r.length <= SMALL_ARRAY) {
                for (int i = 0; i < r.length; i++) r[i] = i64();
                return r;
            }
            b.position(pos).asLongBuffer().get(r);
            pos += 8 * r.length;
            return r;
        }

        @Override public long[] rawLongs(int count) {
            if (count < 0) throw new IllegalArgumentException("negative length at byte " + pos);
            need(8L * count);
            long[] r = new long[count];
            b.position(pos).asLongBuffer().get(r);
            pos += 8 * count;
            return r;
        }

        @Override public ByteBuffer bytesView() { return view(1).order(ByteOrder.LITTLE_ENDIAN); }
        @Override public IntBuffer intsView() { return view(4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer(); }
        @Override public LongBuffer longsView() { return view(8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer(); }

        /** A slice of the next array (not copied) and skips it. */
        private ByteBuffer view(int elemSize) {
            int n = count(elemSize);
            ByteBuffer v = b.slice(pos, n * elemSize);
            pos += n * elemSize;
            return v;
        }

        @Override public String string() {
            int n = count(1);
            if (n > MAX_STRING) throw new IllegalArgumentException("string too long at byte " + pos);
            String s;
            if (a != null) {
                s = new String(a, base + pos, n, StandardCharsets.UTF_8);
            } else {
                byte[] r = new byte[n];
                b.get(pos, r);
                s = new String(r, StandardCharsets.UTF_8);
            }
            pos += n;
            return s;
        }
    }
}
