package dev.bulwark.server.clamd;

import dev.bulwark.engine.ScanResult;
import dev.bulwark.server.ScanService;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** Scans the content of a descriptor received with FILDES. */
final class FildesScan {
    /**
     * Files up to this size are copied onto the heap (the engine's own limit for reading instead of
     * mapping): the copy cannot change under the scan, so a clean result may be cached. Larger files are
     * mapped read-only for the scan and not cached (the client may still be writing them).
     */
    private static final long COPY_LIMIT = 16L << 20;

    private FildesScan() {}

    static ScanResult scan(ScanService service, PassedFile f) throws InterruptedException {
        String name = "fd[" + f.number() + "]";
        ByteBuffer data;
        boolean copy;
        try {
            long size = f.size();
            copy = size <= COPY_LIMIT;
            data = copy ? readAll(f, (int) size) : f.map(size);
        } catch (IOException e) {
            return new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, "Can't read file", 0, null);
        }
        return service.scanBuffer(data, copy, false, "clamd", "FILDES", name, path(f, name));
    }

    /**
     * The file's path for VirusEvent and the log, as clamd finds it (the target of /proc/self/fd/N, which
     * needs no permission on the path), or {@code fd[N]} when there is none.
     */
    private static String path(PassedFile f, String fallback) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + f.number())).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return fallback;
        }
    }

    /** Reads the whole file from offset 0 (pread: the client's file offset is left alone). */
    private static ByteBuffer readAll(PassedFile f, int size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(size);
        while (b.hasRemaining()) {
            if (f.read(b, b.position()) < 0) break; // shrank since stat: scan what is there
        }
        return b.flip();
    }
}
