package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.match.FlatBuffers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hash databases parsed on the second loading thread ({@link HashLane}) give the database a one-thread
 * load gives: the same compiled tables, sources, fingerprint and errors in the same order, also when
 * an ignore list, a PUA database or a small hash file (parsed on the loading thread) comes between.
 */
class HashLaneTest {
    @TempDir
    Path dir;

    /** Every hash file to the lane, or none. */
    private static final long ALL = 0, NONE = Long.MAX_VALUE;

    private static String hashes(Random r, int n, int digestBytes, String prefix, int badLine) {
        StringBuilder sb = new StringBuilder();
        byte[] d = new byte[digestBytes];
        for (int i = 1; i <= n; i++) {
            if (i == badLine) {
                sb.append("not-a-hash:").append(i).append('\n');
                continue;
            }
            r.nextBytes(d);
            sb.append(HexFormat.of().formatHex(d)).append(':').append(1 + r.nextInt(1 << 20)).append(':')
                    .append(prefix).append(i % 50 == 0 ? "Shared.Name" : "Sig-" + i).append('\n');
        }
        return sb.toString();
    }

    private static String bodies(Random r, int n, String prefix, int badLine) {
        StringBuilder sb = new StringBuilder();
        byte[] b = new byte[12];
        for (int i = 1; i <= n; i++) {
            r.nextBytes(b);
            sb.append(prefix).append(i).append(":0:*:").append(i == badLine ? "zz" : HexFormat.of().formatHex(b)).append('\n');
        }
        return sb.toString();
    }

    /** Two directories: large and small hash files around body files, an ignore list and a PUA file in the second. */
    private List<Path> database(int badHash, int badBody) throws Exception {
        Random r = new Random(11);
        Path one = Files.createDirectories(dir.resolve("one")), two = Files.createDirectories(dir.resolve("two"));
        Files.writeString(one.resolve("a.hdb"), hashes(r, 40_000, 16, "One.", badHash));
        Files.writeString(one.resolve("b.ndb"), bodies(r, 3_000, "One.Body-", badBody));
        Files.writeString(one.resolve("c.hsb"), hashes(r, 25_000, 32, "One.Sha.", badHash));
        Files.writeString(one.resolve("d.hdb"), hashes(r, 20, 16, "One.Small.", badHash));
        Files.writeString(one.resolve("e.ldb"), "One.Logical;Engine:51-255,Target:0;0&1;6563686f;65786974\n");
        // the ignore list applies to the second directory's files only (ClamAV's order)
        Files.writeString(two.resolve("x.ign2"), "One.Shared.Name\nTwo.Shared.Name\n");
        Files.writeString(two.resolve("a.hdb"), hashes(r, 30_000, 16, "Two.", badHash));
        Files.writeString(two.resolve("b.hdu"), hashes(r, 100, 16, "Two.Pua.", 0));
        Files.writeString(two.resolve("c.ndb"), bodies(r, 500, "Two.Body-", badBody));
        Files.writeString(two.resolve("d.mdb"), "4096:" + HexFormat.of().formatHex(new byte[16]) + ":Two.Section\n");
        return List.of(one, two);
    }

    private static byte[] tables(Database db) {
        FlatBuffers.Out out = new FlatBuffers.Out();
        db.signatures().write(out);
        ByteBuffer b = out.finish();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test
    void laneLoadEqualsOneThreadLoad() throws Exception {
        List<Path> paths = database(0, 0);
        LoadOptions d = LoadOptions.defaults(), pua = new LoadOptions(true, d.yara(), false, d.phishing());
        Database lane = DatabaseLoader.load(paths, pua, false, ALL), one = DatabaseLoader.load(paths, pua, false, NONE);
        assertEquals(one.signatureCount(), lane.signatureCount());
        assertEquals(one.sources(), lane.sources());
        assertEquals(one.fingerprint(), lane.fingerprint());
        assertArrayEquals(tables(one), tables(lane));
        // the ignore list of the second directory dropped its own shared names, not the first's
        SignatureSet s = lane.signatures();
        long oneShared = 0, twoShared = 0;
        for (int i = 0; i < s.hashNames.size(); i++) {
            if (s.hashName(i).startsWith("One.Shared.Name")) oneShared++;
            if (s.hashName(i).startsWith("Two.Shared.Name")) twoShared++;
        }
        assertTrue(oneShared > 0, "first directory's names kept");
        assertEquals(0, twoShared);
        // the default threshold sends the large files to the lane and keeps the small ones here: same again
        assertArrayEquals(tables(one), tables(DatabaseLoader.load(paths, pua, false)));
    }

    @Test
    void fingerprintIsTheDigestOfNamesAndBytesInLoadOrder() throws Exception {
        List<Path> paths = database(0, 0);
        Database lane = DatabaseLoader.load(paths, LoadOptions.defaults(), false, ALL);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Path d : paths) {
            // ClamAV's order: the ignore list first, then by name (b.hdu is not loaded without PUA detection,
            // but it is read: it is part of the fingerprint)
            List<String> order = d.endsWith("one") ? List.of("a.hdb", "b.ndb", "c.hsb", "d.hdb", "e.ldb")
                    : List.of("x.ign2", "a.hdb", "b.hdu", "c.ndb", "d.mdb");
            for (String f : order) {
                sha.update(f.getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(d.resolve(f)));
            }
        }
        assertEquals(HexFormat.of().formatHex(sha.digest()), lane.fingerprint());
    }

    @Test
    void withoutAFingerprintTheSameDatabase() throws Exception {
        List<Path> paths = database(0, 0);
        Database with = DatabaseLoader.load(paths, LoadOptions.defaults(), false, ALL);
        Database without = DatabaseLoader.load(paths, LoadOptions.defaults().withFingerprint(false), false, ALL);
        assertEquals("", without.fingerprint());
        assertEquals(64, with.fingerprint().length());
        assertEquals(with.sources(), without.sources());
        assertArrayEquals(tables(with), tables(without));
    }

    @Test
    void errorsComeInLoadOrderWithTheirLines() throws Exception {
        List<Path> paths = database(777, 33);
        DatabaseLoadException lane = assertThrows(DatabaseLoadException.class,
                () -> DatabaseLoader.load(paths, LoadOptions.defaults(), false, ALL));
        DatabaseLoadException one = assertThrows(DatabaseLoadException.class,
                () -> DatabaseLoader.load(paths, LoadOptions.defaults(), false, NONE));
        assertEquals(one.diagnostics(), lane.diagnostics());
        List<String> where = lane.diagnostics().stream()
                .map(d -> dir.relativize(Path.of(d.source())) + ":" + d.line()).toList();
        assertEquals(List.of("one/a.hdb:777", "one/b.ndb:33", "one/c.hsb:777", "two/a.hdb:777", "two/c.ndb:33"), where);
        for (Diagnostic d : lane.diagnostics()) assertNotEquals(0, d.line());
    }
}
