package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clean-file cache seen from real clients: hits are read from {@code /metrics}, verdicts from the
 * replies. Every front door (INSTREAM, SCAN/CONTSCAN/MULTISCAN via clamdscan, ICAP via c-icap-client,
 * REST) is served from the cache on the second scan of the same clean content.
 */
class CleanCacheTest {
    @TempDir Path tmp;
    static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void secondScanOfCleanContentIsAHitOnEveryProtocol() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "BulwarkRestPort 0\nBulwarkIcapPort 0\n")) {
            byte[] clean = "some clean stream content\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals("stream: OK", instream(d, clean));
            assertEquals(0, metric(d, "bulwark_cache_hits_total"));
            assertEquals(1, metric(d, "bulwark_cache_entries"));
            assertEquals("stream: OK", instream(d, clean));
            assertEquals(1, metric(d, "bulwark_cache_hits_total"));

            // path scans: SCAN from a Java socket, then clamdscan (CONTSCAN) and clamdscan -m (MULTISCAN)
            Path f = fx.file("clean.txt");
            assertEquals(f + ": OK", command(d, "zSCAN " + f));
            assertEquals(f + ": OK", command(d, "zSCAN " + f));
            assertEquals(2, metric(d, "bulwark_cache_hits_total"));
            if (have("clamdscan")) {
                Path conf = d.clientConf(tmp, false);
                Path dir = fx.file("cleandir");
                assertTrue(clamdscan(conf, dir.toString()).contains(dir + ": OK"));
                long h = metric(d, "bulwark_cache_hits_total");
                assertEquals(2, h, "first scan of cleandir: misses only");
                assertTrue(clamdscan(conf, "-m", dir.toString()).contains(dir + ": OK"));
                assertEquals(h + 2, metric(d, "bulwark_cache_hits_total"));
            }

            // ALLMATCHSCAN scans with other options: a miss, not the SCAN entry
            long before = metric(d, "bulwark_cache_hits_total");
            assertEquals(f + ": OK", command(d, "zALLMATCHSCAN " + f));
            assertEquals(before, metric(d, "bulwark_cache_hits_total"));

            // REST: the same bytes as the INSTREAM above hit that entry (same options)
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.daemon.restPort() + "/api/v1/scan"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(clean)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(before + 1, metric(d, "bulwark_cache_hits_total"));

            // ICAP: a response body scanned twice
            if (Files.isExecutable(Path.of("/usr/bin/c-icap-client"))) {
                Path body = Files.writeString(tmp.resolve("page.html"), "<html>a clean page for icap</html>\n");
                List<String> icap = List.of("c-icap-client", "-i", "127.0.0.1", "-p", "" + d.daemon.icapPort(), "-s", "avscan",
                        "-f", body.toString(), "-v");
                assertTrue(run(icap).contains("ICAP/1.0 204"));
                long h = metric(d, "bulwark_cache_hits_total");
                assertTrue(run(icap).contains("ICAP/1.0 204"));
                assertEquals(h + 1, metric(d, "bulwark_cache_hits_total"));
            }
        }
    }

    @Test
    void infectedIsNeverCachedAndReloadDropsTheCache() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "BulwarkRestPort 0\n")) {
            byte[] eicar = Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 3; i++) assertEquals("stream: Eicar-Test-Signature.UNOFFICIAL FOUND", instream(d, eicar));
            assertEquals(0, metric(d, "bulwark_cache_hits_total"));
            assertEquals(0, metric(d, "bulwark_cache_entries"));

            byte[] later = "content a later signature detects\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals("stream: OK", instream(d, later));
            assertEquals("stream: OK", instream(d, later));
            assertEquals(1, metric(d, "bulwark_cache_hits_total"));
            assertEquals(1, metric(d, "bulwark_cache_entries"));

            Files.writeString(fx.db.resolve("later.ndb"), "Bulwark.Test.Later:0:*:" + Fixtures.hex("a later signature") + "\n");
            long sigs = metric(d, "bulwark_database_signatures");
            assertEquals("RELOADING", command(d, "zRELOAD"));
            for (int i = 0; i < 300 && metric(d, "bulwark_database_signatures") == sigs; i++) Thread.sleep(100);
            assertEquals(sigs + 1, metric(d, "bulwark_database_signatures"), "reload did not happen");
            // the reload thread publishes the new engine and then empties the cache: allow it to finish
            for (int i = 0; i < 100 && metric(d, "bulwark_cache_entries") != 0; i++) Thread.sleep(100);
            assertEquals(0, metric(d, "bulwark_cache_entries"));
            assertEquals("stream: Bulwark.Test.Later.UNOFFICIAL FOUND", instream(d, later));
            assertEquals(1, metric(d, "bulwark_cache_hits_total"));
        }
    }

    @Test
    void disableCacheYesTurnsItOff() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "BulwarkRestPort 0\nDisableCache yes\n")) {
            byte[] clean = "clean\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 3; i++) assertEquals("stream: OK", instream(d, clean));
            assertEquals(0, metric(d, "bulwark_cache_capacity"));
            assertEquals(0, metric(d, "bulwark_cache_hits_total"));
            assertEquals(0, metric(d, "bulwark_cache_entries"));
        }
    }

    @Test
    void lruBoundHolds() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "BulwarkRestPort 0\nBulwarkCacheSize 3\n")) {
            for (int i = 0; i < 5; i++) assertEquals("stream: OK", instream(d, ("object " + i).getBytes(StandardCharsets.US_ASCII)));
            assertEquals(3, metric(d, "bulwark_cache_entries"));
            assertEquals(0, metric(d, "bulwark_cache_hits_total"));
            instream(d, "object 4".getBytes(StandardCharsets.US_ASCII)); // most recent: kept
            assertEquals(1, metric(d, "bulwark_cache_hits_total"));
            instream(d, "object 0".getBytes(StandardCharsets.US_ASCII)); // least recent: evicted
            assertEquals(1, metric(d, "bulwark_cache_hits_total"));
            assertEquals(3, metric(d, "bulwark_cache_entries"));
        }
    }

    // ---- clients -------------------------------------------------------------------------------

    static String instream(TestDaemon d, byte[] data) throws Exception {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
        req.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        req.writeBytes(data);
        req.writeBytes(new byte[4]);
        return reply(RealClamd.exchange(d.port(), req.toByteArray(), 20_000));
    }

    static String command(TestDaemon d, String cmd) throws Exception {
        return reply(RealClamd.exchange(d.port(), (cmd + "\0").getBytes(StandardCharsets.UTF_8), 20_000));
    }

    private static String reply(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.endsWith("\0") ? s.substring(0, s.length() - 1) : s;
    }

    static long metric(TestDaemon d, String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.daemon.restPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)$").matcher(body);
        assertTrue(m.find(), name + " missing in /metrics");
        return Long.parseLong(m.group(1));
    }

    static boolean have(String tool) {
        return Files.isExecutable(Path.of("/usr/bin/" + tool));
    }

    static String clamdscan(Path conf, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("clamdscan", "--config-file=" + conf, "--no-summary"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
