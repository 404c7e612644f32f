package dev.bulwark.server.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.TestDaemon;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API and the Kaspersky-compatible endpoints, driven with java.net.http and curl. */
class RestApiTest {
    static final String EICAR_SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
    @TempDir static Path tmp;
    static Fixtures fx;
    static TestDaemon bulwark;
    static String base;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        fx = new Fixtures(tmp);
        Files.createSymbolicLink(fx.files.resolve("escape"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(fx.files.resolve("inside-link"), fx.files.resolve("eicar.com"));
        bulwark = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db,
                "BulwarkRestPort 0\nStreamMaxLength 1M\nBulwarkScanRoot " + fx.files + "\n");
        base = "http://127.0.0.1:" + bulwark.daemon.restPort();
    }

    @AfterAll
    static void stop() {
        if (bulwark != null) bulwark.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, byte[] body, String type) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(HttpResponse<String> r) throws Exception {
        return (Map<String, Object>) Json.parse(r.body());
    }

    @Test
    void healthAndVersion() throws Exception {
        assertEquals(200, get("/api/v1/health").statusCode());
        Map<String, Object> v = json(get("/api/v1/version"));
        assertEquals("Bulwark", v.get("product"));
        assertEquals(2.0, ((Map<?, ?>) v.get("database")).get("signatures"));
    }

