package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.config.ConfFile;
import dev.bulwark.server.config.DaemonConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DetectPUA}, {@code ExcludePUA}, {@code IncludePUA} in clamd.conf: the real clamd 1.4 and Bulwark,
 * started on the same database and configuration, answer {@code SCAN} of every test file identically.
 */
class PuaConfigTest {
    @TempDir Path tmp;

    /** PUA signatures in .ndu/.ldu/.hdu (filtered by category) and one in .ndb (never filtered). */
    private List<Path> setUp() throws Exception {
        Path db = Files.createDirectories(tmp.resolve("db")), files = Files.createDirectories(tmp.resolve("files"));
        String[][] sigs = {{"PUA.Win.Packer.Foo-1", "m-win-packer"}, {"PUA.Win.Tool.Bar-2", "m-win-tool"},
            {"PUA.Andr.Spyware.Baz", "m-andr-spy"}, {"Win.Trojan.NotPua", "m-not-pua"}, {"PUA.Packer", "m-one-dot"}};
        StringBuilder ndu = new StringBuilder();
        List<Path> out = new ArrayList<>();
        for (String[] s : sigs) {
            ndu.append(s[0]).append(":0:*:").append(Fixtures.hex(s[1])).append('\n');
            out.add(Files.writeString(files.resolve(s[1]), "x " + s[1] + " y\n"));
        }
        Files.writeString(db.resolve("t.ndu"), ndu);
        Files.writeString(db.resolve("t.ndb"), "PUA.Win.Packer.InNdb:0:*:" + Fixtures.hex("m-ndb") + "\n");
        out.add(Files.writeString(files.resolve("m-ndb"), "m-ndb\n"));
        Files.writeString(db.resolve("t.ldu"), "PUA.Doc.Packer.L;Engine:51-255,Target:0;0;" + Fixtures.hex("m-ldu") + "\n");
        out.add(Files.writeString(files.resolve("m-ldu"), "m-ldu\n"));
        byte[] hashed = "hashed pua content\n".getBytes(StandardCharsets.US_ASCII);
        out.add(Files.write(files.resolve("hashed"), hashed));
        Files.writeString(db.resolve("t.hdu"), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(hashed)) + ":" + hashed.length + ":PUA.Win.Tool.Hashed\n");
        return out;
    }

    @Test
    void sameRepliesAsClamdForEachCategorySetting() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        List<Path> files = setUp();
        String[] configs = {"", "DetectPUA yes\n", "DetectPUA no\nExcludePUA Packer\n", "DetectPUA yes\nExcludePUA Packer\n",
            "DetectPUA yes\nExcludePUA Win\nExcludePUA Packer\n", "DetectPUA yes\nIncludePUA Win\n",
            "DetectPUA yes\nIncludePUA Packer\n", "DetectPUA yes\nIncludePUA Win\nIncludePUA Tool\n"};
        int n = 0;
        for (String conf : configs) {
            Path c = Files.createDirectories(tmp.resolve("c" + n)), b = Files.createDirectories(tmp.resolve("b" + n++));
            try (RealClamd clamd = new RealClamd(c, tmp.resolve("db"), conf);
                 TestDaemon bulwark = new TestDaemon(b, tmp.resolve("db"), conf)) {
                for (Path f : files) {
                    byte[] req = ("zSCAN " + f + "\0").getBytes(StandardCharsets.UTF_8);
                    assertEquals(new String(RealClamd.exchange(clamd.port, req, 10_000), StandardCharsets.UTF_8),
                            new String(RealClamd.exchange(bulwark.port(), req, 10_000), StandardCharsets.UTF_8),
                            f.getFileName() + " with " + conf.replace('\n', ';'));
                }
            }
        }
    }

    @Test
    void bothListsWithDetectPuaAreRefusedAsByClamd() throws Exception {
        setUp();
        String conf = "DetectPUA yes\nExcludePUA Packer\nIncludePUA Win\n";
        ConfFile.ConfigError e = assertThrows(ConfFile.ConfigError.class,
                () -> DaemonConfig.from(ConfFile.parse("t.conf", conf)));
        assertTrue(e.getMessage().contains("ExcludePUA and IncludePUA cannot be used at the same time"), e.getMessage());
        // without DetectPUA clamd ignores both lists, and so do we
        assertTrue(DaemonConfig.from(ConfFile.parse("t.conf", "ExcludePUA Packer\nIncludePUA Win\n")).notices().isEmpty());
        if (RealClamd.available()) {
            java.io.IOException clamdRefused = assertThrows(java.io.IOException.class,
                    () -> new RealClamd(Files.createDirectories(tmp.resolve("c")), tmp.resolve("db"), conf).close());
            assertTrue(clamdRefused.getMessage().contains("cannot be used at the same time"), clamdRefused.getMessage());
        }
    }
}
