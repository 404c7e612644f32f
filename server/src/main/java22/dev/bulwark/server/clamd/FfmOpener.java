package dev.bulwark.server.clamd;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link OpenedFiles} through FFM: open(2) with O_PATH once, statx(2) of the descriptor, readlink of /proc/self/fd/N. */
final class FfmOpener implements OpenedFiles.Opener {
    private static final int S_IFMT = 0xF000;
    private static final int S_IFREG = 0x8000;

    public FfmOpener() {
        Libc.load();
    }

    /**
     * Per thread: the errno slot, the statx buffer and a path buffer, in one arena (every buffer a call is given must
     * share its errno slot's arena, see Libc), so a path scan allocates no native memory per file.
     */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment errno = Libc.errnoSlot(arena);
        final MemorySegment statx = arena.allocate(Libc.STATX_BUF);
        final MemorySegment empty = arena.allocate(1);
        MemorySegment path = arena.allocate(4096);

        /** {@code name} NUL-terminated in {@link #path} (grown when longer). */
        MemorySegment path(byte[] name) {
            if (name.length + 1L > path.byteSize()) path = arena.allocate(name.length + 1L);
            MemorySegment.copy(name, 0, path, JAVA_BYTE, 0, name.length);
            path.set(JAVA_BYTE, name.length, (byte) 0);
            return path;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    @Override
    public OpenedFiles.Opened open(byte[] name, Path shown, boolean noFollow) throws IOException {
        // O_PATH: the file itself is not opened for reading, so nothing happens to what a race may have swapped in (a
        // FIFO does not block, a device or terminal is not opened at all); O_NONBLOCK and O_NOCTTY (ignored with
        // O_PATH) say so again. The engine opens /proc/self/fd/N for reading once the caller checked what this is
        int flags = Libc.O_PATH | Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC | (noFollow ? Libc.O_NOFOLLOW : 0);
        Scratch s = SCRATCH.get();
        MemorySegment errno = s.errno, path = s.path(name);
        int fd;
        do {
            fd = Libc.open(errno, path, flags);
        } while (fd < 0 && Libc.errno(errno) == Libc.EINTR);
        if (fd < 0) throw OpenedFiles.failure(shown, Libc.errno(errno));
        if (Libc.fstatx(errno, fd, s.empty, s.statx) != 0) {
            int e = Libc.errno(errno);
            Libc.closeQuietly(fd, errno);
            throw OpenedFiles.failure(shown, e);
        }
        int mode = Short.toUnsignedInt(s.statx.get(JAVA_SHORT_UNALIGNED, Libc.STX_MODE));
        return new Opened(fd, (mode & S_IFMT) == S_IFREG, s.statx.get(JAVA_LONG_UNALIGNED, Libc.STX_SIZE));
    }

    private static final class Opened implements OpenedFiles.Opened {
        private final int fd;
        private final boolean regular;
        private final long size;
        private final Path proc;
        private boolean closed;

        Opened(int fd, boolean regular, long size) {
            this.fd = fd;
            this.regular = regular;
            this.size = size;
            this.proc = Path.of("/proc/self/fd/" + fd);
        }

        @Override
        public Path procPath() {
            return proc;
        }

        @Override
        public Path real() throws IOException {
            return Files.readSymbolicLink(proc);
        }

        @Override
        public boolean regular() {
            return regular;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            Libc.closeQuietly(fd, SCRATCH.get().errno);
        }
    }
}
