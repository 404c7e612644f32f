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
 * a NUL gets. (clamd14) Both now as clamd: the name ends at the NUL, the rest of the line is garbage after the
 * command ("Error processing command", before or after the scan's line: clamd's order depends on its threads).
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
        org.junit.jupiter.api.Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        try (TestDaemon bw = new TestDaemon(Files.createDirectories(tmp.resolve("b")), fx.db, "");
             RealClamd clamd = new RealClamd(Files.createDirectories(tmp.resolve("c")), fx.db, "")) {
            for (byte[] r : java.util.List.of(ascii, req)) {
                assertEquals(lines(RealClamd.exchange(clamd.port, r, 10_000)), lines(RealClamd.exchange(bw.port(), r, 10_000)));
            }
            assertEquals(java.util.List.of("", dir + "/late: File path check failure: No such file or directory. ERROR", "Error processing command. ERROR"),
                    lines(RealClamd.exchange(bw.port(), ascii, 10_000)));
        }
    }

    private static java.util.List<String> lines(byte[] reply) {
        java.util.List<String> l = new java.util.ArrayList<>(java.util.List.of(new String(reply, StandardCharsets.ISO_8859_1).split("\n", -1)));
        l.sort(null);
        return l;
    }
}
