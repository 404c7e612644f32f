package dev.bulwark.engine.db.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots give the same verdicts as the sources they were compiled from, and refuse damage clearly. */
class SnapshotTest {
    @TempDir
    Path dir;

    /** A database with every kind snapshot format 1 stores: body, hash, section hash and logical signatures. */
    private Path sources(Random r, List<byte[]> samples) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        StringBuilder ndb = new StringBuilder(), hdb = new StringBuilder(), hsb = new StringBuilder(), ldb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            byte[] a = new byte[6 + r.nextInt(10)], b = new byte[4 + r.nextInt(6)];
            r.nextBytes(a);
            r.nextBytes(b);
            String hex = HexFormat.of().formatHex(a);
            if (i % 3 == 0) hex = hex.substring(0, 6) + "??" + hex.substring(8);
            String sig = switch (i % 4) {
                case 0 -> hex;
                case 1 -> hex + "{2-20}" + HexFormat.of().formatHex(b);
                case 2 -> hex + "*" + HexFormat.of().formatHex(b);
                default -> hex.substring(0, 4) + "(" + HexFormat.of().formatHex(b, 0, 2) + "|" + HexFormat.of().formatHex(b, 2, 4) + ")" + hex.substring(4);
            };
            ndb.append("Test.Body-").append(i).append(":0:").append(i % 10 == 0 ? "EOF-2000,2000" : "*").append(':').append(sig).append('\n');
            if (i < 40) {
                byte[] s = new byte[200 + r.nextInt(500)];
                r.nextBytes(s);
                int at = r.nextInt(s.length - 30);
                byte[] concrete = HexFormat.of().parseHex(i % 4 == 0 && i % 3 != 0 ? hex : HexFormat.of().formatHex(a));
                if (i % 4 == 0 && i % 3 != 0) System.arraycopy(concrete, 0, s, at, Math.min(concrete.length, s.length - at));
                samples.add(s);
            }
        }
        for (int i = 0; i < 50; i++) {
            byte[] s = new byte[64 + r.nextInt(300)];
            r.nextBytes(s);
            samples.add(s);
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s));
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s));
            if (i % 2 == 0) hdb.append(md5).append(':').append(s.length).append(":Test.Md5-").append(i).append('\n');
            else if (i % 5 == 1) hsb.append(sha).append(":*:Test.Sha-").append(i).append(":73\n"); // wildcard size needs FLEVEL 73
            else hsb.append(sha).append(':').append(s.length).append(":Test.Sha-").append(i).append('\n');
        }
        for (int i = 0; i < 30; i++) {
            byte[] a = new byte[8], b = new byte[8];
            r.nextBytes(a);
            r.nextBytes(b);
            ldb.append("Test.Logical-").append(i).append(";Engine:51-255,Target:0;")
               .append(i % 2 == 0 ? "0&1" : "(0|1)&2").append(';').append(HexFormat.of().formatHex(a))
               .append(';').append(HexFormat.of().formatHex(b));
            if (i % 2 == 1) ldb.append(";").append("0/abc[0-9]+x/");
            ldb.append('\n');
            byte[] s = new byte[300];
            r.nextBytes(s);
            System.arraycopy(a, 0, s, 10, 8);
            System.arraycopy(b, 0, s, 100, 8);
            if (i % 2 == 1) System.arraycopy("abc123x".getBytes(StandardCharsets.US_ASCII), 0, s, 200, 7);
            samples.add(s);
        }
        // body signatures planted verbatim
        for (int i = 0; i < 20; i++) {
            byte[] s = new byte[2000 + r.nextInt(3000)];
            r.nextBytes(s);
            samples.add(s);
        }
        Files.writeString(db.resolve("t.ndb"), ndb);
        Files.writeString(db.resolve("t.hdb"), hdb);
        Files.writeString(db.resolve("t.hsb"), hsb);
        Files.writeString(db.resolve("t.ldb"), ldb);
        return db;
    }

    private static List<String> verdicts(Engine e, List<byte[]> samples) {
        List<String> out = new ArrayList<>();
        for (byte[] s : samples) {
            ScanResult r = e.scan(s, ScanOptions.defaults().withAllMatch(true));
            out.add(r.status() + " " + r.detections().stream().map(d -> d.name() + "@" + d.offset()).sorted().toList());
        }
        return out;
    }

    @Test
    void snapshotScansLikeItsSources() throws Exception {
        List<byte[]> samples = new ArrayList<>();
        Path db = sources(new Random(5), samples);
        Database fromText = DatabaseLoader.load(List.of(db), LoadOptions.defaults());
        Path snap = dir.resolve("t.bsnap");
        SnapshotWriter.write(fromText, List.of(db), snap);
        Database fromSnap = DatabaseLoader.load(List.of(snap), LoadOptions.defaults());
        assertTrue(fromSnap.warnings().isEmpty(), fromSnap.warnings().toString());
        assertEquals(fromText.signatureCount(), fromSnap.signatureCount());
        assertEquals(fromText.fingerprint(), fromSnap.fingerprint());
        List<String> a = verdicts(Engine.of(fromText), samples), b = verdicts(Engine.of(fromSnap), samples);
        assertEquals(a, b);
        long infected = a.stream().filter(v -> v.startsWith("INFECTED")).count();
        assertTrue(infected >= 40, "the samples must exercise the signatures, only " + infected + " detections");
        // writing the restored database again gives the same signature payload (sources/time aside)
        Path again = dir.resolve("again.bsnap");
        SnapshotWriter.write(fromSnap, List.of(db), again);
        assertEquals(Files.size(snap), Files.size(again));
    }

    /**
     * Container rules, file-type magic, phishing and YARA sources are stored as text and compiled when the
     * snapshot is loaded: the snapshot gives the same verdicts, and the restored set has those parts.
     */
    @Test
    void snapshotCarriesContainerMagicPhishingAndYaraSources() throws Exception {
        Path db = Files.createDirectories(dir.resolve("rich"));
        Files.writeString(db.resolve("t.ndb"), "Test.Body-1:0:*:6275 6c77 61726b2d626f6479".replace(" ", "") + "\n");
        Files.writeString(db.resolve("t.cdb"), "Test.Container-1:CL_TYPE_ZIP:*:evil\\.txt:*:*:*:*:*:*\n");
        Files.writeString(db.resolve("t.ftm"), "0:0:42574d41474943:Bulwark test magic:CL_TYPE_ANY:CL_TYPE_TEXT_ASCII\n");
        Files.writeString(db.resolve("t.pdb"), "R:.+\\.example\\.com([/?].*)?\nH:paypal.com\n");
        Files.writeString(db.resolve("t.ign2"), "Test.Container-2\n");
        Files.writeString(db.resolve("t.yar"), "rule Test_Yara { strings: $a = \"bulwark-yara-marker\" condition: $a }\n");
        List<byte[]> samples = new ArrayList<>();
        samples.add("xx bulwark-body yy".getBytes(StandardCharsets.US_ASCII));
        samples.add("zz bulwark-yara-marker zz".getBytes(StandardCharsets.US_ASCII));
        samples.add(zip("evil.txt", "harmless content"));
        samples.add(zip("fine.txt", "harmless content"));
        samples.add("BWMAGIC then text".getBytes(StandardCharsets.US_ASCII));
        Database fromText = DatabaseLoader.load(List.of(db), LoadOptions.defaults());
        Path snap = dir.resolve("rich.bsnap");
        SnapshotWriter.write(fromText, List.of(db), snap);
        Database fromSnap = DatabaseLoader.load(List.of(snap), LoadOptions.defaults());
        var t = fromText.signatures();
        var s = fromSnap.signatures();
        assertEquals(fromText.signatureCount(), fromSnap.signatureCount());
        assertEquals(t.containerRules.size(), s.containerRules.size());
        assertEquals(1, s.containerRules.size());
        assertEquals(1, s.magic.size());
        assertEquals(t.magic.get(0).name(), s.magic.get(0).name());
        assertEquals(HexFormat.of().formatHex(t.magic.get(0).magic()), HexFormat.of().formatHex(s.magic.get(0).magic()));
        assertTrue(s.phishing != null && s.yara != null && s.yara.size() == t.yara.size());
        List<String> a = verdicts(Engine.of(fromText), samples), b = verdicts(Engine.of(fromSnap), samples);
        assertEquals(a, b);
        // the YARA rule (compiled at snapshot load) must fire; the rest only has to agree with the sources
        assertTrue(a.get(0).startsWith("INFECTED") && b.get(1).contains("YARA.Test_Yara"), b.toString());
        Path again = dir.resolve("rich-again.bsnap");
        SnapshotWriter.write(fromSnap, List.of(db), again);
        assertEquals(Files.size(snap), Files.size(again));
    }

    private static byte[] zip(String name, String content) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(out)) {
            z.putNextEntry(new java.util.zip.ZipEntry(name));
            z.write(content.getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    @Test
    void changedSourcesAreReportedAsStale() throws Exception {
        List<byte[]> samples = new ArrayList<>();
        Path db = sources(new Random(6), samples);
        Path snap = dir.resolve("t.bsnap");
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), List.of(db), snap);
        assertTrue(SnapshotReader.info(snap).stale().isEmpty());
        Path ndb = db.resolve("t.ndb");
        Files.writeString(ndb, Files.readString(ndb) + "Extra:0:*:0102030405\n");
        Files.setLastModifiedTime(ndb, FileTime.fromMillis(Files.getLastModifiedTime(ndb).toMillis() + 5000));
        Database d = DatabaseLoader.load(List.of(snap), LoadOptions.defaults());
        assertTrue(d.warnings().stream().anyMatch(w -> w.message().contains("stale") && w.message().contains("t.ndb")), d.warnings().toString());
        Files.writeString(db.resolve("new.hdb"), "");
        assertTrue(SnapshotReader.info(snap).stale().stream().anyMatch(s -> s.contains("added or removed")));
    }

    @Test
    void renamingOrReplacingAFileInADirectorySourceIsStale() throws Exception {
        Path db = sources(new Random(8), new ArrayList<>());
        Path snap = dir.resolve("r.bsnap");
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), List.of(db), snap);
        assertTrue(SnapshotReader.info(snap).stale().isEmpty());
        Files.move(db.resolve("t.ndb"), db.resolve("u.ndb")); // same number of files, other names
        List<String> stale = SnapshotReader.info(snap).stale();
        assertTrue(stale.stream().anyMatch(s -> s.contains("added or removed")), stale.toString());
        assertTrue(stale.stream().anyMatch(s -> s.endsWith("t.ndb (missing)")), stale.toString());
        Files.move(db.resolve("u.ndb"), db.resolve("t.ndb"));
        assertTrue(SnapshotReader.info(snap).stale().stream().noneMatch(s -> s.contains("added or removed")));
    }

    @Test
    void aDirectoryAlsoNamedFileByFileFallsBackToTheListingDigest() throws Exception {
        Path db = sources(new Random(9), new ArrayList<>());
        Path snap = dir.resolve("d.bsnap");
        List<Path> src = List.of(db, db.resolve("t.ndb")); // t.ndb recorded twice: entries do not match the listing
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), src, snap);
        assertTrue(SnapshotReader.info(snap).stale().isEmpty());
        Files.writeString(db.resolve("new.hdb"), "");
        assertTrue(SnapshotReader.info(snap).stale().stream().anyMatch(s -> s.contains("added or removed")));
    }

    @Test
    void aMappedSnapshotParsesLikeARead() throws Exception {
        // Snapshots above READ_MAX are mapped and checksummed with reads of the file; exercise that path on a small one.
        byte[] image = smallSnapshot();
        Path p = dir.resolve("m.bsnap");
        Files.write(p, image);
        try (var ch = java.nio.channels.FileChannel.open(p)) {
            var mapped = SnapshotReader.parse(ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size()), p);
            var read = SnapshotReader.parse(ByteBuffer.wrap(image));
            assertEquals(read.set().count(), mapped.set().count());
            assertEquals(read.fingerprint(), mapped.fingerprint());
            assertEquals(image.length, mapped.fileSize());
        }
        image[Snapshot.HEADER + 3] ^= 1;
        Files.write(p, image);
        try (var ch = java.nio.channels.FileChannel.open(p)) {
            var m = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotReader.parse(m, p));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }

    private byte[] smallSnapshot() throws Exception {
        List<byte[]> samples = new ArrayList<>();
        Path db = sources(new Random(7), samples);
        Path snap = dir.resolve("s.bsnap");
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), List.of(db), snap);
        return Files.readAllBytes(snap);
    }

    private DatabaseLoadException loadFails(byte[] image) throws IOException {
        Path p = dir.resolve("bad.bsnap");
        Files.write(p, image);
        return assertThrows(DatabaseLoadException.class, () -> DatabaseLoader.load(List.of(p), LoadOptions.defaults()));
    }

    @Test
    void corruptionIsRefusedWithAClearMessage() throws Exception {
        byte[] good = smallSnapshot();
        Random r = new Random(1);
        for (int k = 0; k < 50; k++) {
            byte[] bad = good.clone();
            int at = Snapshot.HEADER + r.nextInt((int) payloadOf(good));
            bad[at] ^= (byte) (1 + r.nextInt(255));
            String msg = loadFails(bad).getMessage();
            assertTrue(msg.contains("checksum mismatch"), msg);
        }
        byte[] v2 = good.clone();
        ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Snapshot.FORMAT + 1);
        String msg = loadFails(v2).getMessage();
        assertTrue(msg.contains("format " + (Snapshot.FORMAT + 1) + " is not supported"), msg);
        // a snapshot of the previous format (before the atom index's table grew with the atom count) is refused too
        byte[] old = good.clone();
        ByteBuffer.wrap(old).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Snapshot.FORMAT - 1);
        msg = loadFails(old).getMessage();
        assertTrue(msg.contains("format " + (Snapshot.FORMAT - 1) + " is not supported") && msg.contains("recompile"), msg);
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertTrue(loadFails(magic).getMessage().contains("bad magic"));
    }

    /**
     * Every byte of a snapshot holding one signature of each kind (so every section is present: metadata and
     * sources, patterns and atom index, names, the hash indexes, the logical signatures, the deferred sources),
     * flipped one at a time, is refused when the snapshot is opened, read whole and mapped (the mapped form's
     * checksum reads the file through a direct buffer); and a logical signature decoded on first use is the one
     * that was written.
     */
    @Test
    void aFlippedByteInEverySectionIsRefused() throws Exception {
        Path db = Files.createDirectories(dir.resolve("tiny"));
        Files.writeString(db.resolve("t.ndb"), "Tiny.Body:0:*:6869206e6f7720626f6479{2-8}7a7a\n");
        Files.writeString(db.resolve("t.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Tiny.Md5\n");
        Files.writeString(db.resolve("t.hsb"), "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f:68:Tiny.Sha\n");
        Files.writeString(db.resolve("t.mdb"), "512:0123456789abcdef0123456789abcdef:Tiny.Section\n");
        Files.writeString(db.resolve("t.ldb"), "Tiny.Logical;Engine:51-255,Target:0;0&1;6c6f676963616c;7375626e6f2e32\n");
        Files.writeString(db.resolve("t.cdb"), "Tiny.Container:CL_TYPE_ZIP:*:evil\\.exe:*:*:*:*:*:*\n");
        Path snap = dir.resolve("tiny.bsnap");
        Database loaded = DatabaseLoader.load(List.of(db), LoadOptions.defaults());
        SnapshotWriter.write(loaded, List.of(db), snap);
        byte[] good = Files.readAllBytes(snap);
        var parsed = SnapshotReader.parse(ByteBuffer.wrap(good));
        assertEquals(1, parsed.set().lsigs.size());
        var written = loaded.signatures().lsigs.get(0);
        var decoded = parsed.set().lsigs.get(0);
        assertEquals(List.of(written.name(), written.subCount(), written.logic(), written.target()),
                List.of(decoded.name(), decoded.subCount(), decoded.logic(), decoded.target()));
        Path flipped = dir.resolve("flipped.bsnap");
        Files.write(flipped, good);
        try (var ch = java.nio.channels.FileChannel.open(flipped, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            // one shared mapping: it shows each write through the channel (the same page cache)
            var mapped = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, good.length);
            byte[] bad = good.clone();
            for (int at = 0; at < good.length; at++) {
                bad[at] ^= (byte) 0x5a;
                int pos = at;
                assertThrows(IllegalArgumentException.class, () -> SnapshotReader.parse(ByteBuffer.wrap(bad)), () -> "read, byte " + pos);
                // the mapped form (a direct buffer per check) at every 7th byte and the whole header and trailer
                if (at % 7 == 0 || at < Snapshot.HEADER || at >= Snapshot.HEADER + payloadOf(good)) {
                    ch.write(ByteBuffer.wrap(bad, at, 1), at);
                    assertEquals(bad[at], mapped.get(at));
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotReader.parse(mapped, flipped),
                            () -> "mapped, byte " + pos);
                    if (at >= Snapshot.HEADER) assertTrue(e.getMessage().contains("checksum") || e.getMessage().contains("end marker"), e.getMessage());
                    ch.write(ByteBuffer.wrap(good, at, 1), at);
                }
                bad[at] = good[at];
            }
        }
    }

    @Test
    void everyTruncationIsRefused() throws Exception {
        byte[] good = smallSnapshot();
        for (int len = 0; len < good.length; len += len < 64 ? 1 : 1 + good.length / 997) {
            byte[] cut = java.util.Arrays.copyOf(good, len);
            assertFalse(loadFails(cut).getMessage().isEmpty());
        }
    }

    /** Payload damage behind a valid checksum (a buggy writer) is still caught by structural checks. */
    @Test
    void lyingLengthsBehindAValidChecksumAreRefused() throws Exception {
        byte[] good = smallSnapshot();
        Random r = new Random(3);
        for (int k = 0; k < 300; k++) {
            byte[] bad = good.clone();
            int at = Snapshot.HEADER + r.nextInt((int) payloadOf(good));
            bad[at] = (byte) r.nextInt(256);
            reseal(bad);
            try {
                SnapshotReader.parse(ByteBuffer.wrap(bad)).set().lsigs.decodeAll(); // (decoded on first use since format 10)
            } catch (IllegalArgumentException expected) {
                // refused: fine
            }
        }
    }

    /** Where {@code needle} occurs in the image's payload; asserts that it occurs there exactly once ({@code what}). */
    static int onlyOccurrence(byte[] image, byte[] needle, String what) {
        int at = dev.bulwark.engine.formats.archivetest.Samples.indexOf(image, needle);
        assertTrue(at > Snapshot.HEADER && dev.bulwark.engine.formats.archivetest.Samples.indexOf(
                java.util.Arrays.copyOfRange(image, at + 1, image.length), needle) < 0, what);
        return at;
    }

    /** Recomputes the block checksums of an image whose payload was modified. */
    static void reseal(byte[] image) {
        Snapshot.reseal(image);
    }

    /** The payload length in an image's header. */
    static long payloadOf(byte[] image) {
        return ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
    }
}
