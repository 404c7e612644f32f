package dev.bulwark.engine.db.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.match.Damage;
import dev.bulwark.engine.match.FlatBuffers;
import dev.bulwark.engine.match.PatternSet;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (maxlen20) The seeds of {@link SnapshotReaderFuzzTest} are of the current layout, so the fuzzer starts from inputs
 * that reach every table rather than from ones refused early (the seeds of format 2 were refused at byte 517 and
 * 14). On a format change, regenerate them: run this test with {@code -Dbulwark.snapshotSeeds=DIR}, which writes
 * {@code DIR/fuzz/tiny-payload} and {@code DIR/matcherTables/tiny-patterns} (the resources folder of
 * SnapshotReaderFuzzTestInputs), and commit them.
 */
class SnapshotFuzzSeedsTest {
    @TempDir
    Path dir;

    private static final String SEEDS = "/dev/bulwark/engine/db/snapshot/SnapshotReaderFuzzTestInputs/";

    @Test
    void seedsAreOfTheCurrentLayout() throws Exception {
        String out = System.getProperty("bulwark.snapshotSeeds");
        if (out != null) regenerate(Path.of(out));
        byte[] payload = resource("fuzz/tiny-payload");
        byte[] image = SnapshotReaderFuzzTest.image(payload);
        var parsed = SnapshotReader.parse(ByteBuffer.wrap(image));
        assertEquals(4, parsed.set().count(), "the fuzz seed loads whole");
        parsed.set().lsigs.decodeAll();
        PatternSet set = PatternSet.read(new FlatBuffers.In(ByteBuffer.wrap(resource("matcherTables/tiny-patterns"))), new Damage(null));
        assertEquals(3, set.size(), "the matcher-table seed loads whole");
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = SnapshotFuzzSeedsTest.class.getResourceAsStream(SEEDS + name)) {
            return in.readAllBytes();
        }
    }

    /** A tiny database of each kind: two body signatures, a hash, a logical signature with a regex. */
    private void regenerate(Path out) throws Exception {
        Path db = Files.createDirectories(dir.resolve("tiny"));
        Files.writeString(db.resolve("t.ndb"), "T.Body-1:0:*:414243444546\nT.Body-2:0:*:61626364{2-8}65666768??69\n");
        Files.writeString(db.resolve("t.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:T.Md5\n");
        Files.writeString(db.resolve("t.ldb"), "T.L;Engine:81-255,Target:0;0&1;6a6b6c6d6e;0/abc[0-9]+/\n");
        Database d = DatabaseLoader.load(List.of(db), LoadOptions.defaults());
        Path snap = dir.resolve("tiny.bsnap");
        SnapshotWriter.write(d, List.of(db), snap);
        byte[] image = Files.readAllBytes(snap);
        long payload = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
        Files.createDirectories(out.resolve("fuzz"));
        Files.createDirectories(out.resolve("matcherTables"));
        Files.write(out.resolve("fuzz/tiny-payload"), Arrays.copyOfRange(image, Snapshot.HEADER, Snapshot.HEADER + (int) payload));
        FlatBuffers.Out tables = new FlatBuffers.Out();
        d.signatures().patterns.write(tables);
        ByteBuffer t = tables.finish();
        byte[] tb = new byte[t.remaining()];
        t.get(tb);
        Files.write(out.resolve("matcherTables/tiny-patterns"), tb);
    }
}
