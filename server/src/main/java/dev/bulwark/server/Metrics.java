package dev.bulwark.server;

import dev.bulwark.engine.Detection;
import dev.bulwark.engine.ScanResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters shared by all protocols, rendered as Prometheus text at {@code /metrics}. Lock-free
 * ({@link LongAdder}); detection names are counted per name up to {@link #MAX_NAMES} distinct names.
 */
public final class Metrics {
    /** Bound on distinct detection-name series, so hostile input cannot grow the map without end. */
    static final int MAX_NAMES = 10_000;
    /** Latency histogram buckets in seconds. */
    static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60};

    public final LongAdder scans = new LongAdder();
    public final LongAdder infected = new LongAdder();
    public final LongAdder errors = new LongAdder();
    public final LongAdder bytes = new LongAdder();
    public final LongAdder connections = new LongAdder();
    public final LongAdder protocolErrors = new LongAdder();
    private final LongAdder[] bucketCounts = new LongAdder[BUCKETS.length + 1];
    private final LongAdder latencyNanos = new LongAdder();
    private final Map<String, LongAdder> detections = new ConcurrentHashMap<>();
    private final LongAdder otherDetections = new LongAdder();
    private final Map<String, LongAdder> byProtocol = new ConcurrentHashMap<>();
    private volatile CleanCache cache;

    public Metrics() {
        for (int i = 0; i < bucketCounts.length; i++) bucketCounts[i] = new LongAdder();
    }

    /** The clean-file cache whose hits, misses and size are exported. */
    void cache(CleanCache c) { this.cache = c; }

    /** Records one finished scan from {@code protocol} ("clamd", "icap", "rest", "kav"). */
    public void record(String protocol, ScanResult r) {
        scans.increment();
        byProtocol.computeIfAbsent(protocol, k -> new LongAdder()).increment();
        bytes.add(Math.max(0, r.size()));
        latencyNanos.add(r.nanos());
        double sec = r.nanos() / 1e9;
        int b = 0;
        while (b < BUCKETS.length && sec > BUCKETS[b]) b++;
        bucketCounts[b].increment();
        if (r.status() == ScanResult.Status.ERROR) errors.increment();
        if (r.infected()) {
            infected.increment();
            for (Detection d : r.detections()) {
                LongAdder a = detections.get(d.name());
                if (a == null && detections.size() < MAX_NAMES) a = detections.computeIfAbsent(d.name(), k -> new LongAdder());
                (a != null ? a : otherDetections).increment();
            }
        }
    }

    /** Prometheus text exposition format 0.0.4. */
    public String prometheus(EngineHolder.Loaded engine) {
        StringBuilder sb = new StringBuilder(2048);
        counter(sb, "bulwark_scans_total", "Objects scanned", scans.sum());
        sb.append("# HELP bulwark_scans_by_protocol_total Objects scanned per protocol\n# TYPE bulwark_scans_by_protocol_total counter\n");
        byProtocol.forEach((p, v) -> sb.append("bulwark_scans_by_protocol_total{protocol=\"").append(p).append("\"} ").append(v.sum()).append('\n'));
        counter(sb, "bulwark_infected_total", "Scans with a detection", infected.sum());
        counter(sb, "bulwark_scan_errors_total", "Scans that ended in an error", errors.sum());
        counter(sb, "bulwark_scanned_bytes_total", "Bytes of top-level objects scanned", bytes.sum());
        counter(sb, "bulwark_connections_total", "Client connections accepted", connections.sum());
        counter(sb, "bulwark_protocol_errors_total", "Malformed requests and protocol violations", protocolErrors.sum());
        sb.append("# HELP bulwark_detections_total Detections by signature name\n# TYPE bulwark_detections_total counter\n");
        detections.forEach((n, v) -> sb.append("bulwark_detections_total{name=\"").append(escape(n)).append("\"} ").append(v.sum()).append('\n'));
        if (otherDetections.sum() > 0) sb.append("bulwark_detections_total{name=\"__other__\"} ").append(otherDetections.sum()).append('\n');
        sb.append("# HELP bulwark_scan_duration_seconds Scan latency\n# TYPE bulwark_scan_duration_seconds histogram\n");
        long cum = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cum += bucketCounts[i].sum();
            sb.append("bulwark_scan_duration_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(cum).append('\n');
        }
        cum += bucketCounts[BUCKETS.length].sum();
        sb.append("bulwark_scan_duration_seconds_bucket{le=\"+Inf\"} ").append(cum).append('\n');
        sb.append("bulwark_scan_duration_seconds_sum ").append(latencyNanos.sum() / 1e9).append('\n');
        sb.append("bulwark_scan_duration_seconds_count ").append(cum).append('\n');
        CleanCache c = cache;
        if (c != null) {
            counter(sb, "bulwark_cache_hits_total", "Scans answered from the clean-file cache", c.hits.sum());
            counter(sb, "bulwark_cache_misses_total", "Clean-file cache lookups that missed", c.misses.sum());
            gauge(sb, "bulwark_cache_entries", "Entries in the clean-file cache", c.size());
            gauge(sb, "bulwark_cache_capacity", "Bound of the clean-file cache (0: disabled)", c.capacity());
        }
        if (engine != null) {
            var db = engine.engine().database();
            gauge(sb, "bulwark_database_signatures", "Signatures loaded", db.signatureCount());
            gauge(sb, "bulwark_database_version", "Version of the daily database (0 if none)", db.version());
            if (db.buildTime() != null) {
                gauge(sb, "bulwark_database_build_timestamp_seconds", "Build time of the database", db.buildTime().getEpochSecond());
                gauge(sb, "bulwark_database_age_seconds", "Age of the database",
                        java.time.Instant.now().getEpochSecond() - db.buildTime().getEpochSecond());
            }
            gauge(sb, "bulwark_database_loaded_timestamp_seconds", "When the engine was loaded", engine.loadedAt().getEpochSecond());
        }
        return sb.toString();
    }

    /** Resets the counters the Kaspersky API's clearstatistics clears. */
    public void clear() {
        scans.reset();
        infected.reset();
        errors.reset();
        bytes.reset();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(v).append('\n');
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
