package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.server.config.DaemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (daemon15) The clean-file cache after a path scan: bytes the engine read onto the heap were hashed and scanned as
 * one copy, so their entry is right whatever the file did meanwhile, and the cache takes it without a second stat;
 * a mapped file (above the engine's 16 MiB read limit) can change between the hash and the scan, and is cached only
 * when its stamp after the scan equals the one before.
 */
class CleanCacheCopyTest {
    @TempDir Path tmp;

    private ScanService service() throws Exception {
        Path db = Files.writeString(tmp.resolve("t.ndb"), "Payload:0:*:5041594c4f41442d4d41524b4552\n");
        EngineHolder h = new EngineHolder(List.of(db), LoadOptions.defaults());
        h.loadInitial();
        return new ScanService(h, DaemonConfig.defaults(), new Metrics(), new Log(null, false, false));
    }

    /** A stamp that no file has: as if the file changed between the walk's stat and the engine's read. */
    private static final FileDigest.Stamp STALE = new FileDigest.Stamp(1, 2, "stale");

    @Test
    void aHeapReadIsCachedByItsDigestWithoutTheStampAfterTheScan() throws Exception {
        ScanService s = service();
        Path f = Files.writeString(tmp.resolve("clean.txt"), "clean content\n");
        ScanResult r = s.scanFile(f, STALE, false, "clamd", "MULTISCAN");
        assertEquals(ScanResult.Status.CLEAN, r.status());
        assertEquals(1, s.cache().size(), "a private copy's entry does not depend on the file's stamp");
        s.scanFile(f, STALE, false, "clamd", "MULTISCAN");
        assertEquals(1, s.cache().hits.sum());
    }

    @Test
    void aMappedFileIsCachedOnlyWhenItsStampHeld() throws Exception {
        ScanService s = service();
        byte[] b = new byte[(16 << 20) + 4096]; // above the engine's heap-read limit: mapped
        Arrays.fill(b, (byte) '.');
        Path f = Files.write(tmp.resolve("large.bin"), b);
        assertEquals(ScanResult.Status.CLEAN, s.scanFile(f, STALE, false, "clamd", "MULTISCAN").status());
        assertEquals(0, s.cache().size(), "mapped bytes whose file changed are not cached");
        assertEquals(ScanResult.Status.CLEAN, s.scanFile(f, FileDigest.stamp(f), false, "clamd", "MULTISCAN").status());
        assertEquals(1, s.cache().size());
    }

    @Test
    void aPathScanOfAReadableFileIsAScanNotDenied() throws Exception {
        ScanService s = service();
        Path f = Files.writeString(tmp.resolve("x.txt"), "xxPAYLOAD-MARKERxx\n");
        ScanResult r = s.scanWalked(f, FileDigest.stamp(f), false, "clamd", "MULTISCAN");
        assertTrue(r.infected());
        ScanResult gone = s.scanWalked(tmp.resolve("missing"), null, false, "clamd", "MULTISCAN");
        assertEquals("No such file or directory", gone.error());
        assertFalse(gone == ScanService.DENIED);
        // unreadable: only where permissions apply (not as root)
        Path locked = Files.writeString(tmp.resolve("locked.txt"), "locked\n");
        locked.toFile().setReadable(false, false);
        if (!Files.isReadable(locked)) assertSame(ScanService.DENIED, s.scanWalked(locked, FileDigest.stamp(locked), false, "clamd", "MULTISCAN"));
    }
}
