package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --detect-pua}, {@code --exclude-pua}, {@code --include-pua} against clamscan 1.4: a database with PUA
 * signatures in the PUA databases (.ndu .ldu .hdu .hsu, filtered by category) and in .ndb/.hdb (never
 * filtered), one test file per signature, and every option combination must give the same lines.
 */
class PuaCategoriesTest {
    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Builds the database and the files; every file matches exactly one signature. */
    private static Path setUp(Path tmp) throws Exception {
        Path db = Files.createDirectories(tmp.resolve("db")), files = Files.createDirectories(tmp.resolve("files"));
        String[][] body = { // name, marker (.ndu unless noted)
            {"PUA.Win.Packer.Foo-1", "mark-ndu-win-packer"},
            {"PUA.Win.Tool.Bar-2", "mark-ndu-win-tool"},
            {"PUA.Andr.Spyware.Baz", "mark-ndu-andr-spy"},
            {"PUA.Win.Packer.Upx.Deep-3", "mark-ndu-four-parts"},
            {"PUA.Packer", "mark-ndu-one-dot"},                         // no second dot: skipped under a filter
            {"Win.Trojan.NotPua-1", "mark-ndu-not-pua"},                // no PUA. prefix: skipped under a filter
            {"PUA.Averyveryverylongcategoryname.Sub.X", "mark-ndu-long"},// category part too long for ClamAV
            {"PUA.Win.Packerx.Near", "mark-ndu-near"},                  // .Packerx. does not contain .Packer.
            {"PUA.Win" + "a".repeat(26) + ".Fits", "mark-ndu-fits"},     // category part of 31 bytes: the longest loaded
            {"PUA.Win" + "a".repeat(27) + ".Long", "mark-ndu-one-over"}, // 32 bytes: skipped under a filter
        };
        StringBuilder ndu = new StringBuilder();
        for (String[] s : body) {
            ndu.append(s[0]).append(":0:*:").append(hex(s[1])).append('\n');
            Files.writeString(files.resolve(s[1] + ".txt"), "x " + s[1] + " y\n");
        }
        Files.writeString(db.resolve("t.ndu"), ndu);
        Files.writeString(db.resolve("t.ndb"), "PUA.Win.Packer.InNdb:0:*:" + hex("mark-ndb-packer") + "\n");
        Files.writeString(files.resolve("mark-ndb-packer.txt"), "mark-ndb-packer\n");
        Files.writeString(db.resolve("t.ldu"), "PUA.Win.Packer.Ldb1;Engine:51-255,Target:0;0&1;" + hex("mark-ldu")
                + ";" + hex("packer-part") + "\nPUA.Doc.Macro.Ldb2;Engine:51-255,Target:0;0;" + hex("mark-ldu-doc") + "\n");
        Files.writeString(files.resolve("mark-ldu.txt"), "mark-ldu and packer-part\n");
        Files.writeString(files.resolve("mark-ldu-doc.txt"), "mark-ldu-doc\n");
        StringBuilder hdu = new StringBuilder(), hsu = new StringBuilder(), hdb = new StringBuilder();
        for (String[] s : new String[][] {{"PUA.Doc.Tool.HashOne", "hdu"}, {"PUA.Win.Packer.HashTwo", "hdu"},
                {"PUA.Win.Packer.Sha256", "hsu"}, {"PUA.Win.Packer.InHdb", "hdb"}}) {
            byte[] content = ("hashed content for " + s[0] + "\n").getBytes(StandardCharsets.US_ASCII);
            Files.write(files.resolve("hash-" + s[0] + ".bin"), content);
            String algo = s[1].equals("hsu") ? "SHA-256" : "MD5";
            String line = HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(content)) + ":" + content.length
                    + ":" + s[0] + (s[1].equals("hsu") ? ":73" : "") + "\n";
            (s[1].equals("hdu") ? hdu : s[1].equals("hsu") ? hsu : hdb).append(line);
        }
        Files.writeString(db.resolve("t.hdu"), hdu);
        Files.writeString(db.resolve("t.hsu"), hsu);
        Files.writeString(db.resolve("t.hdb"), hdb);
        return tmp;
    }

    private static TreeSet<String> lines(String out) {
        return new TreeSet<>(Arrays.asList(out.split("\n")));
    }

    @Test
    void sameDetectionsAsClamscanForEveryCombination(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        setUp(tmp);
        String[][] combos = {
            {}, {"--detect-pua"}, {"--exclude-pua=Packer"}, {"--detect-pua", "--exclude-pua=Packer"},
            {"--detect-pua", "--exclude-pua=Win"}, {"--detect-pua", "--exclude-pua", "Tool"},
            {"--detect-pua", "--exclude-pua=Win", "--exclude-pua=Packer"}, {"--detect-pua", "--exclude-pua=Packer", "--exclude-pua=Win"},
            {"--detect-pua", "--include-pua=Packer"}, {"--detect-pua", "--include-pua=Win"},
            {"--detect-pua", "--include-pua=Win", "--include-pua=Tool"}, {"--detect-pua", "--include-pua=Win.Packer"},
            {"--detect-pua", "--include-pua=Nothing"}, {"--detect-pua", "--exclude-pua=Nothing"},
            {"--detect-pua", "--include-pua=Sub"}, {"--detect-pua=no", "--include-pua=Win"},
            {"--detect-pua", "--include-pua=Win", "--exclude-pua=Tool"}, {"--include-pua=Win", "--exclude-pua=Tool"},
        };
        for (String[] combo : combos) {
            List<String> args = new ArrayList<>(List.of("--no-summary", "-d", tmp.resolve("db").toString()));
            args.addAll(Arrays.asList(combo));
            args.add(tmp.resolve("files").toString());
            ScanCommandTest.Run c = ScanCommandTest.clamscan(args.toArray(String[]::new));
            ScanCommandTest.Run b = ScanCommandTest.bulwark(args.toArray(String[]::new));
            assertEquals(c.rc(), b.rc(), "exit code for " + Arrays.toString(combo) + "\n" + b.err());
            assertEquals(lines(c.out()), lines(b.out()), "lines for " + Arrays.toString(combo));
            if (c.rc() == 2) assertEquals(c.err().strip(), b.err().strip(), "error for " + Arrays.toString(combo));
        }
    }

    @Test
    void emptyCategoryIsAUsageError(@TempDir Path tmp) throws Exception {
        setUp(tmp);
        ScanCommandTest.Run b = ScanCommandTest.bulwark("--detect-pua", "--exclude-pua=", "-d", tmp.resolve("db").toString(),
                tmp.resolve("files").toString());
        assertEquals(2, b.rc());
        assertTrue(b.err().contains("--exclude-pua requires a non-empty string argument"), b.err());
    }
}
