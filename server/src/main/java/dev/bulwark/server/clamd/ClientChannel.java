package dev.bulwark.server.clamd;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One clamd client connection as {@link ClamdSession} sees it: blocking reads and writes, plus the
 * descriptor a client may pass with its data ({@code FILDES}). Implemented over a {@code SocketChannel}
 * ({@link NioClientChannel}) and, where descriptor passing is available, over a socket owned through the
 * Foreign Function and Memory API (Java 22+, in the multi-release part of the jar).
 */
interface ClientChannel extends Closeable {
    /** Reads into {@code dst}; -1 at end of input. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes all of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    /** Makes a blocked or later read see end of input (called by the watchdog from another thread). */
    void shutdownInput() throws IOException;

    void shutdownOutput() throws IOException;

    /** Makes blocked reads and writes fail at once without releasing the connection (watchdog). */
    void abort();

    /**
     * The descriptor received with the data read so far and not yet taken, or null; the caller then owns
     * it and must close it.
     */
    default PassedFile takeDescriptor() {
        return null;
    }

    /**
     * How clamd names a stream from this connection in the VirusEvent environment and its log:
     * {@code instream(ADDRESS@PORT)} for an IPv4 peer, else {@code instream(local)}.
     */
    default String streamName() {
        return "instream(local)";
    }

    /** Releases the connection; called once, by the connection's own thread. */
    @Override
    void close() throws IOException;
}
