package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.snapshot.SnapshotWriter;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon serving a snapshot whose body pattern is damaged behind a valid checksum (crafted: the CRC32
 * recomputed). The engine decodes patterns on first use, so the damage is found by the first scan that meets the
 * pattern; from then on every scan of that engine fails. Over the clamd protocol each such scan gets clamd's
 * reply for a scan that fails with a malformed database ({@code NAME: Malformed database ERROR}, clamd's
 * {@code cl_strerror(CL_EMALFDB)}; before, the reply carried the engine's message, the snapshot's path included),
 * the log names the snapshot and the damage, and the daemon stays up. (clamd itself loads its whole database at start
 * and keeps the old engine when a reload fails, so it never answers a scan this way in practice.)
 */
class DamagedSnapshotTest {
    private static final String BODY = "jklmnopq";

    @TempDir Path tmp;

    /** A snapshot of one body signature for {@link #BODY}, its first element's tag set to 9 (no such element). */
    private Path damagedSnapshot() throws Exception {
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(db.resolve("t.ndb"), "T.Body:0:*:" + java.util.HexFormat.of().formatHex(BODY.getBytes(StandardCharsets.US_ASCII)) + "\n");
        Path snap = tmp.resolve("damaged.bsnap");
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), List.of(db), snap);
        byte[] image = Files.readAllBytes(snap);
        // a literal element is one little-endian int: mask, value, tag (0 = literal), 0; the body's first three
        byte[] lits = {(byte) 0xFF, 'j', 0, 0, (byte) 0xFF, 'k', 0, 0, (byte) 0xFF, 'l', 0, 0};
        String text = new String(image, StandardCharsets.ISO_8859_1), needle = new String(lits, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(needle);
        assertTrue(at > 0 && text.indexOf(needle, at + 1) < 0, "the pattern's elements occur once");
        image[at + 2] = 9;
        dev.bulwark.engine.db.snapshot.Snapshot.reseal(image); // the damage passes the checksums
        return Files.write(snap, image);
    }

    private static String instream(TestDaemon d, String data) throws Exception {
        byte[] b = data.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
        req.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        req.writeBytes(b);
        req.writeBytes(new byte[4]);
        return new String(RealClamd.exchange(d.port(), req.toByteArray(), 20_000), StandardCharsets.UTF_8);
    }

    private static String command(TestDaemon d, String cmd) throws Exception {
        return new String(RealClamd.exchange(d.port(), (cmd + "\0").getBytes(StandardCharsets.UTF_8), 20_000), StandardCharsets.UTF_8);
    }

    @Test
    void scansAfterTheDamageIsMetReplyMalformedDatabaseErrorAndTheDaemonStaysUp() throws Exception {
        Path snap = damagedSnapshot();
        Path files = Files.createDirectories(tmp.resolve("files"));
        Path clean = Files.writeString(files.resolve("clean.txt"), "nothing to see here\n");
        Path hit = Files.writeString(files.resolve("hit.txt"), "some text " + BODY + " more text\n");
        Path later = Files.writeString(files.resolve("later.txt"), "another clean file\n");
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), snap, "")) {
            assertEquals(clean + ": OK\0", command(d, "zSCAN " + clean), "the damaged pattern is not met yet");
            assertEquals("stream: OK\0", instream(d, "a clean stream\n"));

            assertEquals(hit + ": Malformed database ERROR\0", command(d, "zSCAN " + hit), "the scan that meets it");
            // every later scan of this engine fails too, by path and by stream (content not seen before: the clean-file
            // cache answers only for content scanned before, when the verdict was still given)
            assertEquals(later + ": Malformed database ERROR\0", command(d, "zSCAN " + later));
            assertEquals("stream: Malformed database ERROR\0", instream(d, "a stream never seen before\n"));
            assertEquals("stream: Malformed database ERROR\0", instream(d, "some text " + BODY + "\n"));
            // content scanned clean before the damage was met is still answered from the clean-file cache: that scan
            // met no candidate for the damaged pattern, so its verdict did not depend on it (RELOAD drops the cache)
            assertEquals("stream: OK\0", instream(d, "a clean stream\n"));
            assertEquals("PONG\0", command(d, "zPING"), "the daemon stays up");
        }
        // the log names the snapshot and what is damaged (the client only learns that the database is malformed)
        String log = Files.readString(tmp.resolve("d/bulwark.log"));
        assertTrue(log.contains(snap + ": error: invalid snapshot: body pattern 0: inconsistent pattern: element tag 9"), log);
    }
}
