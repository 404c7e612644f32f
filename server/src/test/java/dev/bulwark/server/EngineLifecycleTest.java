package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.ScanResult;
import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's life across RELOAD, over real sockets: scans keep being answered (by the old engine) while a
 * new one is built, a scan in flight keeps its engine, and every replaced engine becomes garbage once its
 * last scan ends (nothing in the daemon - clean-file cache, metrics, sessions - keeps it reachable).
 */
class EngineLifecycleTest {
    /** Bound for waiting on the collector or a background reload (each round sleeps ROUND_MILLIS). */
    private static final int ROUNDS = 300;
    private static final long ROUND_MILLIS = 50;

    @TempDir Path tmp;

    static String ask(TestDaemon d, String req) throws Exception {
        return EngineReloadTest.ask(d, req);
    }

    static String instream(TestDaemon d, byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(data);
        out.writeBytes(new byte[4]);
        return new String(RealClamd.exchange(d.port(), out.toByteArray(), 10_000), StandardCharsets.ISO_8859_1);
    }

    /** A weak reference to the current engine (made here, so no caller's frame holds the engine itself). */
    static WeakReference<Engine> weakCurrent(TestDaemon d) {
        return new WeakReference<>(d.daemon.engines().current().engine());
    }

    /** Collects until every reference is cleared or ROUNDS have passed; true when all were cleared. */
    static boolean collected(List<? extends WeakReference<?>> refs) throws InterruptedException {
        for (int i = 0; i < ROUNDS && !refs.stream().allMatch(r -> r.refersTo(null)); i++) {
            System.gc();
            Thread.sleep(ROUND_MILLIS);
        }
        return refs.stream().allMatch(r -> r.refersTo(null));
    }

    /** Sends zRELOAD and waits until the holder reports a reload other than {@code before}. */
    static EngineHolder.ReloadResult reload(TestDaemon d) throws Exception {
        EngineHolder.ReloadResult before = d.daemon.engines().lastReload();
        assertEquals("RELOADING\0", ask(d, "zRELOAD\0"));
        for (int i = 0; i < ROUNDS && d.daemon.engines().lastReload() == before; i++) Thread.sleep(ROUND_MILLIS);
        assertNotSame(before, d.daemon.engines().lastReload(), "reload did not finish");
        return d.daemon.engines().lastReload();
    }

    static Path signature(Fixtures fx, int gen) throws Exception {
        return Files.writeString(fx.db.resolve("gen.ndb"), "Bulwark.Gen" + gen + ":0:*:" + Fixtures.hex("generation-" + gen + "-marker") + "\n");
    }

