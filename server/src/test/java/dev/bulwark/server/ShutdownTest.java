package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SHUTDOWN stops the daemon, removes its UNIX socket and PID file; the port stops accepting. */
class ShutdownTest {
    @TempDir Path tmp;

    @Test
    void shutdownCommand() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        Path pid = tmp.resolve("bulwark.pid");
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "PidFile " + pid + "\n")) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(pid));
            assertTrue(Files.exists(d.socket));
            int port = d.port();
            assertEquals("", new String(RealClamd.exchange(port, "zSHUTDOWN\0".getBytes(StandardCharsets.US_ASCII), 5000),
                    StandardCharsets.US_ASCII));
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    d.daemon.awaitShutdown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(t.isAlive(), "daemon stopped");
            assertFalse(Files.exists(d.socket), "socket removed");
            assertFalse(Files.exists(pid), "pid file removed");
            try (var s = new java.net.Socket("127.0.0.1", port)) {
                throw new AssertionError("still accepting on " + port);
            } catch (java.net.ConnectException expected) {
                // closed
            }
        }
    }
}
