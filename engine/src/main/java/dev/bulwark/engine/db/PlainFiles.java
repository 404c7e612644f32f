package dev.bulwark.engine.db;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/**
 * (startup12) Opening a small file without a {@link java.nio.channels.FileChannel}: the first channel of a process
 * initialises NIO's {@code IOUtil} (which loads {@code libnet}) and reads a heap array through a temporary direct
 * buffer, a noticeable part of a one-file scan's start-up. Used by the scanner for small files and by the snapshot
 * reader for small snapshots.
 */
public final class PlainFiles {
    private PlainFiles() {}

    /**
     * The file opened as a {@link RandomAccessFile}, or null when it is not on the default file system or cannot be
     * opened so: the caller then opens it with {@code FileChannel.open}, which reports any failure (missing, denied,
     * a directory's read error) with the same exception as ever.
     */
    public static RandomAccessFile open(Path file) {
        if (file.getFileSystem() != FileSystems.getDefault()) return null;
        try {
            return new RandomAccessFile(file.toFile(), "r");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
