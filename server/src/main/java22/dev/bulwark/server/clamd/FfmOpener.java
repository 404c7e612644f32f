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

    @Override
    public OpenedFiles.Opened open(byte[] name, Path shown, boolean noFollow) throws IOException {
        // O_PATH: the file itself is not opened for reading, so nothing happens to what a race may have swapped in (a
        // FIFO does not block, a device or terminal is not opened at all); O_NONBLOCK and O_NOCTTY (ignored with
        // O_PATH) say so again. The engine opens /proc/self/fd/N for reading once the caller checked what this is
        int flags = Libc.O_PATH | Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC | (noFollow ? Libc.O_NOFOLLOW : 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSlot(a);
            MemorySegment path = a.allocate(name.length + 1L); // zeroed: NUL-terminated
            MemorySegment.copy(name, 0, path, JAVA_BYTE, 0, name.length);
            int fd;
            do {
                fd = Libc.open(errno, path, flags);
            } while (fd < 0 && Libc.errno(errno) == Libc.EINTR);
            if (fd < 0) throw OpenedFiles.failure(shown, Libc.errno(errno));
            MemorySegment buf = a.allocate(Libc.STATX_BUF);
            if (Libc.fstatx(errno, fd, a.allocate(1), buf) != 0) {
                int e = Libc.errno(errno);
                Libc.closeQuietly(fd, errno);
                throw OpenedFiles.failure(shown, e);
            }
            int mode = Short.toUnsignedInt(buf.get(JAVA_SHORT_UNALIGNED, Libc.STX_MODE));
            return new Opened(fd, (mode & S_IFMT) == S_IFREG, buf.get(JAVA_LONG_UNALIGNED, Libc.STX_SIZE));
        }
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
            try (Arena a = Arena.ofConfined()) {
                Libc.closeQuietly(fd, Libc.errnoSlot(a));
            }
        }
    }
}
