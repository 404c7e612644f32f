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
import dev.bulwark.engine.match.Blocks;
import dev.bulwark.engine.match.HashIndex;
import dev.bulwark.engine.match.PatternSet;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import dev.bulwark.engine.signatures.clamav.Names;
import dev.bulwark.engine.signatures.clamav.SignatureSet;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (large12, format 13) A one-shot scan of a mapped snapshot checks the hash indexes' sized arrays, the body
 * patterns' encodings and the name blobs block by block on first use. Lookups through the fence find what the
 * text-loaded database finds; a byte flipped in each kind of lazily checked block is not refused at load but by
 * the first scan that reads the block (a {@link DatabaseLoadException} naming the checksum mismatch, as for other
 * damage found mid-scan; every later scan fails too, and no scan before it reported a wrong verdict); the same
 * image checked eagerly (daemon, {@code db info}) is refused at load, as is a flipped byte in an eagerly checked block.
 */
class LazyBlocksTest {
    @TempDir Path dir;

    /** Data of each signature (index = signature number), and the name each is detected as. */
    private final List<byte[]> samples = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private byte[] good;

    private static final int MD5S = 3000, SHAS = 1500, BODIES = 400;

    @BeforeEach
    void write() throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        StringBuilder hdb = new StringBuilder(), hsb = new StringBuilder(), ndb = new StringBuilder();
        for (int i = 0; i < MD5S + SHAS; i++) {
            // 700 of the MD5s share one size (a run across fence steps), the rest have sizes of their own
            int size = i < 700 ? 400 : 100 + i;
            byte[] d = new byte[size];
            byte[] tag = ("sample " + i + " ").getBytes(StandardCharsets.US_ASCII);
            for (int k = 0; k < size; k++) d[k] = tag[k % tag.length];
            samples.add(d);
            if (i < MD5S) {
                names.add("Test.Md5.Sig-" + i);
                hdb.append(hex("MD5", d)).append(':').append(size).append(':').append(names.get(i)).append('\n');
            } else {
                names.add("Test.Sha256.Sig-" + i);
                hsb.append(hex("SHA-256", d)).append(':').append(size).append(':').append(names.get(i)).append('\n');
            }
        }
        for (int i = 0; i < BODIES; i++) {
            String body = "body signature number " + i + " with some more text to make its encoding longer";
            names.add("Test.Body.Sig-" + i);
            samples.add(("xx " + body + " yy").getBytes(StandardCharsets.US_ASCII));
            ndb.append(names.getLast()).append(":0:*:").append(HexFormat.of().formatHex(body.getBytes(StandardCharsets.US_ASCII))).append('\n');
        }
        Files.writeString(db.resolve("t.hdb"), hdb);
        Files.writeString(db.resolve("t.hsb"), hsb);
        Files.writeString(db.resolve("t.ndb"), ndb);
        Path snap = dir.resolve("t.bsnap");
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), List.of(db), snap);
        good = Files.readAllBytes(snap);
    }

    private static String hex(String alg, byte[] d) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(d));
    }

    /** The image written to a file, mapped and parsed with lazily checked blocks ({@code lazy}) or every block checked. */
    private SnapshotReader.Parsed parse(byte[] image, boolean lazy) throws Exception {
        Path p = dir.resolve("m" + System.nanoTime() + ".bsnap");
        Files.write(p, image);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return SnapshotReader.parse(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()), p, lazy);
        }
    }

    private static Engine engine(SnapshotReader.Parsed p) {
        return Engine.of(new Database(p.set(), p.dbSources(), List.of(), p.version(), null, p.fingerprint()));
    }

    private static Object field(Object o, String name) throws Exception {
        var f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void lazilyCheckedLookupsFindWhatTheTextDatabaseFinds() throws Exception {
        SnapshotReader.Parsed p = parse(good, true);
        assertTrue(field(p.set().hashes[0], "blocks") != null, "the MD5 index is checked lazily");
        Engine e = engine(p);
        for (int i = 0; i < samples.size(); i++) {
            ScanResult r = e.scan(ByteBuffer.wrap(samples.get(i)), ScanOptions.defaults());
            assertEquals(ScanResult.Status.INFECTED, r.status(), "sample " + i);
            // among the 700 same-size MD5s each is found by its own digest
            assertEquals(names.get(i) + ".UNOFFICIAL", r.detections().get(0).name(), "sample " + i);
        }
        // sizes no signature has: below, between and above the ones stored, and a digest of a stored size that is no signature
        for (int size : new int[] {1, 99, 401, 100 + MD5S + SHAS + 5}) {
            assertEquals(ScanResult.Status.CLEAN, e.scan(ByteBuffer.wrap(new byte[size]), ScanOptions.defaults()).status(), "size " + size);
        }
        assertEquals(ScanResult.Status.CLEAN, e.scan(ByteBuffer.wrap(new byte[400]), ScanOptions.defaults()).status());
    }

    /** A file offset in the middle of a block lying wholly inside {@code [from, from + len)}. */
    private static int inside(long from, long len) {
        long first = (from + Blocks.SIZE - 1) / Blocks.SIZE;
        assertTrue((first + 1) * Blocks.SIZE <= from + len, "the region holds a whole block");
        return (int) (first * Blocks.SIZE + Blocks.SIZE / 2);
    }

    @Test
    void aFlippedByteInEachKindOfLazyBlockFailsTheScanThatReadsIt() throws Exception {
        SnapshotReader.Parsed p = parse(good, true);
        SignatureSet set = p.set();
        HashIndex md5 = set.hashes[0], sha = set.hashes[2];
        PatternSet patterns = set.patterns;
        Names hashNames = (Names) field(set, "hashNames");
        Map<String, Integer> at = new java.util.LinkedHashMap<>();
        at.put("MD5 sizes", inside((long) field(md5, "sizesAt"), 8L * MD5S));
        at.put("MD5 digests", inside((long) field(md5, "digestsAt"), 16L * MD5S));
        at.put("MD5 values", inside((long) field(md5, "valuesAt"), 4L * MD5S));
        at.put("SHA-256 sizes", inside((long) field(sha, "sizesAt"), 8L * SHAS));
        at.put("SHA-256 digests", inside((long) field(sha, "digestsAt"), 32L * SHAS));
        at.put("body pattern encodings", inside((long) field(patterns, "encodedFileAt"), ((ByteBuffer) field(patterns, "encoded")).limit()));
        at.put("hash names", inside((long) field(hashNames, "blobFileAt"), ((ByteBuffer) field(hashNames, "blob")).limit()));
        for (var kind : at.entrySet()) {
            byte[] bad = good.clone();
            bad[kind.getValue()] ^= 0x20;
            // checked eagerly (daemon, db info): refused at load, naming the block
            IllegalArgumentException eager = assertThrows(IllegalArgumentException.class, () -> parse(bad, false), kind.getKey());
            assertTrue(eager.getMessage().startsWith("checksum mismatch in block " + kind.getValue() / Blocks.SIZE + " "), eager.getMessage());
            // checked lazily: loads; the first scan that reads the block fails, every later one too, none before lied
            Engine e = engine(parse(bad, true));
            int failedAt = -1;
            for (int i = 0; i < samples.size(); i++) {
                ScanResult r;
                try {
                    r = e.scan(ByteBuffer.wrap(samples.get(i)), ScanOptions.defaults());
                } catch (DatabaseLoadException x) {
                    assertTrue(x.getMessage().contains("checksum mismatch in block " + kind.getValue() / Blocks.SIZE + " "), x.getMessage());
                    failedAt = i;
                    break;
                }
                assertEquals(ScanResult.Status.INFECTED, r.status(), kind.getKey() + ": sample " + i + " before the damaged block was read");
                assertEquals(names.get(i) + ".UNOFFICIAL", r.detections().get(0).name(), kind.getKey() + ": sample " + i);
            }
            assertTrue(failedAt >= 0, kind.getKey() + ": some scan read the damaged block");
            int next = (failedAt + 1) % samples.size();
            assertThrows(DatabaseLoadException.class, () -> e.scan(ByteBuffer.wrap(samples.get(next)), ScanOptions.defaults()),
                    kind.getKey() + ": a later scan fails too");
        }
    }

    @Test
    void aFlippedByteInAnEagerBlockOrTheTableIsRefusedAtLoad() throws Exception {
        SnapshotReader.Parsed p = parse(good, true);
        long sizesAt = (long) field(p.set().hashes[0], "sizesAt");
        long payloadEnd = Snapshot.HEADER + SnapshotTest.payloadOf(good);
        // the metadata block, the block before the MD5 sizes (eager: it holds the hash names' end or a length), the checksum table
        for (long at : new long[] {Snapshot.HEADER + 2, sizesAt - 8, payloadEnd + 9}) {
            byte[] bad = good.clone();
            bad[(int) at] ^= 1;
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> parse(bad, true), "byte " + at);
            assertTrue(x.getMessage().contains("checksum mismatch"), x.getMessage());
        }
    }
}
