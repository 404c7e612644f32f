package dev.bulwark.engine.formats.archivecommon;

import java.io.IOException;
import java.io.InputStream;

/**
 * A decoding stream that implements only the bulk {@link #read(byte[], int, int)}; the single-byte
 * {@code read()} goes through it (extraction always reads in blocks, so its cost does not matter).
 */
public abstract class BulkInputStream extends InputStream {
    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
