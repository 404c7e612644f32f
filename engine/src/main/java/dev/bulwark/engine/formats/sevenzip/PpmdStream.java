package dev.bulwark.engine.formats.sevenzip;

import dev.bulwark.engine.formats.archivecommon.MalformedException;
import dev.bulwark.engine.formats.rar.Ppmd7;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * 7z's PPMd coder (method 03 04 01): the PPMd variant H model ({@link Ppmd7}) under 7-Zip's range
 * coder, which keeps only Code and Range (32 bits), starts with a zero byte and four code bytes, and
 * normalizes while Range < 2^24. Properties: order (1 byte) and model size (u32 LE). Produces exactly
 * the folder's declared unpack size, and never more than {@code maxOutput} bytes (the scan limit).
 */
final class PpmdStream extends InputStream {
    static final byte[] METHOD_ID = {3, 4, 1};
    /** 7-Zip's bounds on the model size. */
    static final long MIN_MEMORY = 1 << 11, MAX_MEMORY = 0xFFFFFFFFL - 12 * 3;
    private static final long TOP = 1 << 24, MASK = 0xFFFFFFFFL;
    /** Zero bytes supplied past the end of the packed data before the stream counts as truncated. */
    private static final int MAX_PAD = 4;

    private final Ppmd7 model;
    private final Range rc;
    private long remaining;
    private final long maxOutput;
    private long produced;

    /**
     * @param packed     the folder's packed stream
     * @param props      the coder properties (5 bytes)
     * @param unpackSize the folder's declared unpack size
     * @param memoryCap  largest model accepted (bytes)
     * @param maxOutput  most bytes decoded before the stream fails with a limit error
     */
    PpmdStream(ByteBuffer packed, byte[] props, long unpackSize, long memoryCap, long maxOutput) throws IOException {
        this(new Ppmd7("7z"), packed, props, unpackSize, memoryCap, maxOutput);
    }

    /**
     * As above, decoding with {@code model}, which is restarted: (fuzz16) an archive's folders share one model,
     * whose heap only grows ({@code PpmdHeap.alloc}), as RAR 3 blocks do. A model per folder allocated and zeroed
     * its heap per folder: 300 one-file folders declaring 256 MiB models (a 15 KB archive) took 50 s.
     */
    PpmdStream(Ppmd7 model, ByteBuffer packed, byte[] props, long unpackSize, long memoryCap, long maxOutput) throws IOException {
        this.model = model;
        if (props == null || props.length < 5) throw new IOException("7z: PPMd properties missing");
        int order = props[0] & 0xff;
        long memory = (props[1] & 0xffL) | (props[2] & 0xffL) << 8 | (props[3] & 0xffL) << 16 | (props[4] & 0xffL) << 24;
        if (order < Ppmd7.MIN_ORDER || order > Ppmd7.MAX_ORDER || memory < MIN_MEMORY || memory > MAX_MEMORY)
            throw new IOException("7z: PPMd properties invalid (order " + order + ", memory " + memory + ")");
        if (memory > memoryCap) throw new IOException("7z: PPMd model of " + memory + " bytes refused (limit " + memoryCap + ")");
        if (unpackSize < 0) throw new IOException("7z: PPMd unpack size invalid");
        rc = new Range(packed);
        model.init((int) memory, order);
        model.initDecoder(rc);
        remaining = unpackSize;
        this.maxOutput = maxOutput;
    }

    @Override
    public int read() throws IOException {
        if (remaining == 0) return -1;
        if (produced >= maxOutput) throw new IOException("7z: PPMd output stopped at the scan size limit (" + maxOutput + " bytes)");
        int c = model.decodeChar();
        remaining--;
        produced++;
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (remaining == 0) return -1;
        int n = (int) Math.min(len, remaining);
        for (int i = 0; i < n; i++) {
            if (produced >= maxOutput) {
                if (i > 0) return i;
                throw new IOException("7z: PPMd output stopped at the scan size limit (" + maxOutput + " bytes)");
            }
            b[off + i] = (byte) model.decodeChar();
            remaining--;
            produced++;
        }
        return n;
    }

    /** 7-Zip's PPMd range decoder (Ppmd7z_RangeDec). */
    static final class Range implements Ppmd7.RangeDecoder {
        private final ByteBuffer in;
        private long range = MASK, code;
        private int pad;

        Range(ByteBuffer in) {
            this.in = in;
            if (next() != 0) throw new MalformedException("7z: PPMd stream does not start with 0", 0);
            for (int i = 0; i < 4; i++) code = code << 8 | next();
            if (code == MASK) throw new MalformedException("7z: PPMd stream start invalid", 0);
        }

        private int next() {
            if (in.hasRemaining()) return in.get() & 0xff;
            if (++pad > MAX_PAD) throw new MalformedException("7z: PPMd stream truncated", in.position());
            return 0;
        }

        private void normalize() {
            if (range == 0) throw new MalformedException("7z: PPMd range underflow", in.position());
            while (range < TOP) {
                code = (code << 8 | next()) & MASK;
                range = (range << 8) & MASK;
            }
        }

        @Override
        public int threshold(int total) {
            range = range / total;
            if (range == 0) throw new MalformedException("7z: PPMd range underflow", in.position());
            return (int) Math.min(Integer.MAX_VALUE, code / range);
        }

        @Override
        public void decode(int start, int size) {
            code = (code - start * range) & MASK;
            range = (range * size) & MASK;
            normalize();
        }

        @Override
        public int decodeBit(int size0, int totalBits) {
            long bound = (range >>> totalBits) * size0;
            int bit;
            if (code < bound) {
                range = bound;
                bit = 0;
            } else {
                code -= bound;
                range -= bound;
                bit = 1;
            }
            normalize();
            return bit;
        }

        @Override
        public long position() { return in.position(); }
    }
}
