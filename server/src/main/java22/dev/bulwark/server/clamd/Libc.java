package dev.bulwark.server.clamd;

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
 * The few libc calls descriptor passing needs, through one FFM downcall shape (see {@link #CALL}), with
 * {@code errno} captured per call. Constants and structure offsets are those of 64-bit Linux (x86-64 and AArch64 share
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

    /**
     * Every call goes through one downcall shape: six integer-class arguments, an integer-class result, errno
     * captured. The linker builds (spins a class for, and the JIT compiles) one specialised stub per distinct
     * function descriptor: with one descriptor per call (seven distinct) that cost ~0.17 CPU-s and 7 MB of a
     * daemon's start-up with a UNIX socket, most of its FFM cost (docs/benchmarks/daemon.md "daemon9"). The one shape
     * is exact for these calls on 64-bit Linux, the only platform {@link FdPassing} enables: on x86-64 (System V)
     * and AArch64 the first six integer or pointer arguments travel in registers, an {@code int} parameter reads
     * the low half of its register (so a sign-extended long carries it), a pointer is its address, arguments a
     * function does not take are ignored registers, and an {@code int} result is the low half of the result
     * register (the callers narrow it). None of the functions is variadic.
     *
     * <p>A pointer argument is passed as its address, so the linker no longer keeps its memory alive during the
     * call by itself; it still keeps the errno segment's arena alive. Hence the rule {@link #addressIn} checks:
     * every buffer passed to a call lives in the same arena as that call's errno slot (each connection and each
     * passed file owns one arena), so an arena cannot be closed, and its memory freed, under a running call.
     */
    @SuppressWarnings("restricted")
    private static final MethodHandle CALL = LINKER.downcallHandle(
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.captureCallState("errno"));

    private static final MemorySegment SOCKET = symbol("socket");
    private static final MemorySegment BIND = symbol("bind");
    private static final MemorySegment LISTEN = symbol("listen");
    private static final MemorySegment ACCEPT4 = symbol("accept4");
    private static final MemorySegment RECVMSG = symbol("recvmsg");
    private static final MemorySegment SEND = symbol("send");
    private static final MemorySegment SHUTDOWN = symbol("shutdown");
    private static final MemorySegment CLOSE = symbol("close");
    private static final MemorySegment PREAD = symbol("pread");
    private static final MemorySegment MMAP = symbol("mmap");
    private static final MemorySegment MUNMAP = symbol("munmap");
    private static final MemorySegment STATX = symbol("statx");

    /** open(2) flags (x86-64 and AArch64 share all but O_NOFOLLOW). */
    static final int O_RDONLY = 0;
    static final int O_NOCTTY = 0x100;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int O_PATH = 0x200000;
    static final int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0x8000 : 0x20000;
    static final int ELOOP = 40;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    /** statx(2): the path is empty, the descriptor itself is looked at; the type and size are asked for. */
    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_TYPE = 0x1;
    static final int STATX_SIZE = 0x200;
    /** struct statx is the same on every architecture: 256 bytes, stx_mode (u16) at 0x1C, stx_size (u64) at 0x28. */
    static final int STATX_BUF = 256;
    static final int STX_MODE = 0x1C;
    static final int STX_SIZE = 0x28;

    private Libc() {}

    /** Initialises this class: links the downcall shape and looks every function up (or fails). */
    static void load() {
        // nothing else: the static initialiser did it
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
    }

    /** One call through {@link #CALL}; a downcall throws nothing checked. */
    private static long call(MemorySegment function, MemorySegment errno, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) CALL.invokeExact(function, errno, a, b, c, d, e, f);
        } catch (RuntimeException | Error x) {
            throw x;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The address of {@code buffer}, which must live in the arena of the call's {@code errno} slot (see {@link #CALL}). */
    private static long addressIn(MemorySegment buffer, MemorySegment errno) {
        if (!buffer.scope().equals(errno.scope())) throw new IllegalArgumentException("buffer outside the call's arena");
        return buffer.address();
    }

    /**
     * The address of {@code buffer} (see {@link #addressIn}) for a call that lets the kernel read or write
     * {@code len} bytes there: the length must be at most the buffer's size (what remains of it from where the
     * segment starts: a slice's size), else the call is refused before it is made, with an IllegalArgumentException
     * naming it. The kernel trusts the length it is given; a larger one would read or write past the buffer.
     */
    private static long addressFor(String call, MemorySegment buffer, long len, MemorySegment errno) {
        long address = addressIn(buffer, errno);
        if (len < 0 || len > buffer.byteSize()) {
            throw new IllegalArgumentException(call + ": length " + len + " does not fit the buffer's " + buffer.byteSize() + " bytes");
        }
        return address;
    }

    static int socket(MemorySegment errno, int domain, int type, int protocol) {
        return (int) call(SOCKET, errno, domain, type, protocol, 0, 0, 0);
    }

    static int bind(MemorySegment errno, int fd, MemorySegment addr, int len) {
        return (int) call(BIND, errno, fd, addressFor("bind", addr, len, errno), len, 0, 0, 0);
    }

    static int listen(MemorySegment errno, int fd, int backlog) {
        return (int) call(LISTEN, errno, fd, backlog, 0, 0, 0, 0);
    }

    /** accept4(2) without the peer's address. */
    static int accept4(MemorySegment errno, int fd, int flags) {
        return (int) call(ACCEPT4, errno, fd, 0, 0, flags, 0, 0);
    }

    /**
     * recvmsg(2) of at most {@code len} bytes into {@code data} and a control message into the whole of {@code control}:
     * the message header {@code msg} and its one iovec {@code iov} are filled in here, from those segments, so every
     * length the kernel is given is checked against the buffer it describes (see {@link #addressFor}); all five
     * segments must be in the arena of {@code errno}. The header tells afterwards the control length and flags.
     */
    static long recvmsg(MemorySegment errno, int fd, MemorySegment msg, MemorySegment iov, MemorySegment data, long len,
            MemorySegment control, int flags) {
        long header = addressFor("recvmsg", msg, MSGHDR_SIZE, errno);
        addressFor("recvmsg", iov, IOVEC_SIZE, errno);
        addressFor("recvmsg", data, len, errno);
        addressIn(control, errno);
        msg.fill((byte) 0);
        iov.set(java.lang.foreign.ValueLayout.ADDRESS, 0, data);
        iov.set(JAVA_LONG, 8, len);
        msg.set(java.lang.foreign.ValueLayout.ADDRESS, MSG_IOV, iov);
        msg.set(JAVA_LONG, MSG_IOVLEN, 1);
        msg.set(java.lang.foreign.ValueLayout.ADDRESS, MSG_CONTROL, control);
        msg.set(JAVA_LONG, MSG_CONTROLLEN, control.byteSize());
        return call(RECVMSG, errno, fd, header, flags, 0, 0, 0);
    }

    static long send(MemorySegment errno, int fd, MemorySegment buf, long len, int flags) {
        return call(SEND, errno, fd, addressFor("send", buf, len, errno), len, flags, 0, 0);
    }

    static long pread(MemorySegment errno, int fd, MemorySegment buf, long len, long offset) {
        return call(PREAD, errno, fd, addressFor("pread", buf, len, errno), len, offset, 0, 0);
    }

    private static final MemorySegment OPEN = symbol("open");

    /**
     * open(2) of the NUL-terminated path in {@code path} (in the arena of {@code errno}); the descriptor or -1. open is
     * declared variadic (a mode follows the flags, read only with O_CREAT or O_TMPFILE, never here), and goes through
     * {@link #CALL} all the same: on 64-bit Linux a variadic int travels in the register a fixed one does (the third
     * integer register, 0 here), and x86-64's vector-register count in AL only bounds what the callee's prologue saves.
     * One shape, no stub of its own to link (see {@link #CALL}).
     */
    static int open(MemorySegment errno, MemorySegment path, int flags) {
        return (int) call(OPEN, errno, addressIn(path, errno), flags, 0, 0, 0, 0);
    }

    /** statx(2) of the descriptor itself ({@code empty}: a one-byte segment holding NUL) into {@code buf}. */
    static int fstatx(MemorySegment errno, int fd, MemorySegment empty, MemorySegment buf) {
        return (int) call(STATX, errno, fd, addressIn(empty, errno), AT_EMPTY_PATH, STATX_TYPE | STATX_SIZE,
                addressFor("statx", buf, STATX_BUF, errno), 0);
    }

    /** mmap(2) of {@code len} bytes of {@code fd} from offset 0 anywhere: the address, or {@link #MAP_FAILED}. */
    static long mmap(MemorySegment errno, long len, int prot, int flags, int fd) {
        return call(MMAP, errno, 0, len, prot, flags, fd, 0);
    }

    /** munmap(2) of a mapping {@link #mmap} made (not arena memory: its address is passed as it is). */
    static int munmap(MemorySegment errno, long address, long len) {
        return (int) call(MUNMAP, errno, address, len, 0, 0, 0, 0);
    }

    /**
     * A downcall handle of its own, errno captured (its first argument is the capture slot), for calls outside
     * the shape of {@link #CALL} ({@code User}: getpwnam, initgroups, setgid, setuid, bound only when configured).
     */
    @SuppressWarnings("restricted") // native access is enabled for the daemon (--enable-native-access)
    public static MethodHandle bind(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd, Linker.Option.captureCallState("errno"));
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
        int rc = (int) call(CLOSE, slot, fd, 0, 0, 0, 0, 0);
        assert rc == 0 || rc == -1;
    }

    /** shutdown(2), ignoring errors (the peer may be gone). */
    static void shutdownQuietly(int fd, int how, MemorySegment slot) {
        int rc = (int) call(SHUTDOWN, slot, fd, how, 0, 0, 0, 0);
        assert rc == 0 || rc == -1;
    }

    /** Rethrows what a method handle threw: IOException and unchecked as they are, anything else wrapped. */
    static IOException rethrow(Throwable t) {
        if (t instanceof IOException io) return io;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        return new IOException(t);
    }
}
