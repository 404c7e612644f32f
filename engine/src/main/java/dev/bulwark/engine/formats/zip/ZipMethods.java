package dev.bulwark.engine.formats.zip;

import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.Inflater;

/**
 * Decoders for the ZIP compression methods (APPNOTE 4.4.5). The methods decoded by the archive libraries
 * live in {@link ZipCodecs}: verifying this class then loads none of those libraries' classes, so a ZIP of
 * stored and deflated members (nearly all of them) opens no other jar.
 */
final class ZipMethods {
    static final int STORED = 0, SHRUNK = 1, IMPLODED = 6, DEFLATED = 8, DEFLATE64 = 9, BZIP2 = 12, LZMA = 14, ZSTD = 93, XZ = 95;
    /** Largest LZMA dictionary we allocate for one member: bigger ones are refused, not allocated. */
    static final int MAX_LZMA_DICT = 64 << 20;
    /** Memory (KiB) an XZ member may use; the reference decoder's default limit is of this order. */
    static final int XZ_MEMORY_LIMIT_KIB = 96 << 10;
    /**
     * Compressed bytes handed to zlib per call: the same 16 KiB slices the JDK's InflaterInputStream copied
     * through its buffer before, so a damaged member decodes to the same bytes and the same error.
     */
    private static final int INFLATE_SLICE = 16 * 1024;

    private ZipMethods() {}

    static boolean supported(int method) {
        return switch (method) {
            case STORED, SHRUNK, IMPLODED, DEFLATED, DEFLATE64, BZIP2, LZMA, ZSTD, XZ -> true;
            default -> false;
        };
    }

    /** A decoding stream for the member's data; the caller closes it. */
    static InputStream open(int method, int flags, ByteBuffer data, long size) throws IOException {
        return open(method, flags, data, size, org.tukaani.xz.ArrayCache.getDefaultCache());
    }

    /** As {@link #open(int, int, ByteBuffer, long)}; LZMA and XZ dictionaries come from (and go back to, on close) {@code cache}. */
    static InputStream open(int method, int flags, ByteBuffer data, long size, org.tukaani.xz.ArrayCache cache) throws IOException {
        InputStream raw = new BufferInputStream(data);
        return switch (method) {
            case STORED -> raw;
            case DEFLATED -> new Inflating(data);
            // (fuzz19) zstd frames declaring windows above 8 MiB are rewritten first, as for .zst layers
            case ZSTD -> ZipCodecs.open(method, dev.bulwark.engine.formats.zstd.ZstdFrames.clamped(data, null), flags, size, cache);
            case DEFLATE64, BZIP2, LZMA, XZ -> ZipCodecs.open(method, raw, flags, size, cache);
            case IMPLODED, SHRUNK -> ZipLegacy.open(method, flags, data, size);
            default -> throw new IOException("unsupported method " + method);
        };
    }

    /**
     * Raw deflate read straight from the member's bytes (slices of the archive's buffer, no copy and no
     * per-member input buffer: 16 KiB per member were a quarter of a corpus scan's allocation); errors as the
     * JDK's InflaterInputStream reports them. The native inflater is released on close.
     */
    static final class Inflating extends InputStream {
        private final Inflater inf = new Inflater(true);
        private final ByteBuffer in;
        private final byte[] one = new byte[1];
        private int at;
        /** The last call filled the output: zlib may hold more output before it needs input. */
        private boolean pending;
        private boolean closed;
        /** The input slice copied from a direct (mapped) buffer (review18). */
        private byte[] copy;

        Inflating(ByteBuffer data) {
            this.in = data.slice();
        }

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IOException("Stream closed");
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            try {
                int n;
                do {
                    if (inf.finished() || inf.needsDictionary()) return -1;
                    // zlib may hold output that did not fit the last call although it needs no more input
                    if (inf.needsInput() && !pending) {
                        if (at >= in.limit()) throw new java.io.EOFException("Unexpected end of ZLIB input stream");
                        int k = Math.min(INFLATE_SLICE, in.limit() - at);
                        if (in.isDirect()) {
                            // (review18) a mapped archive: zlib would read the mapping in native code, where a file
                            // truncated under the scan is a SIGBUS that ends the JVM (the daemon too); copied here,
                            // the fault is Java's InternalError, which the scanner answers as a file that shrank
                            if (copy == null) copy = new byte[INFLATE_SLICE];
                            in.get(at, copy, 0, k);
                            inf.setInput(copy, 0, k);
                        } else {
                            inf.setInput(in.slice(at, k));
                        }
                        at += k;
                    }
                    n = inf.inflate(b, off, len);
                    pending = n == len && !inf.finished(); // as the JDK's Inflater tracks it for InflaterInputStream
                } while (n == 0);
                return n;
            } catch (java.util.zip.DataFormatException e) {
                String m = e.getMessage();
                throw new java.util.zip.ZipException(m != null ? m : "Invalid ZLIB data format");
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                inf.end();
            }
        }
    }
}
