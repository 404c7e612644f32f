package dev.bulwark.server.clamd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Descriptor passing through the FFM API (Java 22+; compiled into META-INF/versions/22 of the jar and
 * loaded by name from {@link FdPassing}).
 *
 * <p>Design: a JDK {@code SocketChannel} does not expose its descriptor, and the JDK reads a UNIX socket
 * with plain {@code read}, which makes the kernel discard (close) any descriptor riding on the bytes read.
 * clamd therefore reads every byte of a local connection with {@code recvmsg}. We do the same: this class
 * owns the UNIX listening socket outright ({@code socket}, {@code bind}, {@code listen}, {@code accept4}),
 * and each accepted connection is an {@link FfmClientChannel} that reads with {@code recvmsg} and writes
 * with {@code send}. No JDK internals are touched (no reflection on {@code sun.nio.ch}), so nothing breaks
 * when the JDK changes its private classes. Native calls pin the calling thread, so these connections
 * run on platform threads (bounded by {@code MaxQueue}) instead of virtual ones.
 */
final class FfmUnixSockets implements FdPassing.Provider {
    /** Listen backlog ceiling; the kernel clamps to net.core.somaxconn anyway. */
    private static final int MAX_BACKLOG = 65535;

    FfmUnixSockets() {
        // forces the libc bindings now, so a missing symbol disables descriptor passing at start-up
        Libc.load();
    }

    @Override
    public FdPassing.Listener listen(Path path, int backlog) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= Libc.SUN_PATH_MAX) throw new IOException(path + ": UNIX socket path too long");
        Arena arena = Arena.ofShared();
        MemorySegment errno = Libc.errnoSlot(arena);
        int fd;
        try {
            fd = Libc.socket(errno, Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        } catch (RuntimeException | Error t) {
            arena.close();
            throw t;
        }
        if (fd < 0) {
            IOException e = Libc.error("socket", errno);
            arena.close();
            throw e;
        }
        try {
            MemorySegment addr = arena.allocate(Libc.SOCKADDR_UN_SIZE);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_UNIX);
            MemorySegment.copy(name, 0, addr, ValueLayout.JAVA_BYTE, Libc.SUN_PATH_OFFSET, name.length);
            int rc = Libc.bind(errno, fd, addr, Libc.SOCKADDR_UN_SIZE);
            if (rc != 0) throw new IOException(path + ": " + Libc.error("bind", errno).getMessage());
            rc = Libc.listen(errno, fd, Math.max(1, Math.min(backlog, MAX_BACKLOG)));
            if (rc != 0) throw Libc.error("listen", errno);
        } catch (Throwable t) {
            Libc.closeQuietly(fd, errno);
            arena.close();
            throw Libc.rethrow(t);
        }
        return new FfmListener(fd, arena, errno);
    }

    /**
     * The listening socket. accept blocks a platform thread; close shuts the socket down, which wakes that
     * thread, and the descriptor is released only when no accept is running, so its number can never be
     * reused under a blocked call.
     */
    private static final class FfmListener implements FdPassing.Listener {
        private final int fd;
        private final Arena arena;
        private final MemorySegment errno;
        private final MemorySegment closeErrno;
        private boolean closed;
        private boolean accepting;
        private boolean released;

        FfmListener(int fd, Arena arena, MemorySegment errno) {
            this.fd = fd;
            this.arena = arena;
            this.errno = errno;
            this.closeErrno = Libc.errnoSlot(arena);
        }

        @Override
        public ClientChannel accept() throws IOException {
            while (true) {
                synchronized (this) {
                    if (closed) throw new IOException("listener closed");
                    accepting = true;
                }
                int c = -1;
                try {
                    c = Libc.accept4(errno, fd, Libc.SOCK_CLOEXEC);
                } finally {
                    synchronized (this) {
                        accepting = false;
                        if (closed) {
                            if (c >= 0) Libc.closeQuietly(c, closeErrno);
                            release();
                        }
                    }
                }
                if (c >= 0) {
                    synchronized (this) {
                        if (closed) throw new IOException("listener closed");
                    }
                    return new FfmClientChannel(c);
                }
                synchronized (this) {
                    if (closed) throw new IOException("listener closed");
                    // read under the lock: a close() right after the check above releases the arena errno lives in
                    if (Libc.errno(errno) != Libc.EINTR) throw Libc.error("accept", errno);
                }
            }
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            // Linux wakes a thread blocked in accept() on a listening socket that is shut down; closing
            // alone would leave it blocked.
            Libc.shutdownQuietly(fd, Libc.SHUT_RDWR, closeErrno);
            if (!accepting) release();
        }

        private void release() {
            if (released) return;
            released = true;
            Libc.closeQuietly(fd, closeErrno);
            arena.close();
        }
    }
}
