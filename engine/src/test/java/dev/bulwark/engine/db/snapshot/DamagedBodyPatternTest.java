package dev.bulwark.engine.db.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot whose body pattern is damaged behind a valid checksum (crafted: the CRC32 recomputed). Body
 * patterns are decoded when a scan first finds a candidate for them; one that cannot be decoded never matches,
 * and the scan that met it, and every later scan of that engine, fails with a {@link DatabaseLoadException}
 * naming the snapshot and the pattern — before, the file came out clean.
 */
class DamagedBodyPatternTest {
    static final String BODY = "jklmnopq";

    @TempDir
    Path dir;

    private Path snapshot(boolean damage) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("t.ndb"), "T.Body:0:*:6a6b6c6d6e6f7071\n");
        Path snap = dir.resolve(damage ? "damaged.bsnap" : "good.bsnap");
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), List.of(db), snap);
        if (!damage) return snap;
        byte[] image = Files.readAllBytes(snap);
        // a literal element is one little-endian int: mask, value, tag (0 = literal), 0; the first three of the body
        byte[] lits = {(byte) 0xFF, 'j', 0, 0, (byte) 0xFF, 'k', 0, 0, (byte) 0xFF, 'l', 0, 0};
        int at = SnapshotTest.onlyOccurrence(image, lits, "the pattern's elements occur once");
        image[at + 2] = 9; // element tag 9: no such element
        SnapshotTest.reseal(image);
        Files.write(snap, image);
        return snap;
    }

    private static byte[] hit() {
        return ("some text " + BODY + " more text").getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertNamesTheDamage(DatabaseLoadException e, Path snap) {
        assertEquals(1, e.diagnostics().size(), e.getMessage());
        Diagnostic d = e.diagnostics().get(0);
        assertTrue(d.isError());
        assertEquals(snap.toString(), d.source());
        assertTrue(d.message().startsWith("invalid snapshot: body pattern 0: inconsistent pattern: element tag 9"), d.message());
    }

    @Test
    void theUndamagedSnapshotDetectsTheBody() throws Exception {
        Engine e = Engine.load(List.of(snapshot(false)), LoadOptions.defaults());
        ScanResult r = e.scan(hit(), ScanOptions.defaults());
        assertEquals(ScanResult.Status.INFECTED, r.status());
        assertTrue(r.detections().get(0).name().startsWith("T.Body"), r.detections().toString());
        assertEquals(ScanResult.Status.INFECTED, e.scan(DamagedLogicalSignatureTest.gzip(hit()), ScanOptions.defaults()).status());
    }

    @Test
    void aScanThatMeetsTheDamagedPatternFailsAndSoDoesEveryLaterOne() throws Exception {
        Path snap = snapshot(true);
        Engine e = Engine.load(List.of(snap), LoadOptions.defaults()); // opens: patterns are decoded on first use
        byte[] clean = "nothing to see here".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ScanResult.Status.CLEAN, e.scan(clean, ScanOptions.defaults()).status(), "pattern not met yet");
        assertNamesTheDamage(assertThrows(DatabaseLoadException.class, () -> e.scan(hit(), ScanOptions.defaults())), snap);
        assertNamesTheDamage(assertThrows(DatabaseLoadException.class, () -> e.scan(clean, ScanOptions.defaults())), snap);
    }

    @Test
    void theDamageFailsTheScanWhenMetInsideAnArchiveMember() throws Exception {
        Path snap = snapshot(true);
        Engine e = Engine.load(List.of(snap), LoadOptions.defaults());
        assertNamesTheDamage(assertThrows(DatabaseLoadException.class, () -> e.scan(DamagedLogicalSignatureTest.gzip(hit()), ScanOptions.defaults())), snap);
    }

    /** A full check ({@code bulwark db info}) decodes every pattern and refuses the snapshot, remembering nothing. */
    @Test
    void infoDecodesEveryPatternAndRefusesTheDamagedOne() throws Exception {
        Path snap = snapshot(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotReader.info(snap));
        assertTrue(e.getMessage().startsWith("invalid snapshot: body pattern 0: inconsistent pattern: element tag 9"), e.getMessage());
        assertEquals(1, SnapshotReader.info(snapshot(false)).bodyPatterns());
    }
}
