package dev.bulwark.cli.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return DbCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void compileInfoAndStaleness() throws Exception {
        Path ndb = dir.resolve("t.ndb");
        Files.writeString(ndb, "T.One:0:*:0102030405060708\nT.Two:0:*:aabbccdd{4-8}eeff0011\n");
        Path hdb = dir.resolve("t.hdb");
        Files.writeString(hdb, "44d88612fea8a8f36de82e1278abb02f:68:T.Eicar\n");
        Path snap = dir.resolve("t.bsnap");
        assertEquals(0, run("compile", "-d", ndb.toString(), "-d", hdb.toString(), "-o", snap.toString()), err.toString());
        assertTrue(out.toString().contains("3 signatures"), out.toString());
        assertEquals(0, run("info", snap.toString()), err.toString());
        String info = out.toString();
        assertTrue(info.contains("Format version:     " + dev.bulwark.engine.db.snapshot.Snapshot.FORMAT) && info.contains("Body patterns:      2")
                && info.contains("Hash entries:       1") && info.contains("up to date"), info);
        Files.writeString(ndb, "T.One:0:*:0102030405060709\n");
        Files.setLastModifiedTime(ndb, FileTime.fromMillis(Files.getLastModifiedTime(ndb).toMillis() + 5000));
        assertEquals(1, run("info", snap.toString()));
        assertTrue(out.toString().contains("STALE") && out.toString().contains("t.ndb"), out.toString());
    }

    @Test
    void errorsAreClear() throws Exception {
        assertEquals(2, run());
        assertEquals(2, run("compile", "-d", dir.resolve("missing.ndb").toString(), "-o", dir.resolve("x.bsnap").toString()));
        assertTrue(err.toString().contains("missing.ndb"), err.toString());
        assertEquals(2, run("compile", "-d", dir.toString(), "-o", dir.resolve("x.snap").toString()));
        assertTrue(err.toString().contains(".bsnap"), err.toString());
        Path junk = dir.resolve("junk.bsnap");
        Files.writeString(junk, "definitely not a snapshot, but long enough to have a header");
        assertEquals(2, run("info", junk.toString()));
        assertTrue(err.toString().contains("bad magic"), err.toString());
    }

    /** A scan decodes logical signatures on first use; info decodes them all and refuses a damaged one. */
    @Test
    void infoRefusesADamagedLogicalSignatureBehindAValidChecksum() throws Exception {
        Path snap = DamagedSnapshot.write(dir);
        assertEquals(2, run("info", snap.toString()));
        assertTrue(err.toString().startsWith("bulwark db: invalid snapshot: logical signature 0: bad boolean at byte "), err.toString());
        assertEquals("", out.toString());
    }

    /** The same for body patterns (decoded on first use too): info decodes them all and refuses a damaged one. */
    @Test
    void infoRefusesADamagedBodyPatternBehindAValidChecksum() throws Exception {
        Path snap = DamagedSnapshot.writeWithDamagedBody(dir);
        assertEquals(2, run("info", snap.toString()));
        // (pattern 2: the logical signature's two subsignatures come first)
        assertEquals("bulwark db: invalid snapshot: body pattern 2: inconsistent pattern: element tag 9\n", err.toString());
        assertEquals("", out.toString());
    }
}
