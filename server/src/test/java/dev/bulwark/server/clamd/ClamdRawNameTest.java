package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.RawNames;
import dev.bulwark.server.Fixtures;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose name is not UTF-8 (here ISO-8859-1 "lat\xE9.com", as a mail filter or an unpacker may write it):
 * clamd's SCAN of it finds EICAR; Bulwark decoded the path with replacement characters, so it named another file
 * and answered "No such file or directory" (malware under such a name passed a path scan). Replies compared with
 * the real clamd byte for byte (the name is echoed as sent).
 */
class ClamdRawNameTest {
    @TempDir Path tmp;

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    private static TreeSet<String> replies(byte[] b) {
        return new TreeSet<>(Arrays.asList(new String(b, StandardCharsets.ISO_8859_1).split("\0")));
    }

    @Test
    void namesThatAreNotUtf8AreScannedAsClamdScansThem() throws Exception {
        assumeTrue(RealClamd.available());
        Fixtures fx = new Fixtures(tmp);
        Path dir = Files.createDirectories(fx.files.resolve("latin"));
        byte[] name = cat(dir.toString().getBytes(StandardCharsets.UTF_8), "/lat".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xE9},
                ".com".getBytes(StandardCharsets.US_ASCII));
        Path file = RawNames.path(RawNames.decode(name, 0, name.length));
        Files.writeString(file, Fixtures.EICAR, StandardCharsets.ISO_8859_1);
        assertEquals(1, Files.list(dir).count());
        try (RealClamd clamd = new RealClamd(Files.createDirectories(tmp.resolve("c")), fx.db, "");
             TestDaemon bw = new TestDaemon(Files.createDirectories(tmp.resolve("b")), fx.db, "")) {
            for (byte[] req : List.of(cat("zSCAN ".getBytes(StandardCharsets.US_ASCII), name, new byte[] {0}),
                    cat("nALLMATCHSCAN ".getBytes(StandardCharsets.US_ASCII), name, new byte[] {'\n'}),
                    cat("zCONTSCAN ".getBytes(StandardCharsets.US_ASCII), dir.toString().getBytes(StandardCharsets.UTF_8), new byte[] {0}),
                    cat("zSCAN ".getBytes(StandardCharsets.US_ASCII), name, "x".getBytes(StandardCharsets.US_ASCII), new byte[] {0}))) {
                byte[] c = RealClamd.exchange(clamd.port, req, 10_000), b = RealClamd.exchange(bw.port(), req, 10_000);
                assertEquals(replies(c), replies(b), new String(req, StandardCharsets.ISO_8859_1));
            }
            byte[] req = cat("zSCAN ".getBytes(StandardCharsets.US_ASCII), name, new byte[] {0});
            assertArrayEquals(cat(name, ": Eicar-Test-Signature.UNOFFICIAL FOUND\0".getBytes(StandardCharsets.US_ASCII)), RealClamd.exchange(bw.port(), req, 10_000));
        }
    }
}
