package dev.bulwark.engine;

import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The entry point: an immutable, thread-safe scanner over one loaded {@link Database}. Build one with
 * {@link #load}, share it between threads, and replace it (never mutate it) when signatures change.
 */
public final class Engine {
    private final Database db;

    private Engine(Database db) {
        this.db = db;
    }

    /**
     * Loads signature files and directories (ClamAV formats, CVD/CLD containers, YARA rules).
     *
     * @throws DatabaseLoadException with every error found, each naming its file and line
     */
    public static Engine load(List<Path> sources, LoadOptions options) {
        return new Engine(DatabaseLoader.load(sources, options));
    }

    /** Like {@link #load(List, LoadOptions)}, plus the built-in database (EICAR and test signatures). */
    public static Engine loadWithBuiltin(List<Path> sources, LoadOptions options) {
        return new Engine(DatabaseLoader.load(sources, options, true));
    }

    public static Engine of(Database db) {
        return new Engine(db);
    }

    public Database database() {
        return db;
    }

    /**
     * Scans a file. I/O problems give a result with status ERROR, never an exception.
     *
     * @throws DatabaseLoadException when the database turns out to be damaged: a snapshot's logical signatures
     *     are decoded on first use, and one that cannot be decoded (a crafted file with a valid checksum) fails
     *     this scan and every later one of this engine (the same for every {@code scan} method)
     */
    public ScanResult scan(Path file, ScanOptions options) {
        return Scanner.scanFile(db, file, options, null);
    }

    /**
     * Sees the SHA-256 of a file's bytes after they were read and before they are scanned, from the
     * same single read (for clean-file caches and reports that carry the digest).
     */
    @FunctionalInterface
    public interface DigestCheck {
        /** Returns a result to use instead of scanning, or null to scan the bytes that were hashed. */
        ScanResult beforeScan(byte[] sha256, long size);

        /**
         * As {@link #beforeScan(byte[], long)}, which it calls unless overridden; {@code privateCopy}: the bytes
         * hashed, and then scanned, are the engine's own copy on the heap (read with {@code read(2)}, not mapped), so
         * nothing can change them between the hash and the scan and the digest names exactly what was scanned,
         * whatever happens to the file meanwhile. False for a file mapped into memory (above the read limit), whose
         * bytes a writer can change under the scan.
         */
        default ScanResult beforeScan(byte[] sha256, long size, boolean privateCopy) {
            return beforeScan(sha256, size);
        }
    }

    /**
     * Scans a file like {@link #scan(Path, ScanOptions)}, reading it once: {@code check} gets the SHA-256
     * of exactly the bytes that are then scanned (not called when the file is not read: an I/O error,
     * or a file above the size limit).
     */
    public ScanResult scan(Path file, ScanOptions options, DigestCheck check) {
        return Scanner.scanFile(db, file, options, java.util.Objects.requireNonNull(check));
    }

    /**
     * Scans the bytes between the buffer's position and its limit. The buffer's position and contents
     * are left unchanged: the scanner only reads, and extractors see read-only views.
     */
    public ScanResult scan(ByteBuffer data, ScanOptions options) {
        return Scanner.scanBuffer(db, data.duplicate(), options);
    }

    public ScanResult scan(byte[] data, ScanOptions options) {
        return Scanner.scanBuffer(db, ByteBuffer.wrap(data), options);
    }

    /**
     * Scans a stream (read to the end, up to the max file size; larger streams are spooled to a
     * temporary file and mapped, never held whole on the heap).
     */
    public ScanResult scan(InputStream in, ScanOptions options) throws IOException {
        return Scanner.scanStream(db, in, options);
    }
}
