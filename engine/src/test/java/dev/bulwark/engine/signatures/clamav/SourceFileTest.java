package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database file opened once for its parser and the fingerprint: read whole as {@code Files.readAllBytes}
 * would (also when it shrank or grew after it was opened), bounded, and the same bytes for both readers
 * when the file is replaced meanwhile.
 */
class SourceFileTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void readsTheWholeFileAtEverySmallLength() throws IOException {
        for (int n = 0; n < 300; n += 7) {
            Path p = Files.write(dir.resolve("f" + n), bytes(n, n));
            SourceFile f = SourceFile.open(p, 1);
            assertArrayEquals(Files.readAllBytes(p), f.readAll(1 << 20));
            f.release();
        }
    }

    @Test
    void aFileThatShrankOrGrewIsReadToItsEnd() throws IOException {
        Path p = Files.write(dir.resolve("a.hdb"), bytes(100_000, 1));
        SourceFile f = SourceFile.open(p, 1);
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(60_000);
        }
        assertArrayEquals(Arrays.copyOf(bytes(100_000, 1), 60_000), f.readAll(1 << 20));
        f.release();
        SourceFile g = SourceFile.open(p, 1);
        Files.write(p, bytes(50_000, 2), StandardOpenOption.APPEND);
        assertArrayEquals(Files.readAllBytes(p), g.readAll(1 << 20));
        assertEquals(60_000, g.size, "the size when it was opened");
        g.release();
    }

    @Test
    void aFileOverTheLimitIsRefused() throws IOException {
        Path p = Files.write(dir.resolve("big.ndb"), bytes(5000, 3));
        SourceFile f = SourceFile.open(p, 1);
        assertThrows(IOException.class, () -> f.readAll(4999));
        f.release();
        SourceFile g = SourceFile.open(p, 1);
        Files.write(p, bytes(10, 4), StandardOpenOption.APPEND); // grows past the limit after it was opened
        assertThrows(IOException.class, () -> g.readAll(5005));
        g.release();
    }

    @Test
    void bothReadersSeeTheOpenFileWhenItIsReplaced() throws IOException {
        Path p = Files.write(dir.resolve("main.hdb"), bytes(70_000, 5));
        SourceFile f = SourceFile.open(p, 2);
        Path fresh = Files.write(dir.resolve("fresh.tmp"), bytes(80_000, 6));
        Files.move(fresh, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // freshclam's way
        byte[] first = f.readAll(1 << 20);
        f.release();
        byte[] second = new byte[70_000];
        int got = 0;
        for (int r; got < second.length && (r = f.read(got, second, got, second.length - got)) > 0; ) got += r;
        f.release();
        assertArrayEquals(bytes(70_000, 5), first);
        assertArrayEquals(first, second, "the second reader still reads the file it opened");
        assertThrows(IOException.class, () -> f.read(0, new byte[1], 0, 1), "closed by the last release");
    }
}
