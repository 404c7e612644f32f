package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.db.snapshot.SnapshotWriter;
import dev.bulwark.engine.normalize.TextNormalizer;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hash signatures over the normalised text view of a text file. ClamAV scans that view as a buffer, which
 * checks no hash signatures, unless a target-7 pattern has an offset relative to the end of the data; then it
 * maps the view as a file and checks them (cli_scanscript). Bulwark must report exactly what clamscan does,
 * from text sources and from a snapshot. The raw file's own hashes are found either way.
 */
class TextViewHashTest {
    private static final String TEXT = "Hello   WORLD\n\n  This Is   A Test File With Enough Bytes To Be Normalised, ok\n";

    @Test
    void normalisedViewHashesOnlyWhereClamscanChecksThem(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("t.txt");
        byte[] raw = TEXT.getBytes(StandardCharsets.US_ASCII);
        Files.write(file, raw);
        byte[] norm = TextNormalizer.normalize(ByteBuffer.wrap(raw), 1 << 20);
        assumeTrue(norm.length != raw.length, "the view must differ from the file");
        String viewHash = md5(norm) + ":" + norm.length + ":Test.ViewMd5\n"
                + sha256(norm) + ":" + norm.length + ":Test.ViewSha256\n";
        String rawHash = md5(raw) + ":" + raw.length + ":Test.RawMd5\n";
        // (1) no target-7 pattern: the view is scanned as a buffer, no hash signature over it
        Path plain = db(tmp.resolve("plain"), viewHash + rawHash, "Test.Anywhere:7:*:64656164626565666361666500\n");
        // (2) a target-7 pattern at an EOF-relative offset: the view is mapped, its hashes are checked
        Path relative = db(tmp.resolve("relative"), viewHash, "Test.Rel:7:EOF-10:646561646265656663616665\n");
        // (3) an absolute offset is not relative: buffer again
        Path absolute = db(tmp.resolve("absolute"), viewHash, "Test.Abs:7:0:646561646265656663616665\n");
        // (4) a logical signature of target 7 with an EOF-relative subsignature counts too
        Path lsig = db(tmp.resolve("lsig"), viewHash,
                null, "Test.L;Engine:51-255,Target:7;0;EOF-4:646561646265656663616665\n");

        assertEquals(List.of("Test.RawMd5.UNOFFICIAL"), bulwark(plain, file, tmp));
        assertEquals(List.of("Test.ViewMd5.UNOFFICIAL", "Test.ViewSha256.UNOFFICIAL"), bulwark(relative, file, tmp));
        assertEquals(List.of(), bulwark(absolute, file, tmp));
        assertEquals(List.of("Test.ViewMd5.UNOFFICIAL", "Test.ViewSha256.UNOFFICIAL"), bulwark(lsig, file, tmp));

        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        for (Path db : List.of(plain, relative, absolute, lsig)) {
            assertEquals(clamscan(db, file), bulwark(db, file, tmp), db.getFileName().toString());
        }
    }

    /** Detections (all-match) from the text sources; a snapshot of them must give the same. */
    private static List<String> bulwark(Path db, Path file, Path tmp) throws Exception {
        List<String> fromText = names(Engine.load(List.of(db), LoadOptions.defaults()), file);
        Path snap = tmp.resolve(db.getFileName() + ".bsnap");
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), List.of(db), snap);
        assertEquals(fromText, names(Engine.load(List.of(snap), LoadOptions.defaults()), file), "snapshot of " + db);
        return fromText;
    }

    /** Sorted detection names of one --allmatch scan (shared with TextViewGateTest). */
    static List<String> names(Engine e, Path file) {
        TreeSet<String> out = new TreeSet<>();
        for (Detection d : e.scan(file, ScanOptions.defaults().withAllMatch(true)).detections()) out.add(d.name());
        return new ArrayList<>(out);
    }

    /** Sorted names clamscan 1.4.6 reports with --allmatch (shared with TextViewGateTest). */
    static List<String> clamscan(Path db, Path file) throws Exception {
        Process p = new ProcessBuilder("clamscan", "--no-summary", "--allmatch", "-d", db.toString(), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(120, TimeUnit.SECONDS), "clamscan timed out");
        TreeSet<String> names = new TreeSet<>();
        for (String line : out.split("\n")) {
            if (line.endsWith(" FOUND")) names.add(line.substring(line.indexOf(": ") + 2, line.length() - " FOUND".length()));
        }
        return new ArrayList<>(names);
    }

    private static Path db(Path dir, String hdbAndHsb, String ndb) throws Exception {
        return db(dir, hdbAndHsb, ndb, null);
    }

    private static Path db(Path dir, String hashes, String ndb, String ldb) throws Exception {
        Files.createDirectories(dir);
        StringBuilder hdb = new StringBuilder(), hsb = new StringBuilder();
        for (String line : hashes.split("\n")) (line.indexOf(':') == 32 ? hdb : hsb).append(line).append('\n');
        if (hdb.length() > 0) Files.writeString(dir.resolve("t.hdb"), hdb);
        if (hsb.length() > 0) Files.writeString(dir.resolve("t.hsb"), hsb);
        if (ndb != null) Files.writeString(dir.resolve("t.ndb"), ndb);
        if (ldb != null) Files.writeString(dir.resolve("t.ldb"), ldb);
        return dir;
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
