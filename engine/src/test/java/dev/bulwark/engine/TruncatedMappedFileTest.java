package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file larger than the engine's read limit (16 MiB) is scanned through a memory mapping, as is a large
 * descriptor passed to the daemon (FILDES); a file truncated while it is scanned then faults (SIGBUS), which the JDK
 * raises as an InternalError in the scanning thread. Before, that Error escaped the engine: bulwark scan died with
 * it, and the daemon's connection thread ended without a reply (its stack trace in the log). Now such a scan is a
 * read error, libclamav's "Can't read file".
 */
class TruncatedMappedFileTest {
    private static final Engine ENGINE = Engine.of(dev.bulwark.engine.signatures.clamav.DatabaseLoader.loadText(
            "t.ndb", "Payload:0:*:5041594c4f41442d4d41524b4552\n", LoadOptions.defaults()));
    private static final int SIZE = 20 << 20;

    private static void truncate(Path f) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(0); // the same inode: the mapping now lies past its end
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFileTruncatedUnderItsScanIsAReadError(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("big.bin");
        Files.write(f, new byte[SIZE]);
        ScanResult r = ENGINE.scan(f, ScanOptions.defaults(), (sha, n) -> {
            truncate(f); // after the digest, before the scan
            return null;
        });
        assertEquals(ScanResult.Status.ERROR, r.status(), r.toString());
        assertEquals("Can't read file", r.error());
    }

    @Test
    void aMappedBufferWhoseFileWasTruncatedIsAReadError(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("big.bin");
        Files.write(f, new byte[SIZE]);
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, SIZE);
        }
        truncate(f);
        ScanResult r = ENGINE.scan(mapped, ScanOptions.defaults());
        assertEquals(ScanResult.Status.ERROR, r.status(), r.toString());
        assertEquals("Can't read file", r.error());
    }
}
