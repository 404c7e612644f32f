package dev.bulwark.server.clamd;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An open file a client passed over the UNIX socket ({@code FILDES}); read-only, closed by its owner. */
interface PassedFile extends Closeable {
    /** The descriptor number in this process: clamd names the object {@code fd[N]} in its reply. */
    int number();

    /** Whether it is a regular file (clamd refuses anything else with {@code Not a regular file}). */
    boolean regular() throws IOException;

    long size() throws IOException;

    /** Reads at {@code position} into {@code dst} without moving any file offset; -1 at end of file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /**
     * Maps {@code size} bytes from the start of the file read-only; the mapping is valid until
     * {@link #close()}, after which the buffer refuses access instead of touching unmapped memory.
     */
    ByteBuffer map(long size) throws IOException;
}
