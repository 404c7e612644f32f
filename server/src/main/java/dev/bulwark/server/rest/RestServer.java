package dev.bulwark.server.rest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import dev.bulwark.engine.Detection;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.server.Daemon;
import dev.bulwark.server.Log;
import dev.bulwark.server.PathPolicy;
import dev.bulwark.server.ScanService;
import dev.bulwark.server.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The REST API (JSON): {@code POST /api/v1/scan} (raw body or multipart, streamed), {@code /api/v1/scan-path}
 * (server-side path inside the configured roots), {@code /api/v1/version}, {@code /api/v1/health},
 * {@code POST /api/v1/reload}, {@code /api/v1/openapi.json}, {@code /metrics} (Prometheus), and the
 * Kaspersky Scan Engine compatible {@code /api/v3.0/…} endpoints. Non-loopback clients need the
 * bearer token ({@code BulwarkRestToken}); without a token only loopback clients are served.
 */
public final class RestServer implements AutoCloseable {
    /** Bytes read from a JSON request body: base64 of StreamMaxLength plus the envelope is checked separately. */
    static final int MAX_JSON_SMALL = 64 * 1024;

    private final ScanService service;
    private final PathPolicy policy;
    private final Daemon daemon;
    private final Log log;
    private final KasperskyApi kav;
    private HttpServer http;
    private ExecutorService executor;

    public RestServer(ScanService service, PathPolicy policy, Daemon daemon, Log log) {
        this.service = service;
        this.policy = policy;
        this.daemon = daemon;
        this.log = log;
        this.kav = new KasperskyApi(this);
    }

    ScanService service() { return service; }
    PathPolicy policy() { return policy; }

