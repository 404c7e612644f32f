package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon AOT cache's training run (bin/bulwark's daemon block) drives a real daemon through the clamd
 * protocol and checks every reply it depends on (it throws on an unexpected one): here it runs to its end in
 * this JVM, on the text database and on the snapshot compiled from it, and both daemons stopped on SHUTDOWN.
 */
class DaemonTrainingTest {
    @Test
    void trainsAgainstARealDaemonAndStopsIt(@TempDir Path dir) throws Exception {
        DaemonTraining.train(new String[] {dir.toString()});
        assertTrue(Files.size(dir.resolve("train.bsnap")) > 0, "the snapshot was compiled");
        for (String label : new String[] {"text", "snap"}) {
            String log = Files.readString(dir.resolve("log-" + label));
            assertTrue(log.contains("database loaded") && log.contains("daemon stopped"), label + ": " + log);
            assertTrue(log.contains("Train.Daemon.Eicar"), label + ": the planted sample was detected");
        }
    }
}
