package dev.bulwark.server.clamd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls descriptor passing needs, bound once through the FFM linker, with {@code errno}
 * captured per call. Constants and structure offsets are those of 64-bit Linux (x86-64 and AArch64 share
 * them); {@link FdPassing} enables this class only there.
 */
public final class Libc {
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    static final int EINTR = 4;
    static final int PROT_READ = 1;
    static final int MAP_PRIVATE = 2;
    static final long MAP_FAILED = -1L;

    /** struct sockaddr_un: sa_family_t then a 108-byte path. */
    static final int SOCKADDR_UN_SIZE = 110;
    static final int SUN_PATH_OFFSET = 2;
    static final int SUN_PATH_MAX = 108;
    /** struct msghdr (56 bytes): name, namelen, iov, iovlen, control, controllen, flags. */
    static final int MSGHDR_SIZE = 56;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_CONTROL = 32;
    static final int MSG_CONTROLLEN = 40;
    static final int MSG_FLAGS = 48;
    /** struct iovec: base, len. */
    static final int IOVEC_SIZE = 16;
    /** struct cmsghdr: len (size_t), level, type, then data at 16. */
    static final int CMSG_LEVEL = 8;
    static final int CMSG_TYPE = 12;
    static final int CMSG_DATA = 16;
    /** CMSG_LEN(sizeof(int)) and CMSG_SPACE(sizeof(int)): room for exactly one descriptor, as clamd. */
    static final int CMSG_LEN_ONE_FD = 20;
    static final int CMSG_SPACE_ONE_FD = 24;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle LISTEN = bind("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle ACCEPT4 = bind("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle RECVMSG = bind("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle SEND = bind("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle SHUTDOWN = bind("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /**
     * The calls only a passed descriptor needs (FILDES: read or map the client's file), bound when the first
     * one arrives: linking a downcall spins its method handles and stub, ~10 ms of CPU each at start-up
     * with nothing compiled yet, and most daemons never receive a descriptor.
     */
    static final class Passed {
        static final MethodHandle PREAD = bind("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        static final MethodHandle MMAP = bind("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

        private Passed() {}
    }

    private Libc() {}

    /** A downcall handle for a libc function that captures errno (its first argument is the capture slot). */
    @SuppressWarnings("restricted") // native access is enabled for the daemon (--enable-native-access)
    public static MethodHandle bind(String name, FunctionDescriptor fd) {
        MemorySegment addr = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
        return LINKER.downcallHandle(addr, fd, Linker.Option.captureCallState("errno"));
    }

    /** A per-thread errno capture area (allocated once per call site's arena). */
    public static MemorySegment errnoSlot(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    public static int errno(MemorySegment slot) {
        return (int) ERRNO.get(slot, 0L);
    }

    /** An IOException naming the call and the error, as the JDK words socket errors. */
    static IOException error(String call, MemorySegment slot) {
        int e = errno(slot);
        return new IOException(call + " failed: " + describe(e) + " (errno " + e + ")");
    }

    private static String describe(int errno) {
        return switch (errno) {
            case 2 -> "No such file or directory";
            case 9 -> "Bad file descriptor";
            case 13 -> "Permission denied";
            case 22 -> "Invalid argument";
            case 24 -> "Too many open files";
            case 32 -> "Broken pipe";
            case 98 -> "Address already in use";
            case 104 -> "Connection reset by peer";
            default -> "error";
        };
    }

    /** close(2), ignoring errors (the descriptor is gone either way on Linux). */
    static void closeQuietly(int fd, MemorySegment slot) {
        try {
            int rc = (int) CLOSE.invokeExact(slot, fd);
            assert rc == 0 || rc == -1;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** shutdown(2), ignoring errors (the peer may be gone). */
    static void shutdownQuietly(int fd, int how, MemorySegment slot) {
        try {
            int rc = (int) SHUTDOWN.invokeExact(slot, fd, how);
            assert rc == 0 || rc == -1;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Rethrows what a method handle threw: IOException and unchecked as they are, anything else wrapped. */
    static IOException rethrow(Throwable t) {
        if (t instanceof IOException io) return io;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        return new IOException(t);
    }
}
