package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RELOAD swaps the engine atomically; an unchanged or broken database keeps the current one. */
class EngineReloadTest {
    @TempDir Path tmp;

    static String ask(TestDaemon d, String req) throws Exception {
        return new String(RealClamd.exchange(d.port(), req.getBytes(StandardCharsets.ISO_8859_1), 10_000), StandardCharsets.ISO_8859_1);
    }

    @Test
    void reloadPicksUpNewSignaturesAndKeepsServingOnFailure() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        Path target = Files.writeString(fx.files.resolve("new.txt"), "a brand-new-threat here");
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "")) {
            assertEquals(target + ": OK\0", ask(d, "zSCAN " + target + "\0"));
            EngineHolder.Loaded before = d.daemon.engines().current();

            assertEquals(1, d.daemon.service().cache().size()); // the clean file
            d.daemon.reload();
            assertEquals(EngineHolder.Outcome.UNCHANGED, d.daemon.engines().lastReload().outcome());
            assertSame(before, d.daemon.engines().current());
            // as clamd, whose every reload starts a new engine with an empty cache
            assertEquals(0, d.daemon.service().cache().size(), "an unchanged reload drops the clean-file cache too");
            assertEquals(target + ": OK\0", ask(d, "zSCAN " + target + "\0"));
            assertEquals(1, d.daemon.service().cache().size());

            Files.writeString(fx.db.resolve("new.ndb"), "Brand.New:0:*:" + Fixtures.hex("brand-new-threat") + "\n");
            assertEquals("RELOADING\0", ask(d, "zRELOAD\0"));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (d.daemon.engines().lastReload().outcome() != EngineHolder.Outcome.SWAPPED && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(EngineHolder.Outcome.SWAPPED, d.daemon.engines().lastReload().outcome());
            assertEquals(target + ": Brand.New.UNOFFICIAL FOUND\0", ask(d, "zSCAN " + target + "\0"));

            EngineHolder.Loaded good = d.daemon.engines().current();
            Files.writeString(fx.db.resolve("broken.ndb"), "Broken:0:*:zz-not-hex\n");
            d.daemon.reload();
            EngineHolder.ReloadResult r = d.daemon.engines().lastReload();
            assertEquals(EngineHolder.Outcome.FAILED, r.outcome());
            assertTrue(r.message().contains("broken.ndb"), r.message());
            assertSame(good, d.daemon.engines().current());
            assertEquals(target + ": Brand.New.UNOFFICIAL FOUND\0", ask(d, "zSCAN " + target + "\0"));
            Path clean = Files.writeString(fx.files.resolve("clean.txt"), "nothing to see");
            assertEquals(clean + ": OK\0", ask(d, "zSCAN " + clean + "\0"));
            int cached = d.daemon.service().cache().size();
            assertTrue(cached >= 1, "the clean file is cached");
            d.daemon.reload(); // still broken: the engine and its cache stay
            assertEquals(EngineHolder.Outcome.FAILED, d.daemon.engines().lastReload().outcome());
            assertEquals(cached, d.daemon.service().cache().size());
            assertEquals("PONG\0", ask(d, "zPING\0"));
        }
    }
}
