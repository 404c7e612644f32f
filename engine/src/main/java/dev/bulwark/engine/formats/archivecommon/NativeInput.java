package dev.bulwark.engine.formats.archivecommon;

import java.nio.ByteBuffer;
import java.util.zip.Checksum;
import java.util.zip.Inflater;

/**
 * (sigbus) Bytes of a layer handed to the JDK's native code: zlib ({@link Inflater}) and the checksums
 * ({@link java.util.zip.CRC32}, {@link java.util.zip.CRC32C}, {@link java.util.zip.Adler32}) read a direct buffer
 * in native code or in an intrinsic stub. A file above the scanner's read limit is memory-mapped; truncated under
 * the scan, a page past its new end is a SIGBUS there, which ends the JVM (CLI or daemon, an hs_err file). Read
 * through Java (a bulk {@code get} into a heap array), the same fault is an {@link InternalError}, which
 * {@code Scanner} answers as a file that shrank. So a direct buffer goes to native code as bounded heap copies of
 * {@link #SLICE} bytes; a heap buffer (every file under the read limit, every extracted child) as before, uncopied.
 * ({@code MessageDigest.update(ByteBuffer)} copies a direct buffer through Java itself, and needs none of this.)
 */
public final class NativeInput {
    /** Bytes copied per slice: the JDK's own InflaterInputStream and MessageDigest chunks are of this order. */
    public static final int SLICE = 16 << 10;

    private NativeInput() {}

    /** Updates each checksum with {@code b}'s remaining bytes (its position is kept). */
    public static void update(ByteBuffer b, Checksum... cs) {
        if (!b.isDirect()) {
            for (Checksum c : cs) c.update(b.duplicate());
            return;
        }
        int at = b.position(), end = b.limit();
        byte[] t = new byte[Math.min(SLICE, end - at)];
        while (at < end) {
            int k = Math.min(t.length, end - at);
            b.get(at, t, 0, k);
            for (Checksum c : cs) c.update(t, 0, k);
            at += k;
        }
    }

    /**
     * The input of one {@link Inflater}: bytes [from, to) of a buffer, all at once from the heap, a heap copy of
     * {@link #SLICE} bytes at a time from a direct buffer (call {@link #next} whenever the inflater needs input).
     */
    public static final class Feed {
        private final Inflater inf;
        private final ByteBuffer in;
        private final int end;
        private int at;
        private byte[] copy;

        public Feed(Inflater inf, ByteBuffer in, int from, int to) {
            this.inf = inf;
            this.in = in;
            this.end = to;
            if (in.isDirect()) {
                at = from;
                next();
            } else {
                inf.setInput(in.slice(from, to - from));
                at = to;
            }
        }

        /** Gives the inflater the next slice; false when the input is used up (always, for a heap buffer). */
        public boolean next() {
            if (at >= end) return false;
            int k = Math.min(SLICE, end - at);
            if (copy == null) copy = new byte[k]; // the first slice is the largest
            in.get(at, copy, 0, k);
            inf.setInput(copy, 0, k);
            at += k;
            return true;
        }
    }
}
