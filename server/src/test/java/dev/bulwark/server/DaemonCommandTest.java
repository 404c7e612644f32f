package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes of {@code bulwark daemon}: 0 ok, 1 configuration or database error, 2 usage. */
class DaemonCommandTest {
    @TempDir Path tmp;

    @Test
    void exitCodes() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        assertEquals(0, DaemonCommand.run(new String[] {"--help"}));
        assertEquals(2, DaemonCommand.run(new String[] {"--bogus"}));
        assertEquals(2, DaemonCommand.run(new String[] {"--config"}));
        Path bad = Files.writeString(tmp.resolve("bad.conf"), "TCPSokcet 3310\n");
        assertEquals(1, DaemonCommand.run(new String[] {"--config", bad.toString()}));
        assertEquals(1, DaemonCommand.run(new String[] {"--config", tmp.resolve("missing.conf").toString()}));
        Path good = Files.writeString(tmp.resolve("good.conf"), "TCPSocket 0\nDatabaseDirectory " + fx.db + "\nVirusEvent /bin/true\n");
        assertEquals(0, DaemonCommand.run(new String[] {"--config", good.toString(), "--check-config"}));
        assertEquals(1, DaemonCommand.run(new String[] {"-d", tmp.resolve("nodb").toString(), "--tcp", "0"}), "database missing");
        assertEquals(1, DaemonCommand.run(new String[] {"-d", fx.db.toString()}), "no server configured");
    }
}
