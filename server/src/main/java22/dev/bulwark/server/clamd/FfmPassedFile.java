package dev.bulwark.server.clamd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A descriptor received with {@code SCM_RIGHTS}. Its type and size come from {@code /proc/self/fd/N}
 * (stat through the descriptor's own link, so no path permission is needed); the content is read with
 * {@code pread} or mapped with {@code mmap} on the descriptor itself, never by reopening a path, so a
 * client may pass a file the daemon's user could not open (the point of {@code --fdpass}).
 */
final class FfmPassedFile implements PassedFile {
    /** Native scratch for pread; callers read in slices of at most this. */
    private static final int READ_CHUNK = 64 * 1024;

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Libc.errnoSlot(arena);
    private MemorySegment scratch;
    private BasicFileAttributes attrs;
    private boolean closed;

    FfmPassedFile(int fd) {
        this.fd = fd;
    }

    @Override
    public int number() {
        return fd;
    }

    private BasicFileAttributes attrs() throws IOException {
        if (attrs == null) attrs = Files.readAttributes(Path.of("/proc/self/fd/" + fd), BasicFileAttributes.class);
        return attrs;
    }

    @Override
    public boolean regular() throws IOException {
        return attrs().isRegularFile();
    }

    @Override
    public long size() throws IOException {
        return attrs().size();
    }

    @Override
    public synchronized int read(ByteBuffer dst, long position) throws IOException {
        if (closed) throw new IOException("descriptor closed");
        if (scratch == null) scratch = arena.allocate(READ_CHUNK);
        int want = Math.min(dst.remaining(), READ_CHUNK);
        while (true) {
            long n = Libc.pread(errno, fd, scratch, want, position);
            if (n < 0) {
                if (Libc.errno(errno) == Libc.EINTR) continue;
                throw Libc.error("pread", errno);
            }
            if (n == 0) return -1;
            dst.put(scratch.asSlice(0, n).asByteBuffer());
            return (int) n;
        }
    }

    @Override
    @SuppressWarnings("restricted") // sizing the mmap result: the length is the one we mapped
    public synchronized ByteBuffer map(long size) throws IOException {
        if (closed) throw new IOException("descriptor closed");
        if (size <= 0) return ByteBuffer.allocate(0);
        long addr = Libc.mmap(errno, size, Libc.PROT_READ, Libc.MAP_PRIVATE, fd);
        if (addr == Libc.MAP_FAILED) throw Libc.error("mmap", errno);
        // unmapped when the arena closes; buffers derived from it then refuse access
        MemorySegment mapped = MemorySegment.ofAddress(addr).reinterpret(size, arena, seg -> unmap(seg, size));
        return mapped.asByteBuffer().asReadOnlyBuffer();
    }

    private static void unmap(MemorySegment seg, long size) {
        try (Arena a = Arena.ofConfined()) {
            int rc = Libc.munmap(Libc.errnoSlot(a), seg.address(), size);
            assert rc == 0;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
        try (Arena a = Arena.ofConfined()) {
            Libc.closeQuietly(fd, Libc.errnoSlot(a));
        }
    }
}
