package dev.bulwark.server.clamd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * A local clamd connection owned through FFM: every read is a {@code recvmsg} with room for one
 * {@code SCM_RIGHTS} descriptor, as clamd's, so a descriptor passed with any byte is received, never
 * dropped by the kernel. Reads happen on the connection's thread; writes are serialised by the session;
 * shutdown may come from the watchdog thread. The descriptor is closed only by {@link #close()} (the
 * connection's own thread), so its number cannot be reused under a blocked call.
 */
final class FfmClientChannel implements ClientChannel {
    /** Native I/O buffer per direction: the session reads in 16 KiB slices. */
    private static final int IO_BUFFER = 16 * 1024;

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readBuf = arena.allocate(IO_BUFFER);
    private final MemorySegment writeBuf = arena.allocate(IO_BUFFER);
    private final MemorySegment msg = arena.allocate(Libc.MSGHDR_SIZE, 8);
    private final MemorySegment iov = arena.allocate(Libc.IOVEC_SIZE, 8);
    private final MemorySegment control = arena.allocate(Libc.CMSG_SPACE_ONE_FD, 8);
    private final MemorySegment readErrno = Libc.errnoSlot(arena);
    private final MemorySegment writeErrno = Libc.errnoSlot(arena);
    private final MemorySegment controlErrno = Libc.errnoSlot(arena);
    private FfmPassedFile pending;
    private boolean closed;

    FfmClientChannel(int fd) {
        this.fd = fd;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int want = Math.min(dst.remaining(), IO_BUFFER);
        if (want == 0) return 0;
        while (true) {
            control.fill((byte) 0);
            long n = Libc.recvmsg(readErrno, fd, msg, iov, readBuf, want, control, Libc.MSG_CMSG_CLOEXEC);
            if (n < 0) {
                if (Libc.errno(readErrno) == Libc.EINTR) continue;
                if (isClosed()) return -1;
                throw Libc.error("recvmsg", readErrno);
            }
            takeControl();
            if (n == 0) return -1;
            dst.put(readBuf.asSlice(0, n).asByteBuffer());
            return (int) n;
        }
    }

    /**
     * Picks the descriptor out of the control message. Exactly one {@code SCM_RIGHTS} descriptor is
     * accepted (clamd's {@code CMSG_LEN(sizeof(int))} test); any other descriptors that arrive are closed
     * at once. A truncated control message (more descriptors than fit) ends the connection, as in clamd.
     */
    private void takeControl() throws IOException {
        long controlLen = msg.get(ValueLayout.JAVA_LONG, Libc.MSG_CONTROLLEN);
        int flags = msg.get(ValueLayout.JAVA_INT, Libc.MSG_FLAGS);
        int received = -1;
        if (controlLen >= Libc.CMSG_DATA) {
            long cmsgLen = control.get(ValueLayout.JAVA_LONG, 0);
            int level = control.get(ValueLayout.JAVA_INT, Libc.CMSG_LEVEL);
            int type = control.get(ValueLayout.JAVA_INT, Libc.CMSG_TYPE);
            if (level == Libc.SOL_SOCKET && type == Libc.SCM_RIGHTS) {
                long usable = Math.min(cmsgLen, controlLen);
                int count = (int) Math.max(0, (usable - Libc.CMSG_DATA) / Integer.BYTES);
                for (int i = 0; i < count; i++) {
                    int d = control.get(ValueLayout.JAVA_INT, Libc.CMSG_DATA + (long) i * Integer.BYTES);
                    if (count == 1 && cmsgLen == Libc.CMSG_LEN_ONE_FD) received = d;
                    else Libc.closeQuietly(d, readErrno);
                }
            }
        }
        if ((flags & Libc.MSG_CTRUNC) != 0) {
            if (received >= 0) Libc.closeQuietly(received, readErrno);
            throw new IOException("control message truncated (more than one descriptor passed)");
        }
        if (received >= 0) {
            synchronized (this) {
                if (pending != null) pending.close(); // a second descriptor replaces an unclaimed one
                pending = new FfmPassedFile(received);
            }
        }
    }

    @Override
    public synchronized PassedFile takeDescriptor() {
        PassedFile f = pending;
        pending = null;
        return f;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), IO_BUFFER);
            ByteBuffer slice = src.slice(src.position(), n);
            MemorySegment.copy(MemorySegment.ofBuffer(slice), 0, writeBuf, 0, n);
            long sent = Libc.send(writeErrno, fd, writeBuf, n, Libc.MSG_NOSIGNAL);
            if (sent < 0) {
                if (Libc.errno(writeErrno) == Libc.EINTR) continue;
                throw Libc.error("send", writeErrno);
            }
            src.position(src.position() + (int) sent);
        }
    }

    @Override
    public synchronized void shutdownInput() {
        if (!closed) Libc.shutdownQuietly(fd, Libc.SHUT_RD, controlErrno);
    }

    @Override
    public synchronized void shutdownOutput() {
        if (!closed) Libc.shutdownQuietly(fd, Libc.SHUT_WR, controlErrno);
    }

    @Override
    public synchronized void abort() {
        if (!closed) Libc.shutdownQuietly(fd, Libc.SHUT_RDWR, controlErrno);
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (pending != null) {
            pending.close();
            pending = null;
        }
        Libc.closeQuietly(fd, controlErrno);
        try {
            arena.close();
        } catch (IllegalStateException inUse) {
            // another thread is still inside a call on this connection's buffers; the memory stays
            // reachable until it returns (it fails fast: the descriptor is closed)
        }
    }
}
