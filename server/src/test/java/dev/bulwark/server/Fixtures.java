package dev.bulwark.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small signature database and sample files shared by the daemon integration tests. */
public final class Fixtures {
    public static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    public static final String BODY_MARKER = "Bulwark-test-body";

    public final Path root;
    public final Path db;
    public final Path files;

    public Fixtures(Path root) throws IOException {
        this.root = root;
        db = Files.createDirectories(root.resolve("db"));
        files = Files.createDirectories(root.resolve("files"));
        Files.writeString(db.resolve("test.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n");
        Files.writeString(db.resolve("test.ndb"), "Bulwark.Test.Body:0:*:" + hex(BODY_MARKER) + "\n");
        Files.writeString(files.resolve("eicar.com"), EICAR, StandardCharsets.ISO_8859_1);
        Files.writeString(files.resolve("clean.txt"), "hello, clean world\n");
        Files.createDirectories(files.resolve("sub"));
        Files.writeString(files.resolve("sub/body.bin"), "xx " + BODY_MARKER + " yy");
        Files.writeString(files.resolve("sub/e2.com"), EICAR, StandardCharsets.ISO_8859_1);
        Files.createFile(files.resolve("empty"));
        Files.createDirectories(files.resolve("emptydir"));
        Files.writeString(files.resolve("x.excluded"), "excluded\n");
        Files.createDirectories(files.resolve("cleandir"));
        Files.writeString(files.resolve("cleandir/a.txt"), "aaaa\n");
        Files.writeString(files.resolve("cleandir/b.txt"), "bbbb\n");
    }

    public static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public Path file(String name) {
        return files.resolve(name);
    }
}
