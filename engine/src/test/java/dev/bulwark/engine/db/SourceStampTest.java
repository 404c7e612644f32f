package dev.bulwark.engine.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceStampTest {
    @TempDir
    Path dir;

    private static String stamp(byte[] data) {
        SourceStamp s = new SourceStamp();
        s.update(data);
        return s.hex();
    }

    @Test
    void everySingleBitFlipChangesTheStamp() {
        byte[] data = new byte[300];
        new Random(1).nextBytes(data);
        String base = stamp(data);
        assertEquals(32, base.length());
        Set<String> seen = new HashSet<>(List.of(base));
        for (int i = 0; i < data.length * 8; i++) {
            data[i / 8] ^= (byte) (1 << (i % 8));
            String s = stamp(data);
            data[i / 8] ^= (byte) (1 << (i % 8));
            assertNotEquals(base, s, "bit " + i);
            seen.add(s);
        }
        assertEquals(data.length * 8 + 1, seen.size(), "distinct flips give distinct stamps");
        assertEquals(base, stamp(data));
    }

    @Test
    void chunkingDoesNotMatterButLengthDoes() {
        byte[] data = new byte[1000];
        new Random(2).nextBytes(data);
        SourceStamp s = new SourceStamp();
        s.update(data, 0, 123);
        s.update(data, 123, 877);
        assertEquals(stamp(data), s.hex());
        assertNotEquals(stamp(new byte[10]), stamp(new byte[11]), "appended zero bytes are noticed");
    }

    @Test
    void theLoadedDatabaseFingerprintFollowsItsSources() throws Exception {
        Path db = Files.createDirectory(dir.resolve("db"));
        Files.writeString(db.resolve("a.ndb"), "A.Sig-1:0:*:0102030405\n");
        String first = DatabaseLoader.load(List.of(db), LoadOptions.defaults()).fingerprint();
        assertEquals(first, DatabaseLoader.load(List.of(db), LoadOptions.defaults()).fingerprint());
        Files.writeString(db.resolve("a.ndb"), "A.Sig-1:0:*:0102030406\n");
        assertNotEquals(first, DatabaseLoader.load(List.of(db), LoadOptions.defaults()).fingerprint());
        Files.move(db.resolve("a.ndb"), db.resolve("b.ndb"));
        Files.writeString(db.resolve("b.ndb"), "A.Sig-1:0:*:0102030405\n");
        assertNotEquals(first, DatabaseLoader.load(List.of(db), LoadOptions.defaults()).fingerprint(), "file names count too");
    }
}
