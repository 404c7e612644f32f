package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.ScanResult;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ConcurrentDatabaseReload no} over real sockets (clamd 1.4.6's blocking reload): the reload waits for
 * the scans in flight, releases the old engine before it loads the new one (so the daemon never holds two),
 * and scans issued meanwhile wait and are answered by the new engine. A failed blocking load leaves no engine:
 * scans answer ERROR (fail closed) until a reload succeeds.
 */
class BlockingReloadTest {
    private static final int ROUNDS = 600;
    private static final long ROUND_MILLIS = 50;

    @TempDir Path tmp;

    private static String ask(TestDaemon d, String req) throws Exception {
        return EngineReloadTest.ask(d, req);
    }

    private static void await(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        for (int i = 0; i < ROUNDS && !cond.getAsBoolean(); i++) Thread.sleep(ROUND_MILLIS);
        assertTrue(cond.getAsBoolean(), what);
    }

    /** A weak reference to the lease's engine, made here so no caller frame holds the engine itself. */
    private static WeakReference<Engine> weak(EngineHolder.Lease lease) {
        return new WeakReference<>(lease.engine());
    }

    @Test
    void scansWaitTheOldEngineIsReleasedBeforeTheNewOneLoads() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        Path target = Files.writeString(fx.files.resolve("gen1.txt"), "has generation-1-marker in it");
        Path clean = fx.file("clean.txt");
        byte[] bytes = Files.readAllBytes(target);
        AtomicBoolean hold = new AtomicBoolean();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<EngineHolder> holder = new AtomicReference<>();
        AtomicReference<WeakReference<Engine>> old = new AtomicReference<>();
        AtomicBoolean engineWhileLoading = new AtomicBoolean(true);
        AtomicBoolean oldReachableWhileLoading = new AtomicBoolean(true);
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "ConcurrentDatabaseReload no\n", cfg -> {
            assertFalse(cfg.concurrentDatabaseReload());
            EngineHolder h = new EngineHolder(List.of(cfg.databaseDirectory()), cfg.loadOptions(), cfg.concurrentDatabaseReload(), sources -> {
                if (hold.get()) {
                    // what the holder has while the new engine is built: nothing, and the old engine is garbage
                    engineWhileLoading.set(holder.get().hasEngine());
                    try {
                        oldReachableWhileLoading.set(!EngineLifecycleTest.collected(List.of(old.get())));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    loading.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return Engine.load(sources, cfg.loadOptions());
            });
            holder.set(h);
            return h;
        })) {
            assertEquals(clean + ": OK\0", ask(d, "zSCAN " + clean + "\0")); // a clean-cache entry for the old engine
            EngineHolder.Lease lease = d.daemon.engines().acquire(); // a scan in flight on the old engine
            old.set(weak(lease));
            signature(fx);
            hold.set(true);
            assertEquals("RELOADING\0", ask(d, "zRELOAD\0"));
            await(() -> d.daemon.engines().blockingReloadInProgress(), "the blocking reload did not close the gate");
            // a scan issued now: it enters the service and waits at the gate
            AtomicReference<String> answer = new AtomicReference<>();
            Thread client = Thread.ofPlatform().start(() -> {
                try {
                    answer.set(ask(d, "zSCAN " + target + "\0"));
                } catch (Exception e) {
                    answer.set(e.toString());
                }
            });
            await(() -> d.daemon.service().activeTasks().size() == 1, "the scan did not reach the service");
            // the reload waits for the scan in flight, which still has (and can use) the old engine
            assertEquals(1, loading.getCount(), "the new engine was loaded while a scan used the old one");
            assertEquals(ScanResult.Status.CLEAN, lease.engine().scan(bytes, d.daemon.service().options(false)).status());
            assertNull(answer.get(), "a scan was answered during the blocking reload");
            lease.close();
            lease = null;
            assertNull(lease);
            assertTrue(loading.await(60, TimeUnit.SECONDS), "the reload did not start loading after the last scan ended");
            assertFalse(engineWhileLoading.get(), "the holder still had an engine while the new one loaded");
            assertFalse(oldReachableWhileLoading.get(), "the old engine was reachable while the new one loaded");
            assertNull(answer.get(), "a scan was answered while the new engine loaded");
            assertTrue(client.isAlive());
            long requests = d.daemon.engines().heapTrimRequests();
            release.countDown();
            client.join(60_000);
            assertEquals(target + ": Bulwark.Gen1.UNOFFICIAL FOUND\0", answer.get(), "the waiting scan must get the new engine");
            assertEquals(EngineHolder.Outcome.SWAPPED, d.daemon.engines().lastReload().outcome());
            // trim13: the load's garbage is given back as after the first load (asked once the reload returns)
            await(() -> d.daemon.engines().heapTrimRequests() == requests + 1, "no heap trim asked after the blocking reload");
            assertFalse(d.daemon.engines().blockingReloadInProgress());
            assertEquals(clean + ": OK\0", ask(d, "zSCAN " + clean + "\0"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFailedBlockingReloadLeavesNoEngineAndScansFailUntilAGoodReload() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        Path eicar = fx.file("eicar.com");
        Path clean = fx.file("clean.txt");
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db,
                "ConcurrentDatabaseReload no\nBulwarkIcapPort 0\nBulwarkRestPort 0\n")) {
            assertEquals(clean + ": OK\0", ask(d, "zSCAN " + clean + "\0"));
            assertTrue(d.daemon.service().cache().size() >= 1);
            Path broken = Files.writeString(fx.db.resolve("broken.ndb"), "Broken:0:*:zz-not-hex\n");
            d.daemon.reload();
            EngineHolder.ReloadResult r = d.daemon.engines().lastReload();
            assertEquals(EngineHolder.Outcome.FAILED, r.outcome());
            assertTrue(r.message().contains("broken.ndb") && r.message().contains("already released"), r.message());
            assertFalse(d.daemon.engines().hasEngine());
            assertEquals(0, d.daemon.service().cache().size(), "no cached verdict may outlive the engine");
            // fail closed: no OK for anything, the daemon itself still answers
            assertEquals(clean + ": " + EngineHolder.NO_ENGINE + " ERROR\0", ask(d, "zSCAN " + clean + "\0"));
            assertEquals(eicar + ": " + EngineHolder.NO_ENGINE + " ERROR\0", ask(d, "zSCAN " + eicar + "\0"));
            assertEquals("PONG\0", ask(d, "zPING\0"));
            assertEquals("ClamAV 1.4.6\0", ask(d, "zVERSION\0"));
            // the other front doors still answer their status requests
            assertTrue(icapOptions(d.daemon.icapPort()).startsWith("ICAP/1.0 200"), "ICAP OPTIONS without an engine");
            var http = java.net.http.HttpClient.newHttpClient();
            var metrics = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + d.daemon.restPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode(), metrics.body());
            Files.delete(broken);
            d.daemon.reload();
            assertEquals(EngineHolder.Outcome.SWAPPED, d.daemon.engines().lastReload().outcome());
            assertEquals(eicar + ": Eicar-Test-Signature.UNOFFICIAL FOUND\0", ask(d, "zSCAN " + eicar + "\0"));
            assertEquals(clean + ": OK\0", ask(d, "zSCAN " + clean + "\0"));
        }
    }

    /** The status line of an ICAP OPTIONS reply. */
    private static String icapOptions(int port) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("OPTIONS icap://127.0.0.1:" + port + "/avscan ICAP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
        }
    }

    private static void signature(Fixtures fx) throws Exception {
        Files.writeString(fx.db.resolve("gen.ndb"), "Bulwark.Gen1:0:*:" + Fixtures.hex("generation-1-marker") + "\n");
    }
}