    @Test
    void scanRawBody() throws Exception {
        HttpResponse<String> r = post("/api/v1/scan", Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1), "application/octet-stream");
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> j = json(r);
        assertEquals(Boolean.TRUE, j.get("infected"));
        Map<?, ?> res = (Map<?, ?>) ((List<?>) j.get("results")).get(0);
        assertEquals("INFECTED", res.get("verdict"));
        assertEquals(EICAR_SHA256, res.get("sha256"));
        assertEquals("Eicar-Test-Signature.UNOFFICIAL", ((Map<?, ?>) ((List<?>) res.get("detections")).get(0)).get("name"));
        Map<String, Object> clean = json(post("/api/v1/scan", "nothing here".getBytes(StandardCharsets.US_ASCII), "application/octet-stream"));
        assertEquals(Boolean.FALSE, clean.get("infected"));
    }

    @Test
    void scanMultipartWithCurl() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")));
        Process p = new ProcessBuilder("curl", "-s", "-F", "a=@" + fx.file("eicar.com"), "-F", "note=hello",
                "-F", "b=@" + fx.file("clean.txt"), "-F", "c=@" + fx.file("sub/body.bin"), base + "/api/v1/scan").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Json.parse(out);
        List<?> results = (List<?>) j.get("results");
        assertEquals(3, results.size(), out);
        assertEquals(List.of("INFECTED", "CLEAN", "INFECTED"), results.stream().map(o -> ((Map<?, ?>) o).get("verdict")).toList());
        assertEquals(List.of("eicar.com", "clean.txt", "body.bin"), results.stream().map(o -> ((Map<?, ?>) o).get("name")).toList());
        assertEquals(EICAR_SHA256, ((Map<?, ?>) results.get(0)).get("sha256"));
    }

    @Test
    void oversizedUploadIs413() throws Exception {
        assertEquals(413, post("/api/v1/scan", new byte[(1 << 20) + 1], "application/octet-stream").statusCode());
        assertEquals(200, post("/api/v1/scan", new byte[1 << 20], "application/octet-stream").statusCode());
    }

    @Test
    void pathScansAreConfinedToTheRoots() throws Exception {
        Map<String, Object> ok = json(get("/api/v1/scan-path?path=" + fx.file("eicar.com")));
        assertEquals(Boolean.TRUE, ok.get("infected"));
        assertEquals(200, get("/api/v1/scan-path?path=" + fx.file("inside-link")).statusCode());
        assertEquals(403, get("/api/v1/scan-path?path=/etc/passwd").statusCode());
        assertEquals(403, get("/api/v1/scan-path?path=" + fx.file("escape")).statusCode(), "symlink out of the root");
        assertEquals(403, get("/api/v1/scan-path?path=" + fx.files + "/../../../etc/passwd").statusCode());
        assertEquals(404, get("/api/v1/scan-path?path=" + fx.file("nope")).statusCode());
        assertEquals(400, get("/api/v1/scan-path?path=relative").statusCode());
    }

    @Test
    void whetherAPathOutsideTheRootsExistsIsNotTold() throws Exception {
        // a loopback client needs no token: any local user could otherwise probe the daemon user's view of
        // the file system (403 for an existing file outside the roots, 404 for a missing one)
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "x");
        Path probes = Files.createDirectories(fx.files.resolve("probes"));
        Files.createSymbolicLink(probes.resolve("to-secret"), outside.resolve("secret"));
        Files.createSymbolicLink(probes.resolve("to-missing"), outside.resolve("missing"));
        Files.createSymbolicLink(probes.resolve("dir-link"), outside);
        for (String[] pair : new String[][] {
                {outside.resolve("secret").toString(), outside.resolve("missing").toString()},
                {probes.resolve("to-secret").toString(), probes.resolve("to-missing").toString()},
                {probes.resolve("dir-link/secret").toString(), probes.resolve("dir-link/missing").toString()},
                {fx.files + "/../outside/secret", fx.files + "/../outside/missing"}}) {
            HttpResponse<String> there = get("/api/v1/scan-path?path=" + pair[0]), missing = get("/api/v1/scan-path?path=" + pair[1]);
            assertEquals(403, there.statusCode(), pair[0]);
            assertEquals(403, missing.statusCode(), pair[1] + ": " + missing.body());
            Object kavThere = json(post("/api/v3.0/scanfile", ("{\"object\":\"" + pair[0] + "\"}").getBytes(StandardCharsets.UTF_8),
                    "application/json")).get("scanResult");
            Object kavMissing = json(post("/api/v3.0/scanfile", ("{\"object\":\"" + pair[1] + "\"}").getBytes(StandardCharsets.UTF_8),
                    "application/json")).get("scanResult");
            assertEquals("NON_SCANNED (ACCESS DENIED)", kavThere, pair[0]);
            assertEquals(kavThere, kavMissing, pair[1]);
        }
        // inside the roots a missing file is still 404 (and NON_SCANNED), through a link too
        Files.createSymbolicLink(probes.resolve("in-missing"), fx.files.resolve("nope"));
        assertEquals(404, get("/api/v1/scan-path?path=" + fx.file("sub/nope")).statusCode());
        assertEquals(404, get("/api/v1/scan-path?path=" + probes.resolve("in-missing")).statusCode());
        assertEquals("NON_SCANNED", json(post("/api/v3.0/scanfile", ("{\"object\":\"" + fx.file("sub/nope") + "\"}")
                .getBytes(StandardCharsets.UTF_8), "application/json")).get("scanResult"));
    }

    @Test
    void aPathTheFileSystemCannotNameIsA400WithAJsonError() throws Exception {
        // a NUL in the path: before, the handler's exception reached a catch that answered on an exchange
        // already closed by try-with-resources, so the client got an empty reply (no status at all)
        HttpResponse<String> r = post("/api/v1/scan-path", "{\"path\":\"/tmp/a\\u0000b\"}".getBytes(StandardCharsets.US_ASCII),
                "application/json");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(json(r).get("error").toString().contains("path"), r.body());
        assertEquals(400, get("/api/v1/scan-path?path=%2Ftmp%2Fa%00b").statusCode());
        HttpResponse<String> k = post("/api/v3.0/scanfile", "{\"object\":\"/tmp/a\\u0000b\"}".getBytes(StandardCharsets.US_ASCII),
                "application/json");
        assertEquals(400, k.statusCode(), k.body());
        assertEquals(200, get("/api/v1/health").statusCode(), "still serving");
    }

    @Test
    void metricsInPrometheusFormat() throws Exception {
        post("/api/v1/scan", Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1), "application/octet-stream");
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String m = r.body();
        assertTrue(m.contains("bulwark_detections_total{name=\"Eicar-Test-Signature.UNOFFICIAL\"}"), m);
        assertTrue(m.contains("bulwark_scan_duration_seconds_bucket{le=\"+Inf\"}"), m);
        assertTrue(m.contains("bulwark_database_signatures 2"), m);
        for (String line : m.split("\n")) {
            assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{[^}]*\\})? [0-9.E+-]+"), line);
        }
    }

    @Test
    void kasperskyScanMemoryAndFile() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1));
        HttpResponse<String> r = post("/api/v3.0/scanmemory", ("{\"timeout\":\"10000\",\"object\":\"" + b64 + "\"}")
                .getBytes(StandardCharsets.US_ASCII), "application/octet-stream");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("3", r.headers().firstValue("X-KAV-ProtocolVersion").orElse(""));
        Map<String, Object> j = json(r);
        assertEquals("memory", j.get("object"));
        assertEquals("DETECT", j.get("scanResult"));
        assertEquals("Eicar-Test-Signature.UNOFFICIAL", j.get("detectionName"));
        String clean = Base64.getEncoder().encodeToString("clean".getBytes(StandardCharsets.US_ASCII));
        assertEquals("CLEAN", json(post("/api/v3.0/scanmemory", ("{\"object\":\"" + clean + "\"}").getBytes(StandardCharsets.US_ASCII),
                "application/json")).get("scanResult"));
        Map<String, Object> f = json(post("/api/v3.0/scanfile", ("{\"object\":\"" + fx.file("sub/body.bin") + "\"}")
                .getBytes(StandardCharsets.US_ASCII), "application/octet-stream"));
        assertEquals(fx.file("sub/body.bin").toString(), f.get("object"));
        assertEquals("DETECT", f.get("scanResult"));
        assertEquals("Bulwark.Test.Body.UNOFFICIAL", f.get("detectionName"));
        Map<String, Object> denied = json(post("/api/v3.0/scanfile", "{\"object\":\"/etc/passwd\"}".getBytes(StandardCharsets.US_ASCII), "application/json"));
        assertTrue(((String) denied.get("scanResult")).startsWith("NON_SCANNED"), denied.toString());
        assertEquals(400, post("/api/v3.0/scanmemory", "{not json".getBytes(StandardCharsets.US_ASCII), "application/json").statusCode());
    }

    @Test
    void kasperskyStatisticsAndInfo() throws Exception {
        assertEquals(200, post("/api/v3.0/clearstatistics", new byte[0], "application/json").statusCode());
        String b64 = Base64.getEncoder().encodeToString(Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1));
        post("/api/v3.0/scanmemory", ("{\"object\":\"" + b64 + "\"}").getBytes(StandardCharsets.US_ASCII), "application/json");
        Map<?, ?> s = (Map<?, ?>) json(get("/api/v3.0/getstatistics")).get("statistics");
        assertEquals(1.0, s.get("total_requests"));
        assertEquals(1.0, s.get("infected_requests"));
        assertEquals(68.0, s.get("processed_data"));
        assertTrue(json(get("/api/v3.0/basesdate")).get("databaseVersion").toString().matches("\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d GMT"));
        assertTrue(json(get("/api/v3.0/version")).containsKey("KAVSDKVersion"));
        assertEquals(405, get("/api/v3.0/scanmemory").statusCode());
    }

    @Test
    void openApiDocumentIsServed() throws Exception {
        Map<String, Object> doc = json(get("/api/v1/openapi.json"));
        assertEquals("3.0.3", doc.get("openapi"));
        Map<?, ?> paths = (Map<?, ?>) doc.get("paths");
        for (String p : List.of("/api/v1/scan", "/api/v1/scan-path", "/api/v1/version", "/api/v1/health", "/api/v1/reload",
                "/metrics", "/api/v3.0/scanmemory", "/api/v3.0/scanfile", "/api/v3.0/getstatistics")) {
            assertTrue(paths.containsKey(p), p);
        }
    }

    @Test
    void tlsFromAStandardKeystore() throws Exception {
        Path ks = tmp.resolve("rest.p12");
        Process kt = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "bulwark", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        kt.getInputStream().readAllBytes();
        assertEquals(0, kt.waitFor());
        try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("tls")), fx.db,
                "BulwarkRestPort 0\nBulwarkRestKeystore " + ks + "\nBulwarkRestKeystorePassword changeit\n")) {
            java.security.KeyStore trust = java.security.KeyStore.getInstance(ks.toFile(), "changeit".toCharArray());
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ctx).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + d.daemon.restPort() + "/api/v1/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("{\"status\":\"ok\"}", r.body());
        }
    }

    @Test
    void nonLoopbackClientsNeedTheBearerToken() throws Exception {
        InetAddress local = null;
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            if (!ni.isUp() || ni.isLoopback()) continue;
            for (InetAddress a : ni.inetAddresses().toList()) if (a instanceof Inet4Address) local = a;
        }
        Assumptions.assumeTrue(local != null, "no non-loopback IPv4 address");
        for (String token : new String[] {null, "s3cret"}) {
            try (TestDaemon d = new TestDaemon(Files.createDirectories(tmp.resolve("remote" + (token != null))), fx.db,
                    "BulwarkRestPort 0\nBulwarkRestAddr " + local.getHostAddress() + "\n" + (token != null ? "BulwarkRestToken " + token + "\n" : ""))) {
                String url = "http://" + local.getHostAddress() + ":" + d.daemon.restPort() + "/api/v1/health";
                assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
                assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer wrong").build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode());
                if (token != null) {
                    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode());
                }
            }
        }
    }

    /** A raw HTTP/1.1 request on a real socket, so Host, Origin and Sec-Fetch-Site are exactly what a browser sends. */
    static int rawStatus(String method, String path, String... headers) throws Exception {
        int port = bulwark.daemon.restPort();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            boolean host = false;
            for (String h : headers) {
                sb.append(h).append("\r\n");
                host |= h.regionMatches(true, 0, "Host:", 0, 5);
            }
            if (!host) sb.append("Host: 127.0.0.1:").append(port).append("\r\n");
            sb.append("Content-Type: text/plain\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
            s.getOutputStream().write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    /**
     * harden19: a browser page on another origin is a loopback client too. A form or no-cors fetch (a "simple"
     * request: no preflight) must not trigger a reload, a scan or clearstatistics, and a DNS-rebinding page
     * (its own host name resolving to 127.0.0.1) must not read replies. Before the fix every case below answered 200.
     */
    @Test
    void browserPagesOfOtherOriginsAreRefused() throws Exception {
        String own = "Host: 127.0.0.1:" + bulwark.daemon.restPort();
        // CSRF: cross-origin POSTs a browser sends without a preflight
        assertEquals(403, rawStatus("POST", "/api/v1/reload", "Origin: http://evil.example", "Sec-Fetch-Site: cross-site"));
        assertEquals(403, rawStatus("POST", "/api/v1/reload", "Origin: http://evil.example"));
        assertEquals(403, rawStatus("POST", "/api/v1/scan", "Origin: null"));
        assertEquals(403, rawStatus("POST", "/api/v3.0/clearstatistics", "Origin: http://localhost:3000"));
        // an <img src> or no-cors GET carries no Origin, but Sec-Fetch-Site
        assertEquals(403, rawStatus("GET", "/api/v1/scan-path?path=" + fx.files.resolve("eicar.com"), "Sec-Fetch-Site: cross-site"));
        // DNS rebinding: the browser names the attacker's host
        assertEquals(403, rawStatus("GET", "/api/v1/version", "Host: rebind.evil.example:" + bulwark.daemon.restPort()));
        // the API's own origin, a direct navigation, and clients that are no browser are served
        assertEquals(200, rawStatus("POST", "/api/v1/reload", own, "Origin: http://127.0.0.1:" + bulwark.daemon.restPort(),
                "Sec-Fetch-Site: same-origin"));
        assertEquals(200, rawStatus("GET", "/api/v1/health", "Host: localhost:" + bulwark.daemon.restPort(), "Sec-Fetch-Site: none"));
        assertEquals(200, rawStatus("GET", "/api/v1/health", "Host: [::1]:" + bulwark.daemon.restPort()));
        assertEquals(200, rawStatus("POST", "/api/v1/reload"));
        assertEquals(200, get("/api/v1/health").statusCode());
    }
}
