package dev.bulwark.engine.formats.docio;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Bounded zlib / raw-deflate decompression of an in-memory region into a {@link ByteSink}. */
public final class Inflate {
    private static final int CHUNK = 64 * 1024; // output buffer per inflate call
    private static final int MIN_CHUNK = 4096;   // the first one (doubled while the output fills it)

    private Inflate() {}

    /**
     * Inflates [from, to) into {@code out} until the stream ends, the input runs out, the sink is
     * full or the data is corrupt. Returns true when the deflate stream ended properly.
     *
     * @param zlib true for a zlib header (RFC 1950), false for raw deflate
     */
    public static boolean inflate(ByteBuffer in, int from, int to, boolean zlib, ByteSink out) {
        if (from >= to) return false;
        Inflater inf = new Inflater(!zlib);
        try {
            // (sigbus) a direct (mapped) buffer goes to zlib as heap copies: see NativeInput
            dev.bulwark.engine.formats.archivecommon.NativeInput.Feed feed =
                    new dev.bulwark.engine.formats.archivecommon.NativeInput.Feed(inf, in, from, to);
            // (fuzz17) the chunk starts small and doubles while the output fills it, up to 64 KiB: a PDF of 100,000
            // damaged FlateDecode streams (6 MB) allocated and cleared two 64 KiB buffers per stream (zlib, then raw
            // deflate), 13 GB, where each call fails within its first bytes
            byte[] buf = new byte[(int) Math.min(MIN_CHUNK, 16L * (to - from) + 64)];
            while (!inf.finished()) {
                long before = inf.getBytesWritten();
                int n;
                try {
                    n = inf.inflate(buf);
                } catch (DataFormatException e) {
                    // what this call decoded before the damage is kept, as ClamAV keeps the output of a
                    // stream that inflate() ends with Z_DATA_ERROR (pdf.c filter_flatedecode, ole2 VBA)
                    int written = (int) (inf.getBytesWritten() - before);
                    if (written > 0) out.put(buf, 0, written);
                    return false;
                }
                if (n == 0) {
                    if (inf.needsInput() && feed.next()) continue;
                    if (inf.needsInput() || inf.needsDictionary()) return false;
                    continue;
                }
                if (!out.put(buf, 0, n)) return false;
                if (n == buf.length && buf.length < CHUNK) buf = new byte[Math.min(CHUNK, buf.length * 2)];
            }
            return true;
        } finally {
            inf.end();
        }
    }
}