    @Test
    void replacedEnginesBecomeUnreachableAfterEveryReload() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        Path clean = fx.file("clean.txt");
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "")) {
            List<WeakReference<Engine>> replaced = new ArrayList<>();
            for (int gen = 1; gen <= 4; gen++) {
                Path target = Files.writeString(fx.files.resolve("gen" + gen + ".txt"), "has generation-" + gen + "-marker in it");
                // a cache entry and a cache owner for the engine about to be replaced
                assertEquals(clean + ": OK\0", ask(d, "zSCAN " + clean + "\0"));
                assertEquals(clean + ": OK\0", ask(d, "zSCAN " + clean + "\0"));
                assertEquals(target + ": OK\0", ask(d, "zSCAN " + target + "\0"));
                assertEquals(2, d.daemon.service().cache().size()); // both clean files
                replaced.add(weakCurrent(d));
                signature(fx, gen);
                assertEquals(EngineHolder.Outcome.SWAPPED, reload(d).outcome());
                assertEquals(target + ": Bulwark.Gen" + gen + ".UNOFFICIAL FOUND\0", ask(d, "zSCAN " + target + "\0"));
                for (int i = 0; i < ROUNDS && d.daemon.service().cache().size() != 0; i++) Thread.sleep(ROUND_MILLIS);
                assertEquals(0, d.daemon.service().cache().size(), "the reload must drop the clean-file cache");
            }
            // an unchanged database builds an engine and drops it: that one must go as well
            WeakReference<Engine> current = weakCurrent(d);
            // one trim asked after the first load and one after each swap (asked just after the result is published)
            for (int i = 0; i < ROUNDS && d.daemon.engines().heapTrimRequests() < 5; i++) Thread.sleep(ROUND_MILLIS);
            long requests = d.daemon.engines().heapTrimRequests();
            assertEquals(5, requests);
            assertEquals(EngineHolder.Outcome.UNCHANGED, reload(d).outcome());
            for (int i = 0; i < ROUNDS && d.daemon.engines().heapTrimRequests() == requests; i++) Thread.sleep(ROUND_MILLIS);
            assertEquals(requests + 1, d.daemon.engines().heapTrimRequests(), "no trim for the dropped engine");
            assertTrue(collected(replaced), "a replaced engine is still reachable");
            assertFalse(current.refersTo(null), "the serving engine was collected");
            assertSame(current.get(), d.daemon.engines().current().engine());
            for (int i = 0; i < ROUNDS && d.daemon.engines().heapTrims() == 0; i++) Thread.sleep(ROUND_MILLIS);
            assertTrue(d.daemon.engines().heapTrims() >= 1, "no heap trim ran");
        }
    }

    @Test
    void aScanInFlightKeepsItsEngineUntilItEnds() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        Path target = Files.writeString(fx.files.resolve("gen1.txt"), "has generation-1-marker in it");
        byte[] bytes = Files.readAllBytes(target);
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "")) {
            EngineHolder.Lease lease = d.daemon.engines().acquire(); // what a long scan holds
            WeakReference<Engine> old = new WeakReference<>(lease.engine());
            signature(fx, 1);
            assertEquals(EngineHolder.Outcome.SWAPPED, reload(d).outcome());
            assertEquals(target + ": Bulwark.Gen1.UNOFFICIAL FOUND\0", ask(d, "zSCAN " + target + "\0"));
            // the scan in flight still has the old database
            assertEquals(ScanResult.Status.CLEAN, lease.engine().scan(bytes, d.daemon.service().options(false)).status());
            System.gc();
            assertFalse(old.refersTo(null));
            long requests = d.daemon.engines().heapTrimRequests();
            lease.close();
            // the last scan on the replaced engine asks for the trim as it ends
            assertEquals(requests + 1, d.daemon.engines().heapTrimRequests());
            lease = null; // the lease object itself points at the engine
            assertNull(lease);
            assertTrue(collected(List.of(old)), "the old engine is still reachable after its last scan ended");
        }
    }

    @Test
    void scansDuringAReloadAreAnsweredByTheOldEngine() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        Path target = Files.writeString(fx.files.resolve("gen1.txt"), "has generation-1-marker in it");
        Path body = fx.file("sub/body.bin");
        AtomicBoolean hold = new AtomicBoolean();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // the real loader, held at its start while the test scans (the reload is then certainly in progress)
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "", cfg ->
                new EngineHolder(List.of(cfg.databaseDirectory()), cfg.loadOptions(), sources -> {
                    if (hold.get()) {
                        loading.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return Engine.load(sources, cfg.loadOptions());
                }))) {
            hold.set(true);
            signature(fx, 1);
            EngineHolder.ReloadResult before = d.daemon.engines().lastReload();
            assertEquals("RELOADING\0", ask(d, "zRELOAD\0"));
            assertTrue(loading.await(30, TimeUnit.SECONDS), "the reload did not start");
            // several clients at once, while the new engine is being built
            List<Thread> clients = new ArrayList<>();
            List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            byte[] eicar = Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1);
            for (int c = 0; c < 4; c++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 10; i++) {
                        try {
                            check(wrong, target + ": OK\0", ask(d, "zSCAN " + target + "\0"));
                            check(wrong, body + ": Bulwark.Test.Body.UNOFFICIAL FOUND\0", ask(d, "zSCAN " + body + "\0"));
                            check(wrong, "stream: Eicar-Test-Signature.UNOFFICIAL FOUND\0", instream(d, eicar));
                            check(wrong, "PONG\0", ask(d, "zPING\0"));
                        } catch (Exception e) {
                            wrong.add(e.toString());
                        }
                    }
                }));
            }
            for (Thread t : clients) t.join(120_000);
            assertEquals(List.of(), wrong);
            assertSame(before, d.daemon.engines().lastReload(), "the reload finished while held");
            release.countDown();
            for (int i = 0; i < ROUNDS && d.daemon.engines().lastReload() == before; i++) Thread.sleep(ROUND_MILLIS);
            assertEquals(EngineHolder.Outcome.SWAPPED, d.daemon.engines().lastReload().outcome());
            assertEquals(target + ": Bulwark.Gen1.UNOFFICIAL FOUND\0", ask(d, "zSCAN " + target + "\0"));
        } finally {
            release.countDown();
        }
    }

    private static void check(List<String> wrong, String want, String got) {
        if (!want.equals(got)) wrong.add("want " + want + ", got " + got);
    }
}
