package dev.bulwark.engine;

import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.db.PlainFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Entry points for one scan of one object: reads or maps the input, then runs a {@link ScanJob}. */
final class Scanner {
    /** Files up to this size are read onto the heap (one read); larger ones are memory-mapped. */
    private static final long READ_LIMIT = 16L << 20;
    /**
     * Largest single read of a file onto the heap. NIO reads a heap buffer through a temporary direct
     * buffer as large as the request and keeps it per thread only up to jdk.nio.maxCachedBufferSize (the
     * daemon sets 1 MiB): a larger request allocates, faults in and frees a fresh native buffer each time.
     */
    private static final int READ_CHUNK = 1 << 20;
    /** Streams are buffered in memory up to this size, then spooled to a temporary file. */
    private static final int STREAM_MEMORY = 16 << 20;

    /**
     * Files up to this size are read into a buffer the (platform) thread keeps for its next file, so a
     * stream of small files allocates and zeroes nothing per file; larger ones get their own array.
     */
    private static final int SCRATCH_LIMIT = 1 << 20;
    /** Smallest scratch buffer allocated (grown in powers of two up to {@link #SCRATCH_LIMIT}). */
    private static final int SCRATCH_MIN = 16 << 10;
    /** The calling thread's scratch buffer; the slot is emptied while a scan uses it (re-entrant scans allocate). */
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1][]);

    /** Digest kind of SHA-256 in {@link LayerImpl#digest(int)}. */
    private static final int SHA256 = 2;

    private Scanner() {}

    static ScanResult scanFile(Database db, Path file, ScanOptions o, Engine.DigestCheck check) {
        long t0 = System.nanoTime();
        Limits lim = o.limits().normalize();
        RandomAccessFile raf = PlainFiles.open(file);
        try (RandomAccessFile r = raf; FileChannel opened = raf == null ? FileChannel.open(file, StandardOpenOption.READ) : null) {
            long size = raf != null ? raf.length() : opened.size();
            // a small file opened plainly is read without a channel; anything else through one (see PLAIN_READ_MAX)
            FileChannel ch = opened != null ? opened : size > PLAIN_READ_MAX ? raf.getChannel() : null;
            if (size == 0) {
                ScanResult pre = check == null ? null : check.beforeScan(LayerImpl.digest(ByteBuffer.allocate(0), SHA256), 0, true);
                return pre != null ? pre : new ScanResult(ScanResult.Status.EMPTY, List.of(), 0, 0, 0, null, System.nanoTime() - t0, null);
            }
            if (size > lim.maxFileSize()) return ScanJob.tooLarge(o, size, t0);
            byte[][] slot = size <= SCRATCH_LIMIT && !Thread.currentThread().isVirtual() ? SCRATCH.get() : null;
            byte[] scratch = slot == null ? null : slot[0];
            if (slot != null) slot[0] = null;
            try {
                ByteBuffer data;
                if (size <= READ_LIMIT) {
                    byte[] b = scratch != null && scratch.length >= size ? scratch
                            : slot != null ? new byte[Math.max(SCRATCH_MIN, Integer.highestOneBit((int) size - 1) << 1)]
                            : new byte[(int) size];
                    if (slot != null) scratch = b;
                    int got = 0;
                    if (ch == null) {
                        for (int n; got < size && (n = raf.read(b, got, (int) size - got)) >= 0; ) got += n;
                    } else {
                        ByteBuffer w = ByteBuffer.wrap(b, 0, (int) size);
                        while (w.position() < size) { // at most READ_CHUNK per read (see there)
                            w.limit((int) Math.min(size, (long) w.position() + READ_CHUNK));
                            if (ch.read(w) < 0) break;
                        }
                        got = w.position();
                    }
                    data = ByteBuffer.wrap(b, 0, got).slice(); // bytes past the limit are never read
                } else {
                    data = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
                }
                byte[] sha = null;
                if (check != null) {
                    sha = LayerImpl.digest(data, SHA256);
                    ScanResult pre = check.beforeScan(sha.clone(), data.limit(), !data.isDirect());
                    if (pre != null) return pre;
                }
                return new ScanJob(db, o, t0).run(data, sha);
            } catch (InternalError e) {
                if (size <= READ_LIMIT) throw e;
                return shrank(t0); // the mapped file was truncated under the scan
            } finally {
                if (slot != null) slot[0] = scratch;
            }
        } catch (IOException e) {
            return error(e, t0);
        }
    }

    /**
     * (startup12) Files up to this size are read with a {@link RandomAccessFile} ({@link PlainFiles#open}), not a
     * {@link FileChannel}; larger files go through the same file's channel as before (its cached temporary buffer,
     * mapping above READ_LIMIT).
     */
    static final long PLAIN_READ_MAX = 64 << 10;

    /**
     * A scan of mapped memory whose file was truncated meanwhile (by its writer, or by the client that passed its
     * descriptor): reading a page past the new end raises SIGBUS, which the JDK turns into an InternalError ("a fault
     * occurred in an unsafe memory access operation") in the scanning thread. The scan cannot go on; it is a read
     * error, as libclamav's CL_EREAD (cl_strerror: "Can't read file"), not an Error that ends the command or the
     * daemon's connection without a reply.
     */
    private static ScanResult shrank(long t0) {
        return new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, "Can't read file", System.nanoTime() - t0, null);
    }

    static ScanResult scanBuffer(Database db, ByteBuffer data, ScanOptions o) {
        long t0 = System.nanoTime();
        ByteBuffer d = data.slice();
        if (d.limit() == 0) return new ScanResult(ScanResult.Status.EMPTY, List.of(), 0, 0, 0, null, 0, null);
        if (d.limit() > o.limits().normalize().maxFileSize()) return ScanJob.tooLarge(o, d.limit(), t0);
        try {
            return new ScanJob(db, o, t0).run(d, null);
        } catch (InternalError e) {
            if (!d.isDirect()) throw e;
            return shrank(t0); // mapped memory (a passed descriptor's file) truncated under the scan
        }
    }

    static ScanResult scanStream(Database db, InputStream in, ScanOptions o) throws IOException {
        byte[] head = in.readNBytes(STREAM_MEMORY);
        if (head.length < STREAM_MEMORY) return scanBuffer(db, ByteBuffer.wrap(head), o);
        Path tmp = Files.createTempFile("bulwark-stream", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(head);
                in.transferTo(out);
            }
            return scanFile(db, tmp, o, null);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ScanResult error(IOException e, long t0) {
        String msg = e instanceof java.nio.file.AccessDeniedException ? "Access denied"
                : e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : String.valueOf(e.getMessage());
        return new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, msg, System.nanoTime() - t0, null);
    }
}
