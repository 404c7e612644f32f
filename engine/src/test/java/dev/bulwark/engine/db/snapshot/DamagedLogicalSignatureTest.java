package dev.bulwark.engine.db.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot whose logical signature is damaged behind a valid checksum (crafted: the CRC32 recomputed).
 * Logical signatures are decoded on first use (format 10, {@code LogicalSigs}), so the snapshot opens; the
 * first scan that needs the signature fails with a {@link DatabaseLoadException} naming the snapshot and the
 * signature, and every later scan of that engine fails the same way. {@code db info} decodes them all and
 * refuses the file.
 */
class DamagedLogicalSignatureTest {
    static final String HIT = "some logical text, subno.2";

    @TempDir
    Path dir;

    /** Writes a snapshot of one body and one logical signature, damages the logical one, reseals it. */
    static Path damagedSnapshot(Path dir) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("t.ldb"), "T.Logical;Engine:51-255,Target:0;0&1;6c6f676963616c;7375626e6f2e32\n");
        Files.writeString(db.resolve("t.ndb"), "T.Body:0:*:626f6479626f6479\n");
        Database loaded = DatabaseLoader.load(List.of(db), LoadOptions.defaults());
        Path snap = dir.resolve("damaged.bsnap");
        SnapshotWriter.write(loaded, List.of(db), snap);
        byte[] image = Files.readAllBytes(snap);
        // the encoding starts with the name (length, bytes), then the 'weak' flag: make that byte neither 0 nor 1
        byte[] name = loaded.signatures().lsigs.get(0).name().getBytes(StandardCharsets.UTF_8);
        byte[] prefixed = ByteBuffer.allocate(4 + name.length).order(ByteOrder.LITTLE_ENDIAN).putInt(name.length).put(name).array();
        int at = SnapshotTest.onlyOccurrence(image, prefixed, "the logical signature's name occurs once");
        int flag = at + prefixed.length;
        assertEquals(0, image[flag]);
        image[flag] = 7;
        SnapshotTest.reseal(image);
        Files.write(snap, image);
        return snap;
    }

    /** {@code data} as a gzip member (for the damage met inside an archive member; also DamagedBodyPatternTest). */
    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    private static void assertNamesTheDamage(DatabaseLoadException e, Path snap) {
        assertEquals(1, e.diagnostics().size(), e.getMessage());
        Diagnostic d = e.diagnostics().get(0);
        assertTrue(d.isError());
        assertEquals(snap.toString(), d.source());
        assertTrue(d.message().startsWith("invalid snapshot: logical signature 0: bad boolean at byte "), d.message());
        assertTrue(d.toString().startsWith(snap + ": error: invalid snapshot: logical signature 0: "), d.toString());
    }

    @Test
    void theUndamagedSnapshotDetectsTheLogicalSignature() throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("t.ldb"), "T.Logical;Engine:51-255,Target:0;0&1;6c6f676963616c;7375626e6f2e32\n");
        Path snap = dir.resolve("good.bsnap");
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), List.of(db), snap);
        Engine e = Engine.load(List.of(snap), LoadOptions.defaults());
        ScanResult r = e.scan(HIT.getBytes(StandardCharsets.US_ASCII), ScanOptions.defaults());
        assertEquals(ScanResult.Status.INFECTED, r.status());
        assertTrue(r.detections().get(0).name().startsWith("T.Logical"), r.detections().toString());
        assertEquals(ScanResult.Status.INFECTED, e.scan(gzip(HIT.getBytes(StandardCharsets.US_ASCII)), ScanOptions.defaults()).status());
    }

    @Test
    void aScanThatNeedsTheDamagedSignatureFailsAndSoDoesEveryLaterOne() throws Exception {
        Path snap = damagedSnapshot(dir);
        Engine e = Engine.load(List.of(snap), LoadOptions.defaults()); // opens: the encodings are not decoded yet
        byte[] clean = "nothing to see here".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ScanResult.Status.CLEAN, e.scan(clean, ScanOptions.defaults()).status(), "signature not needed yet");
        assertEquals(ScanResult.Status.INFECTED, e.scan("a bodybody".getBytes(StandardCharsets.US_ASCII), ScanOptions.defaults()).status());
        assertNamesTheDamage(assertThrows(DatabaseLoadException.class,
                () -> e.scan(HIT.getBytes(StandardCharsets.US_ASCII), ScanOptions.defaults())), snap);
        assertNamesTheDamage(assertThrows(DatabaseLoadException.class, () -> e.scan(clean, ScanOptions.defaults())), snap);
        Path file = Files.write(dir.resolve("clean.txt"), clean);
        assertNamesTheDamage(assertThrows(DatabaseLoadException.class, () -> e.scan(file, ScanOptions.defaults())), snap);
    }

    /** Extractors turn a member's exception into a note; the damage must still fail the scan, not pass as clean. */
    @Test
    void theDamageFailsTheScanWhenMetInsideAnArchiveMember() throws Exception {
        Path snap = damagedSnapshot(dir);
        Engine e = Engine.load(List.of(snap), LoadOptions.defaults());
        assertNamesTheDamage(assertThrows(DatabaseLoadException.class, () -> e.scan(gzip(HIT.getBytes(StandardCharsets.US_ASCII)), ScanOptions.defaults())), snap);
    }

    @Test
    void infoDecodesEverySignatureAndRefusesTheSnapshot() throws Exception {
        Path snap = damagedSnapshot(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotReader.info(snap));
        assertTrue(e.getMessage().startsWith("invalid snapshot: logical signature 0: bad boolean at byte "), e.getMessage());
    }
}
