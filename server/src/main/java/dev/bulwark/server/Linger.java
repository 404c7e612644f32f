package dev.bulwark.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * Lingering close for a connection whose client may still be sending: after our side stops writing,
 * what is in flight is read and dropped for a bounded time, so the kernel does not answer the unread
 * bytes with a reset that makes the client lose our last (error) reply.
 */
public final class Linger {
    /** How long a closing connection keeps reading. */
    public static final long SECONDS = 2;
    /** The most it reads and drops. */
    public static final long MAX_BYTES = 16L << 20;
    private static final int BUFFER = 16 * 1024;

    /** A connection's blocking read. */
    @FunctionalInterface
    public interface Source {
        int read(ByteBuffer dst) throws IOException;
    }

    private Linger() {}

    /** Reads and drops until end of input, {@link #MAX_BYTES}, {@code timeUp}, or a read error. */
    public static void drain(Source in, BooleanSupplier timeUp) {
        ByteBuffer sink = ByteBuffer.allocate(BUFFER);
        long drained = 0;
        try {
            while (drained < MAX_BYTES && !timeUp.getAsBoolean()) {
                sink.clear();
                int n = in.read(sink);
                if (n < 0) break;
                drained += n;
            }
        } catch (IOException e) {
            // the client gave up first, or the watchdog closed the connection
        }
    }
}
