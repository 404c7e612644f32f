package dev.bulwark.server;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.signatures.clamav.SignatureSet;
import dev.bulwark.server.config.ConfFile;
import dev.bulwark.server.config.DaemonConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchRun {
    @Test
    void run() throws Exception {
        DaemonConfig cfg = DaemonConfig.from(ConfFile.read(Path.of("/tmp/probe/bulwark.conf")));
        EngineHolder h = new EngineHolder(List.of(), LoadOptions.defaults(),
                s -> Engine.of(new Database(new SignatureSet(), List.of(), List.of(), 0, null, "fp1234")));
        try (Daemon d = new Daemon(cfg, new Log(null, true, false), h)) {
            d.start();
            Thread.sleep(Long.parseLong(System.getProperty("scratch.ms", "60000")));
        }
    }
}
