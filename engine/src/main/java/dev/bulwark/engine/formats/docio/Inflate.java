package dev.bulwark.engine.formats.docio;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Bounded zlib / raw-deflate decompression of an in-memory region into a {@link ByteSink}. */
public final class Inflate {
    private static final int CHUNK = 64 * 1024; // output buffer per inflate call

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
            inf.setInput(in.slice(from, to - from));
            byte[] buf = new byte[CHUNK];
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
                    if (inf.needsInput() || inf.needsDictionary()) return false;
                    continue;
                }
                if (!out.put(buf, 0, n)) return false;
            }
            return true;
        } finally {
            inf.end();
        }
    }
}
