package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load's fingerprint: entries digested in the order given, whether inline (before the first file) or on
 * the digest thread, files read by that thread and released; a file it cannot read fails the fingerprint
 * (never a wrong one) and the files still queued are released.
 */
class LoadFingerprintTest {
    @TempDir
    Path dir;

    @Test
    void inlineAndThreadedEntriesAreDigestedInOrder() throws Exception {
        byte[] a = "first".getBytes(StandardCharsets.UTF_8), b = new byte[3 << 20], c = "last".getBytes(StandardCharsets.UTF_8);
        new Random(9).nextBytes(b);
        Path p = Files.write(dir.resolve("big.hdb"), b);
        LoadFingerprint fp = new LoadFingerprint(true);
        fp.update(a);                       // inline: no thread yet
        SourceFile f = SourceFile.open(p, 2);
        fp.file("big.hdb".getBytes(StandardCharsets.UTF_8), f);
        fp.update(c);                       // queued after the file
        f.release();                        // the parser's share
        fp.close();
        assertNull(fp.failure());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(a);
        sha.update("big.hdb".getBytes(StandardCharsets.UTF_8));
        sha.update(b);
        sha.update(c);
        assertEquals(HexFormat.of().formatHex(sha.digest()), fp.hex());
        assertThrows(IOException.class, () -> f.read(0, new byte[1], 0, 1), "released by both readers: closed");
    }

    @Test
    void anUnreadableFileFailsTheFingerprintAndQueuedFilesAreReleased() throws Exception {
        Path p = Files.write(dir.resolve("a.hdb"), new byte[100]), q = Files.write(dir.resolve("b.hdb"), new byte[100]);
        SourceFile broken = SourceFile.open(p, 2);
        broken.release();
        broken.release();                   // closed before the digest thread reads it
        SourceFile next = SourceFile.open(q, 2);
        LoadFingerprint fp = new LoadFingerprint(true);
        fp.file("a.hdb".getBytes(StandardCharsets.UTF_8), broken);
        fp.file("b.hdb".getBytes(StandardCharsets.UTF_8), next);
        fp.close();
        assertNotNull(fp.failure());
        assertTrue(fp.failure().contains("a.hdb"), fp.failure());
        next.release();                     // the parser's share: the digest thread released its own
        assertThrows(IOException.class, () -> next.read(0, new byte[1], 0, 1));
    }

    @Test
    void noFingerprintReleasesFilesAndIsEmpty() throws Exception {
        SourceFile f = SourceFile.open(Files.write(dir.resolve("c.hdb"), new byte[10]), 2);
        LoadFingerprint fp = new LoadFingerprint(false);
        fp.update(new byte[5]);
        fp.file("c.hdb".getBytes(StandardCharsets.UTF_8), f);
        f.release();
        fp.close();
        assertEquals("", fp.hex());
        assertThrows(IOException.class, () -> f.read(0, new byte[1], 0, 1));
    }
}
