package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (review15) A newline-terminated path that is not UTF-8 and holds a NUL byte: RawNames.path made a file: URI of
 * it, and Path.of(URI) rejects %00 with a plain IllegalArgumentException (not InvalidPathException), which escaped
 * the path scan's error handling and the connection closed with no reply. It now gets the reply an ASCII name with
 * a NUL gets ("Invalid argument", from Path.of). (clamd cuts the name at the NUL and adds "Error processing
 * command": the ASCII case differs from clamd so too, before this round; left as it was.)
 */
class ClamdRawNameNulTest {
    @TempDir Path tmp;

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    @Test
    void aNulInANameThatIsNotUtf8IsAnsweredAsForAnyOtherName() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        Path dir = Files.createDirectories(fx.files.resolve("latin"));
        byte[] req = cat("nSCAN ".getBytes(StandardCharsets.US_ASCII), dir.toString().getBytes(StandardCharsets.UTF_8),
                "/lat".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xE9, 0}, "x\n".getBytes(StandardCharsets.US_ASCII));
        byte[] ascii = cat("nSCAN ".getBytes(StandardCharsets.US_ASCII), dir.toString().getBytes(StandardCharsets.UTF_8),
                "/lat".getBytes(StandardCharsets.US_ASCII), new byte[] {'e', 0}, "x\n".getBytes(StandardCharsets.US_ASCII));
        try (TestDaemon bw = new TestDaemon(Files.createDirectories(tmp.resolve("b")), fx.db, "")) {
            String a = new String(RealClamd.exchange(bw.port(), ascii, 10_000), StandardCharsets.ISO_8859_1);
            String b = new String(RealClamd.exchange(bw.port(), req, 10_000), StandardCharsets.ISO_8859_1);
            assertEquals(": File path check failure: Invalid argument. ERROR\n", a.substring(a.indexOf('\0') + 2));
            assertEquals(a.replace("late\0x", "lat\u00e9\0x"), b);
        }
    }
}
