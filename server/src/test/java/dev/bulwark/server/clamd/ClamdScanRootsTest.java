package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.TestDaemon;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path commands with BulwarkScanRoot: outside the roots the reply is the same whether the path exists or not. */
class ClamdScanRootsTest {
    @TempDir Path tmp;

    static String ask(int port, String command) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("n" + command + "\n").getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void whetherAPathOutsideTheRootsExistsIsNotTold() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "x");
        Files.createDirectories(outside.resolve("secretdir"));
        Path probes = Files.createDirectories(fx.files.resolve("probes"));
        Files.createSymbolicLink(probes.resolve("to-secret"), outside.resolve("secret"));
        Files.createSymbolicLink(probes.resolve("to-missing"), outside.resolve("missing"));
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "BulwarkScanRoot " + fx.files + "\n")) {
            for (String cmd : new String[] {"SCAN", "CONTSCAN", "MULTISCAN", "ALLMATCHSCAN"}) {
                for (String[] pair : new String[][] {
                        {outside.resolve("secret").toString(), outside.resolve("missing").toString()},
                        {outside.resolve("secretdir").toString(), outside.resolve("missingdir").toString()},
                        {probes.resolve("to-secret").toString(), probes.resolve("to-missing").toString()}}) {
                    String there = ask(d.port(), cmd + " " + pair[0]), missing = ask(d.port(), cmd + " " + pair[1]);
                    assertEquals(pair[0] + ": Access denied. ERROR\n", there, cmd);
                    assertEquals(pair[1] + ": Access denied. ERROR\n", missing, cmd);
                }
                // inside the roots a missing file is reported as clamd reports it
                assertEquals(fx.file("nope") + ": File path check failure: No such file or directory. ERROR\n",
                        ask(d.port(), cmd + " " + fx.file("nope")), cmd);
            }
        }
    }
}
