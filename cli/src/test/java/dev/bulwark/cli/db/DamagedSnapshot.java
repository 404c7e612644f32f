package dev.bulwark.cli.db;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.db.snapshot.SnapshotWriter;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Crafted snapshots for the CLI's tests: one body signature ({@link #BODY} matches it) and one logical
 * signature ({@link #LOGICAL} needs it), one of them damaged behind a recomputed, valid checksum: the logical
 * signature ({@link #write}) or the body pattern ({@link #writeWithDamagedBody}).
 */
public final class DamagedSnapshot {
    /** Bytes the body signature detects (as T.Body). */
    public static final String BODY = "a bodybody here\n";
    /** Bytes that make a scan evaluate the damaged logical signature. */
    public static final String LOGICAL = "some logical text, subno.2\n";

    private DamagedSnapshot() {}

    /** Writes {@code dir/damaged.bsnap} (sources under {@code dir/db}), its logical signature damaged. */
    public static Path write(Path dir) throws Exception {
        Database loaded = sources(dir);
        Path snap = dir.resolve("damaged.bsnap");
        SnapshotWriter.write(loaded, List.of(dir.resolve("db")), snap);
        byte[] image = Files.readAllBytes(snap);
        // the logical signature's encoding starts with its name (length, bytes) and its 'weak' flag (0 or 1)
        byte[] name = loaded.signatures().lsigs.get(0).name().getBytes(StandardCharsets.UTF_8);
        byte[] prefixed = ByteBuffer.allocate(4 + name.length).order(ByteOrder.LITTLE_ENDIAN).putInt(name.length).put(name).array();
        int at = find(image, prefixed, 0);
        if (at < 0 || find(image, prefixed, at + 1) >= 0 || image[at + prefixed.length] != 0) {
            throw new IllegalStateException("snapshot layout changed: update DamagedSnapshot");
        }
        image[at + prefixed.length] = 7; // neither false nor true
        Files.write(snap, resealed(image));
        return snap;
    }

    /**
     * Writes {@code dir/damaged-body.bsnap} (sources under {@code dir/db}), its body pattern damaged: a scan that
     * meets {@link #BODY} fails, and every later scan of that engine.
     */
    public static Path writeWithDamagedBody(Path dir) throws Exception {
        Path snap = dir.resolve("damaged-body.bsnap");
        SnapshotWriter.write(sources(dir), List.of(dir.resolve("db")), snap);
        byte[] image = Files.readAllBytes(snap);
        // a literal element is one little-endian int: mask, value, tag (0 = literal), 0; the body's first five
        // ("bodyb": "bod" alone occurs twice)
        byte[] lits = {(byte) 0xFF, 'b', 0, 0, (byte) 0xFF, 'o', 0, 0, (byte) 0xFF, 'd', 0, 0, (byte) 0xFF, 'y', 0, 0, (byte) 0xFF, 'b', 0, 0};
        int at = find(image, lits, 0);
        if (at < 0 || find(image, lits, at + 1) >= 0) throw new IllegalStateException("snapshot layout changed: update DamagedSnapshot");
        image[at + 2] = 9; // element tag 9: no such element
        Files.write(snap, resealed(image));
        return snap;
    }

    private static Database sources(Path dir) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("t.ldb"), "T.Logical;Engine:51-255,Target:0;0&1;6c6f676963616c;7375626e6f2e32\n");
        Files.writeString(db.resolve("t.ndb"), "T.Body:0:*:626f6479626f6479\n");
        return DatabaseLoader.load(List.of(db), LoadOptions.defaults());
    }

    /** The image with its block checksums recomputed: the damage passes the checksum. */
    private static byte[] resealed(byte[] image) {
        dev.bulwark.engine.db.snapshot.Snapshot.reseal(image);
        return image;
    }

    private static int find(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
