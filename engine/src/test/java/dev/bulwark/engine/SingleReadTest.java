package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Engine#scan(Path, ScanOptions, Engine.DigestCheck)} reads a file once: the digest handed to the
 * check and the scan see the same bytes. Each test replaces the file (a new inode, as an editor or a
 * download would) between the digest and the scan, so an engine that opened the file a second time to
 * scan it would scan the new contents and fail these tests.
 */
class SingleReadTest {
    private static final Engine ENGINE = Engine.of(dev.bulwark.engine.signatures.clamav.DatabaseLoader.loadText(
            "t.ndb", "Payload:0:*:5041594c4f41442d4d41524b4552\n", LoadOptions.defaults()));
    private static final byte[] PAYLOAD = "xxxxPAYLOAD-MARKERxxxx\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /** Writes {@code size} bytes ending in the payload; returns them. */
    private static byte[] write(Path f, int size) throws Exception {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) '.');
        System.arraycopy(PAYLOAD, 0, b, size - PAYLOAD.length, PAYLOAD.length);
        Files.write(f, b);
        return b;
    }

    /** Replaces {@code f} by a clean file of the same size under a new inode. */
    private static void replaceWithClean(Path f, int size) throws Exception {
        Path tmp = f.resolveSibling(f.getFileName() + ".new");
        byte[] clean = new byte[size];
        Arrays.fill(clean, (byte) '.');
        Files.write(tmp, clean);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void digestAndScanSeeTheSameBytes(Path f, int size) throws Exception {
        byte[] original = write(f, size);
        byte[][] seen = new byte[1][];
        ScanResult r = ENGINE.scan(f, ScanOptions.defaults(), (sha, n) -> {
            seen[0] = sha;
            assertEquals(size, n);
            try {
                replaceWithClean(f, size);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return null;
        });
        assertArrayEquals(sha256(original), seen[0]);
        assertEquals(List.of("Payload.UNOFFICIAL"), r.detections().stream().map(Detection::name).toList());
        assertEquals(HexFormat.of().formatHex(seen[0]), r.tree().sha256());
        // the file on disk is clean now: a plain scan (a new read) says so
        assertFalse(ENGINE.scan(f, ScanOptions.defaults()).infected());
    }

    /** (daemon15) The check is told whether the hashed bytes are the engine's own heap copy: not for a mapped file. */
    @Test
    void privateCopyOnlyForHeapReads(@TempDir Path tmp) throws Exception {
        for (int size : new int[] {0, 4096, (64 << 10) + 1, (16 << 20) + 4096}) {
            Path f = tmp.resolve("f" + size);
            if (size == 0) Files.write(f, new byte[0]); else write(f, size);
            Boolean[] copy = {null};
            ENGINE.scan(f, ScanOptions.defaults(), new Engine.DigestCheck() {
                @Override
                public ScanResult beforeScan(byte[] sha256, long n) {
                    throw new AssertionError("the three-argument form is called");
                }

                @Override
                public ScanResult beforeScan(byte[] sha256, long n, boolean privateCopy) {
                    copy[0] = privateCopy;
                    return null;
                }
            });
            assertEquals(size <= (16 << 20), copy[0], "size " + size);
        }
    }

    @Test
    void smallFileIsReadOnce(@TempDir Path tmp) throws Exception {
        digestAndScanSeeTheSameBytes(tmp.resolve("small.bin"), 4096);
    }

    @Test
    void mappedFileIsReadOnce(@TempDir Path tmp) throws Exception {
        digestAndScanSeeTheSameBytes(tmp.resolve("large.bin"), (16 << 20) + 4096); // above the heap-read limit
    }

    @Test
    void theReadBufferKeptForTheNextFileNeverShowsThePreviousOne(@TempDir Path tmp) throws Exception {
        Path infected = tmp.resolve("infected.bin"), clean = tmp.resolve("clean.bin");
        write(infected, 8192); // payload at the end: beyond the end of the shorter clean file
        Files.write(clean, new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'});
        for (int i = 0; i < 3; i++) {
            assertEquals(ScanResult.Status.INFECTED, ENGINE.scan(infected, ScanOptions.defaults()).status());
            ScanResult r = ENGINE.scan(clean, ScanOptions.defaults());
            assertEquals(ScanResult.Status.CLEAN, r.status());
            assertEquals(8, r.size());
        }
        // a scan started from inside the check (same thread) gets its own buffer
        ScanResult outer = ENGINE.scan(infected, ScanOptions.defaults(), (sha, n) -> {
            assertEquals(ScanResult.Status.CLEAN, ENGINE.scan(clean, ScanOptions.defaults()).status());
            return null;
        });
        assertEquals(ScanResult.Status.INFECTED, outer.status());
    }

    @Test
    void aResultFromTheCheckReplacesTheScan(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("f.bin");
        write(f, 100);
        ScanResult cached = new ScanResult(ScanResult.Status.CLEAN, List.of(), 100, 0, 1, null, 0, null);
        assertSame(cached, ENGINE.scan(f, ScanOptions.defaults(), (sha, n) -> cached));
    }

    @Test
    void emptyFileGetsTheEmptyDigest(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("empty"), new byte[0]);
        byte[][] seen = new byte[1][];
        ScanResult r = ENGINE.scan(f, ScanOptions.defaults(), (sha, n) -> { seen[0] = sha; return null; });
        assertEquals(ScanResult.Status.EMPTY, r.status());
        assertArrayEquals(sha256(new byte[0]), seen[0]);
    }

    @Test
    void aFileAboveTheSizeLimitIsNotReadNorHashed(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("big.bin");
        write(f, 2048);
        ScanOptions small = ScanOptions.defaults().withLimits(Limits.DEFAULTS.withMaxFileSize(1024));
        ScanResult r = ENGINE.scan(f, small, (sha, n) -> { throw new AssertionError("hashed a file that is not scanned"); });
        assertEquals(ScanResult.Status.CLEAN, r.status());
        assertEquals(0, r.bytesScanned());
    }
}