    public int start() throws IOException {
        var cfg = service.config();
        // The JDK server's own bounds (read once, when its first server is created): a request must arrive
        // within ReadTimeout, a response be taken within ReadTimeout, at most MaxQueue connections.
        setIfAbsent("sun.net.httpserver.maxReqTime", String.valueOf(Math.max(1, cfg.readTimeoutSec())));
        setIfAbsent("sun.net.httpserver.maxRspTime", String.valueOf(Math.max(1, cfg.readTimeoutSec())));
        setIfAbsent("sun.net.httpserver.maxConnections", String.valueOf(cfg.maxQueue()));
        setIfAbsent("sun.net.httpserver.idleInterval", String.valueOf(Math.max(1, cfg.idleTimeoutSec())));
        InetSocketAddress addr = new InetSocketAddress(cfg.restAddr(), cfg.restPort());
        if (cfg.restKeystore() != null) {
            HttpsServer https = HttpsServer.create(addr, cfg.maxConnectionQueueLength());
            https.setHttpsConfigurator(new HttpsConfigurator(tls(cfg.restKeystore(), cfg.restKeystorePassword())));
            http = https;
        } else {
            http = HttpServer.create(addr, cfg.maxConnectionQueueLength());
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        // handlers wait until the daemon is ready (root dropped for User), as the clamd and ICAP accept loops do
        http.setExecutor(task -> executor.execute(() -> {
            try {
                service.awaitOpen();
            } catch (InterruptedException e) {
                return;
            }
            task.run();
        }));
        http.createContext("/", this::dispatch);
        http.start();
        return http.getAddress().getPort();
    }

    /** TLS from a standard keystore (PKCS12 or JKS, by content) holding the server key and certificate. */
    static SSLContext tls(Path keystore, String password) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance(keystore.toFile(), password.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot use keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }

    private void dispatch(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                route(ex);
            } catch (RuntimeException | InterruptedException e) {
                // inside try (ex): the exchange is still open, so the client gets the 500 (before, the catch ran
                // after try-with-resources had closed it and the client got an empty reply)
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                log.error("REST request failed", "error", String.valueOf(e));
                try {
                    json(ex, 500, Json.obj("error", String.valueOf(e.getMessage())));
                } catch (IOException | RuntimeException ignored) {
                    // response already started
                }
            }
        }
    }

    private void route(HttpExchange ex) throws IOException, InterruptedException {
        if (!authorized(ex)) return;
        String path = ex.getRequestURI().getPath();
        String m = ex.getRequestMethod();
        switch (path) {
            case "/api/v1/health" -> json(ex, 200, Json.obj("status", "ok"));
            case "/api/v1/version" -> json(ex, 200, versionInfo());
            case "/api/v1/scan" -> {
                if (!m.equals("POST")) { methodNotAllowed(ex, "POST"); return; }
                scanUpload(ex);
            }
            case "/api/v1/scan-path" -> scanPath(ex);
            case "/api/v1/reload" -> {
                if (!m.equals("POST")) { methodNotAllowed(ex, "POST"); return; }
                daemon.reload();
                var r = service.engines().lastReload();
                json(ex, r.outcome() == dev.bulwark.server.EngineHolder.Outcome.FAILED ? 500 : 200,
                        Json.obj("outcome", r.outcome().name(), "message", r.message()));
            }
            case "/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                    service.metrics().prometheus(service.engines().currentOrNull()).getBytes(StandardCharsets.UTF_8));
            case "/api/v1/openapi.json" -> {
                try (InputStream in = RestServer.class.getResourceAsStream("openapi.json")) {
                    send(ex, 200, "application/json", in.readAllBytes());
                }
            }
            default -> {
                if (path.startsWith("/api/v3.0/") || path.startsWith("/api/v3.1/")) kav.handle(ex, path.substring(10));
                else json(ex, 404, Json.obj("error", "not found", "path", path));
            }
        }
    }

    /** Loopback clients may call without a token; others must present {@code Authorization: Bearer <token>}. */
    private boolean authorized(HttpExchange ex) throws IOException {
        InetAddress a = ex.getRemoteAddress().getAddress();
        String token = service.config().restToken();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (bearer(ex)) return true;
        if (a.isLoopbackAddress() && auth == null) {
            // loopback is trusted, but a browser on this host is loopback too: a page from another origin must not
            // drive the API (CSRF: a form or no-cors fetch POSTs /api/v1/reload or a scan without a preflight; DNS
            // rebinding: attacker.example resolving to 127.0.0.1 reads the replies as same-origin)
            String why = browserRefusal(ex.getRequestHeaders());
            if (why == null) return true;
            log.warn("REST request refused", "reason", why, "path", ex.getRequestURI().getRawPath());
            json(ex, 403, Json.obj("error", why));
            return false;
        }
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"bulwark\"");
        json(ex, 401, Json.obj("error", token == null ? "remote clients need a configured BulwarkRestToken" : "bearer token required"));
        return false;
    }

    /**
     * Why a token-less loopback request is refused as coming from a browser page of another origin, or null:
     * a {@code Host} that is not a loopback name or address (DNS rebinding), an {@code Origin} other than the
     * API's own ({@code null} included), a {@code Sec-Fetch-Site} other than {@code same-origin}/{@code none}.
     * Non-browser clients (curl, scripts, exporters) send none of these and are not affected.
     */
    static String browserRefusal(com.sun.net.httpserver.Headers h) {
        String host = h.getFirst("Host");
        if (host != null && !loopbackHost(host)) return "Host header names no loopback address: " + host;
        String origin = h.getFirst("Origin");
        if (origin != null) {
            String o = origin.toLowerCase(java.util.Locale.ROOT);
            String own = host == null ? null : host.toLowerCase(java.util.Locale.ROOT);
            if (own == null || !(o.equals("http://" + own) || o.equals("https://" + own))) {
                return "cross-origin request refused (Origin " + origin + ")";
            }
        }
        String site = h.getFirst("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return "cross-site request refused (Sec-Fetch-Site " + site + ")";
        }
        return null;
    }

    /** {@code host[:port]} names this machine through loopback: localhost, a loopback literal, or the host name. */
    static boolean loopbackHost(String hostPort) {
        String h = hostPort.trim().toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[")) {
            int e = h.indexOf(']');
            if (e < 0) return false;
            h = h.substring(1, e);
        } else {
            int c = h.lastIndexOf(':');
            if (c >= 0) h = h.substring(0, c);
        }
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (h.equals("localhost") || h.endsWith(".localhost")) return true;
        if (h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) return true;
        if (h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) return true;
        return h.equals(LOCAL_HOSTNAME);
    }

    /** This machine's own name (Debian maps it to 127.0.1.1): a rebinding page cannot make a browser send it. */
    private static final String LOCAL_HOSTNAME = localHostname();

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        } catch (IOException e) {
            return "localhost";
        }
    }

    Map<String, Object> versionInfo() {
        var l = service.engines().current();
        var db = l.engine().database();
        Map<String, Object> dbm = new LinkedHashMap<>();
        dbm.put("signatures", db.signatureCount());
        dbm.put("version", db.version());
        dbm.put("buildTime", db.buildTime() == null ? null : db.buildTime().toString());
        dbm.put("fingerprint", db.fingerprint());
        dbm.put("loadedAt", l.loadedAt().toString());
        dbm.put("sources", db.sources());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("product", "Bulwark");
        m.put("version", "0.1.0");
        m.put("clamdVersion", service.config().versionString());
        m.put("database", dbm);
        return m;
    }

    private void scanUpload(HttpExchange ex) throws IOException, InterruptedException {
        long max = service.config().streamMaxLength();
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        String boundary = MultipartReader.boundary(ct);
        List<Object> results = new ArrayList<>();
        if (boundary != null) {
            MultipartReader mr = new MultipartReader(ex.getRequestBody(), boundary);
            while (true) {
                try (Spool spool = new Spool(service.config().temporaryDirectory())) {
                    MultipartReader.Part p;
                    try {
                        p = mr.next(spool, max);
                    } catch (MultipartReader.TooLarge e) {
                        json(ex, 413, Json.obj("error", "upload larger than StreamMaxLength (" + max + " bytes)"));
                        return;
                    } catch (IOException e) {
                        json(ex, 400, Json.obj("error", e.getMessage()));
                        return;
                    }
                    if (p == null) break;
                    if (p.filename() == null) continue; // a plain form field, not a file
                    String sha = spool.sha256();
                    ScanResult r = service.scanSpool(spool, false, "rest", "REST");
                    results.add(resultJson(p.filename(), r, sha));
                }
            }
        } else {
            try (Spool spool = new Spool(service.config().temporaryDirectory()); InputStream in = ex.getRequestBody()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (spool.size() + n > max) {
                        json(ex, 413, Json.obj("error", "body larger than StreamMaxLength (" + max + " bytes)"));
                        return;
                    }
                    spool.write(buf, 0, n);
                }
                String sha = spool.sha256();
                ScanResult r = service.scanSpool(spool, false, "rest", "REST");
                String name = ex.getRequestHeaders().getFirst("X-File-Name");
                results.add(resultJson(name == null ? "stream" : name, r, sha));
            }
        }
        boolean infected = results.stream().anyMatch(o -> "INFECTED".equals(((Map<?, ?>) o).get("verdict")));
        json(ex, 200, Json.obj("infected", infected, "results", results));
    }

    private void scanPath(HttpExchange ex) throws IOException, InterruptedException {
        String q = ex.getRequestURI().getRawQuery();
        String p = null;
        if (q != null) {
            for (String kv : q.split("&")) {
                if (kv.startsWith("path=")) p = java.net.URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8);
            }
        }
        if (p == null && ex.getRequestMethod().equals("POST")) {
            try {
                Object o = Json.parse(new String(ex.getRequestBody().readNBytes(MAX_JSON_SMALL), StandardCharsets.UTF_8));
                if (o instanceof Map<?, ?> m && m.get("path") instanceof String s) p = s;
            } catch (Json.ParseException e) {
                json(ex, 400, Json.obj("error", e.getMessage()));
                return;
            }
        }
        Path path = pathOrNull(p);
        if (path == null || !path.isAbsolute()) {
            json(ex, 400, Json.obj("error", "an absolute 'path' is required (one the file system can name: no NUL)"));
            return;
        }
        if (!policy.allows(path)) {
            // missing is told only inside the roots: outside them a missing file looks like an existing one
            if (policy.missingInside(path)) json(ex, 404, Json.obj("error", "no such file", "path", p));
            else json(ex, 403, Json.obj("error", "path outside the configured scan roots", "path", p));
            return;
        }
        ScanResult r;
        try {
            r = scanOnce(path, false, "rest", "REST");
        } catch (java.nio.file.NoSuchFileException e) {
            json(ex, 404, Json.obj("error", "no such file", "path", p)); // (gone since the check: inside the roots)
            return;
        }
        if (r == OUTSIDE) {
            json(ex, 403, Json.obj("error", "path outside the configured scan roots", "path", p));
            return;
        }
        if (r == NOT_REGULAR) {
            json(ex, 400, Json.obj("error", "not a regular file (directories: use the clamd protocol)", "path", p));
            return;
        }
        Map<String, Object> m = resultJson(p, r, null);
        if (!bearer(ex)) {
            // (toctou20) clamd answers a path scan with the verdict alone; a token-less loopback client (any local user)
            // must not learn the size or digest of a file the daemon's user can read and it perhaps cannot: those
            // (and what tells them: bytes scanned, layers, time) only with the bearer token
            m.keySet().retainAll(List.of("name", "verdict", "detections", "error"));
        }
        json(ex, 200, Json.obj("infected", r.infected(), "results", List.of(m)));
    }

    /**
     * Whether the request carries the configured bearer token (compared in constant time). (Not an exchange attribute:
     * the JDK server keeps those per context, shared by every request.)
     */
    private boolean bearer(HttpExchange ex) {
        String token = service.config().restToken();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        return token != null && auth != null && MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
                ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
    }

    /** What {@link #scanOnce} returns for a file that proved to lie outside the roots, or not to be a regular file. */
    static final ScanResult OUTSIDE = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, "outside", 0, null);
    static final ScanResult NOT_REGULAR = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, "not regular", 0, null);

    /**
     * (toctou20) Scans the file {@code path} names, opened once: what was opened must lie inside the roots and be a
     * regular file ({@link #OUTSIDE}, {@link #NOT_REGULAR}), and that open file is scanned, never the name again (see
     * {@code OpenedFiles}; without it, Java 21, by its real path as before).
     */
    ScanResult scanOnce(Path path, boolean allMatch, String protocol, String command) throws IOException, InterruptedException {
        if (!dev.bulwark.server.clamd.OpenedFiles.available()) {
            Path real = path.toRealPath();
            if (!policy.allowsReal(real)) return OUTSIDE;
            if (!Files.isRegularFile(real)) return NOT_REGULAR;
            return service.scanFile(real, allMatch, protocol, command);
        }
        try (dev.bulwark.server.clamd.OpenedFiles.Opened o = dev.bulwark.server.clamd.OpenedFiles.open(path, false)) {
            Path real = o.real();
            if (!policy.allowsReal(real)) return OUTSIDE;
            if (!o.regular()) return NOT_REGULAR;
            return service.scanOpened(o.procPath(), real.toString(), allMatch, protocol, command);
        } catch (java.nio.file.AccessDeniedException e) {
            return OUTSIDE; // (a component the daemon cannot search: as the check before the open says)
        }
    }

    /** {@code p} as a path, or null when there is none or the file system cannot name it (a NUL in it). */
    static Path pathOrNull(String p) {
        if (p == null) return null;
        try {
            return Path.of(p);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    static Map<String, Object> resultJson(String name, ScanResult r, String sha256) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("verdict", r.status().name());
        List<Object> ds = new ArrayList<>();
        for (Detection d : r.detections()) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("name", d.name());
            dm.put("path", d.path());
            dm.put("weak", d.weak());
            ds.add(dm);
        }
        m.put("detections", ds);
        m.put("size", r.size());
        if (sha256 != null) m.put("sha256", sha256);
        if (r.tree() != null && r.tree().sha256() != null) m.put("sha256", r.tree().sha256());
        m.put("bytesScanned", r.bytesScanned());
        m.put("layers", r.layers());
        m.put("millis", r.nanos() / 1_000_000.0);
        if (r.error() != null) m.put("error", r.error());
        return m;
    }

    static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) ex.getResponseBody().write(body);
    }

    private static void methodNotAllowed(HttpExchange ex, String allow) throws IOException {
        ex.getResponseHeaders().set("Allow", allow);
        json(ex, 405, Json.obj("error", "method not allowed"));
    }

    @Override
    public void close() {
        if (http != null) http.stop(0);
        if (executor != null) executor.shutdownNow();
    }
}
