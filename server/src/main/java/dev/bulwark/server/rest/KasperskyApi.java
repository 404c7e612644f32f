package dev.bulwark.server.rest;

import com.sun.net.httpserver.HttpExchange;
import dev.bulwark.engine.Detection;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.server.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Kaspersky Scan Engine HTTP API (KAV protocol v3/v3.1) compatibility: {@code scanmemory} (base64 object),
 * {@code scanfile} (server-side path, confined to the scan roots), {@code basesdate}, {@code version},
 * {@code getstatistics}, {@code clearstatistics}, with Kaspersky's request and response JSON, its
 * {@code scanResult} values and {@code //} sub-object paths.
 */
final class KasperskyApi {
    private static final DateTimeFormatter BASES_DATE = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm 'GMT'", Locale.ROOT);

    private final RestServer rest;
    private final LongAdder total = new LongAdder();
    private final LongAdder infected = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder engineErrors = new LongAdder();
    private final LongAdder processed = new LongAdder();
    private final LongAdder infectedData = new LongAdder();

    KasperskyApi(RestServer rest) {
        this.rest = rest;
    }

    void handle(HttpExchange ex, String op) throws IOException, InterruptedException {
        ex.getResponseHeaders().set("X-KAV-ProtocolVersion", "3");
        String m = ex.getRequestMethod();
        switch (op) {
            case "scanmemory" -> {
                if (post(ex, m)) scanMemory(ex);
            }
            case "scanfile" -> {
                if (post(ex, m)) scanFile(ex);
            }
            case "basesdate" -> {
                var db = rest.service().engines().current().engine().database();
                var t = db.buildTime() != null ? db.buildTime() : rest.service().engines().current().loadedAt();
                RestServer.json(ex, 200, Json.obj("databaseVersion", BASES_DATE.format(t.atOffset(ZoneOffset.UTC))));
            }
            case "version" -> RestServer.json(ex, 200, Json.obj("KAVSDKVersion", "Bulwark 0.1.0"));
            case "getstatistics" -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("total_requests", total.sum());
                s.put("infected_requests", infected.sum());
                s.put("protected_requests", 0);
                s.put("error_requests", errors.sum());
                s.put("engine_errors", engineErrors.sum());
                s.put("processed_data", processed.sum());
                s.put("infected_data", infectedData.sum());
                s.put("processed_urls", 0);
                s.put("infected_urls", 0);
                RestServer.json(ex, 200, Json.obj("statistics", s));
            }
            case "clearstatistics" -> {
                if (!post(ex, m)) return;
                for (LongAdder a : List.of(total, infected, errors, engineErrors, processed, infectedData)) a.reset();
                RestServer.json(ex, 200, Json.obj("status", "ok"));
            }
            default -> RestServer.json(ex, 404, Json.obj("error", "unsupported Kaspersky API call: " + op));
        }
    }

    private static boolean post(HttpExchange ex, String m) throws IOException {
        if (m.equals("POST")) return true;
        ex.getResponseHeaders().set("Allow", "POST");
        RestServer.json(ex, 405, Json.obj("error", "method not allowed"));
        return false;
    }

    private Map<String, Object> request(HttpExchange ex, long maxBody) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBody + 1));
            if (b.length > maxBody) {
                RestServer.json(ex, 413, Json.obj("error", "request larger than StreamMaxLength"));
                return null;
            }
            Object o = Json.parse(new String(b, StandardCharsets.UTF_8));
            if (o instanceof Map<?, ?> mm && mm.get("object") instanceof String) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) mm;
                return r;
            }
            RestServer.json(ex, 400, Json.obj("error", "request must be a JSON object with an 'object' string"));
        } catch (Json.ParseException e) {
            RestServer.json(ex, 400, Json.obj("error", e.getMessage()));
        }
        return null;
    }

    private void scanMemory(HttpExchange ex) throws IOException, InterruptedException {
        long max = rest.service().config().streamMaxLength();
        // streamed: the base64 is decoded into a spool as it arrives (a body of StreamMaxLength is not held)
        KavMemoryRequest req;
        try (InputStream in = ex.getRequestBody()) {
            req = KavMemoryRequest.read(in, max / 3 * 4 + 4096, rest.service().config().temporaryDirectory());
        } catch (KavMemoryRequest.Rejected e) {
            if (e.badBase64) errors.increment();
            RestServer.json(ex, e.status, Json.obj("error", e.getMessage()));
            return;
        }
        ScanResult r;
        try (req) {
            r = rest.service().scanSpool(req.object, true, "kav", "scanmemory");
        }
        reply(ex, "memory", r, omitClean(req.fields));
    }

    private void scanFile(HttpExchange ex) throws IOException, InterruptedException {
        Map<String, Object> req = request(ex, RestServer.MAX_JSON_SMALL);
        if (req == null) return;
        String p = (String) req.get("object");
        Path path = RestServer.pathOrNull(p);
        if (path == null) {
            errors.increment();
            RestServer.json(ex, 400, Json.obj("error", "'object' is not a path the file system can name (a NUL in it)"));
            return;
        }
        if (!path.isAbsolute() || !Files.isRegularFile(path) || !rest.policy().allows(path)) {
            total.increment();
            errors.increment();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", p);
            // missing is told only inside the roots (PathPolicy.missingInside)
            m.put("scanResult", path.isAbsolute() && !rest.policy().allows(path) && !rest.policy().missingInside(path)
                    ? "NON_SCANNED (ACCESS DENIED)" : "NON_SCANNED");
            RestServer.json(ex, 200, m);
            return;
        }
        ScanResult r;
        try {
            r = rest.scanOnce(path, true, "kav", "scanfile"); // (toctou20) opened once, what was opened checked
        } catch (java.nio.file.NoSuchFileException e) {
            r = RestServer.NOT_REGULAR;
        }
        if (r == RestServer.OUTSIDE || r == RestServer.NOT_REGULAR) {
            total.increment();
            errors.increment();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", p);
            m.put("scanResult", r == RestServer.OUTSIDE ? "NON_SCANNED (ACCESS DENIED)" : "NON_SCANNED");
            RestServer.json(ex, 200, m);
            return;
        }
        reply(ex, p, r, omitClean(req));
    }

    private static boolean omitClean(Map<String, Object> req) {
        Object o = req.get("omitCleanSubobjectResults");
        return !(Boolean.FALSE.equals(o) || "false".equals(o));
    }

    private void reply(HttpExchange ex, String object, ScanResult r, boolean omitClean) throws IOException {
        total.increment();
        processed.add(Math.max(0, r.size()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", object);
        switch (r.status()) {
            case INFECTED -> {
                infected.increment();
                infectedData.add(Math.max(0, r.size()));
                Detection top = r.detections().get(0);
                m.put("scanResult", "DETECT");
                m.put("detectionName", top.name());
                m.put("containsOfficeMacro", false);
                List<Object> subs = new ArrayList<>();
                for (Detection d : r.detections()) {
                    if (d.path().isEmpty()) continue;
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("object", object + "//" + d.path());
                    s.put("scanResult", "DETECT");
                    s.put("detectionName", d.name());
                    s.put("containsOfficeMacro", false);
                    subs.add(s);
                }
                if (!omitClean && r.tree() != null) addClean(subs, object, r.tree(), r.detections());
                if (!subs.isEmpty()) m.put("subObjectsScanResults", subs);
            }
            case ERROR -> {
                engineErrors.increment();
                m.put("scanResult", "SERVER_ERROR");
            }
            default -> {
                m.put("scanResult", "CLEAN");
                m.put("containsOfficeMacro", false);
            }
        }
        RestServer.json(ex, 200, m);
    }

    private static void addClean(List<Object> subs, String object, ScanResult.LayerInfo node, List<Detection> ds) {
        for (ScanResult.LayerInfo c : node.children()) {
            boolean detected = ds.stream().anyMatch(d -> d.path().equals(c.path()));
            if (!detected && c.path() != null && !c.path().isEmpty()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("object", object + "//" + c.path());
                s.put("scanResult", "CLEAN");
                s.put("containsOfficeMacro", false);
                subs.add(s);
            }
            addClean(subs, object, c, ds);
        }
    }
}
