package dev.bulwark.server;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.server.config.DaemonConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs scans for every protocol: takes the current engine once per scan, bounds concurrency to
 * {@code MaxThreads}, records metrics, and tracks active tasks for the clamd STATS report.
 */
public final class ScanService {
    /** An active task as STATS prints it ({@code \tCOMMAND seconds filename}). */
    public record Task(String command, long startNanos, String filename) {}

    private final EngineHolder engines;
    private final DaemonConfig config;
    private final Metrics metrics;
    private final Semaphore permits;
    private final Map<Long, Task> tasks = new ConcurrentHashMap<>();
    private final AtomicLong taskIds = new AtomicLong();

    private final Log log;
    private final CleanCache cache;
    private final VirusEvent virusEvent;

    public ScanService(EngineHolder engines, DaemonConfig config, Metrics metrics, Log log) {
        this.engines = engines;
        this.config = config;
        this.metrics = metrics;
        this.log = log;
        this.cache = new CleanCache(config.cacheSize());
        this.virusEvent = config.virusEvent() == null ? null : new VirusEvent(config.virusEvent(), log);
        metrics.cache(cache);
        this.permits = new Semaphore(config.maxThreads(), true);
    }

    /** Opened by the daemon once it is ready to serve (after dropping root for User); connections wait for it. */
    private final java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);

    /** Lets the servers handle connections. */
    public void open() { open.countDown(); }

    /**
     * Blocks until {@link #open()}: an accept loop calls it before its first accept, so nothing is read or
     * scanned while the daemon still runs as root; clients wait in the listen backlog meanwhile.
     */
    public void awaitOpen() throws InterruptedException { open.await(); }

    public EngineHolder engines() { return engines; }
    public DaemonConfig config() { return config; }
    public Metrics metrics() { return metrics; }
    public CleanCache cache() { return cache; }

    public List<Task> activeTasks() { return List.copyOf(tasks.values()); }

    /** Scans waiting for a worker permit (the clamd "QUEUE"). */
    public int queued() { return permits.getQueueLength(); }

    public int busy() { return config.maxThreads() - permits.availablePermits(); }

    public ScanOptions options(boolean allMatch) {
        ScanOptions o = config.scanOptions();
        return allMatch ? o.withAllMatch(true) : o;
    }

    public ScanResult scanFile(Path file, boolean allMatch, String protocol, String command) throws InterruptedException {
        return scanFile(file, null, allMatch, protocol, command);
    }

    /**
     * As above; {@code stamp}: the file's {@link FileDigest.Stamp} from a stat taken before this call (a
     * directory walk's), or null to take it here. The clean-file cache keeps a result only when the stamp
     * after the scan is the same.
     */
    public ScanResult scanFile(Path file, FileDigest.Stamp stamp, boolean allMatch, String protocol, String command)
            throws InterruptedException {
        return scanFile(file, stamp, allMatch, protocol, command, false);
    }

    /**
     * What {@link #scanWalked} returns for a file the daemon may not read: the engine's open failed with EACCES.
     * Not recorded in the metrics nor logged, as a path scan's own access check answered before (clamd's
     * "Access denied. ERROR").
     */
    public static final ScanResult DENIED = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, "Access denied", 0, null);

    /**
     * (daemon15) As {@link #scanFile(Path, FileDigest.Stamp, boolean, String, String)} for a file met by a path scan,
     * without a separate access(2) per file: a file the engine cannot open for lack of permission answers
     * {@link #DENIED} (the same condition: the daemon runs with one uid, real and effective, after its setuid).
     */
    public ScanResult scanWalked(Path file, FileDigest.Stamp stamp, boolean allMatch, String protocol, String command)
            throws InterruptedException {
        return scanFile(file, stamp, allMatch, protocol, command, true);
    }

    /**
     * (toctou20) As {@link #scanWalked} for a file a path scan opened once ({@code dev.bulwark.server.clamd.OpenedFiles}):
     * {@code opened} is its {@code /proc/self/fd/N}, which the engine opens (the open file, not a name), {@code name}
     * the path shown in STATS, the log and VirusEvent.
     */
    public ScanResult scanOpened(Path opened, String name, FileDigest.Stamp stamp, boolean allMatch, String protocol,
                                 String command) throws InterruptedException {
        return scanFile(opened, name, stamp, allMatch, protocol, command, true);
    }

    /** As {@link #scanFile(Path, boolean, String, String)} for a file opened once: no {@link #DENIED} (REST). */
    public ScanResult scanOpened(Path opened, String name, boolean allMatch, String protocol, String command)
            throws InterruptedException {
        return scanFile(opened, name, null, allMatch, protocol, command, false);
    }

    private ScanResult scanFile(Path file, FileDigest.Stamp stamp, boolean allMatch, String protocol, String command,
                                boolean denied) throws InterruptedException {
        return scanFile(file, file.toString(), stamp, allMatch, protocol, command, denied);
    }

    private ScanResult scanFile(Path file, String name, FileDigest.Stamp stamp, boolean allMatch, String protocol, String command,
                                boolean denied) throws InterruptedException {
        return run(protocol, command, name, name, l -> {
            ScanResult r = scanFile(l, file, stamp, allMatch);
            return denied && r.status() == ScanResult.Status.ERROR && r.bytesScanned() == 0 && "Access denied".equals(r.error())
                    ? DENIED : r;
        });
    }

    private ScanResult scanFile(EngineHolder.Loaded l, Path file, FileDigest.Stamp stamp, boolean allMatch) throws IOException {
        ScanOptions o = options(allMatch);
        if (!cache.enabled()) return l.engine().scan(file, o);
        long t0 = System.nanoTime();
        FileDigest.Stamp before = stamp;
        if (before == null) {
            try {
                before = FileDigest.stamp(file);
            } catch (IOException e) {
                return l.engine().scan(file, o); // the engine reports unreadable files in its own words
            }
        }
        // one read: the engine hashes the bytes it read and asks the cache before scanning them
        CleanCache.Key[] key = {null};
        ScanResult[] hit = {null};
        boolean[] copy = {false};
        ScanResult r = l.engine().scan(file, o, new Engine.DigestCheck() {
            @Override
            public ScanResult beforeScan(byte[] sha256, long size) {
                return beforeScan(sha256, size, false);
            }

            @Override
            public ScanResult beforeScan(byte[] sha256, long size, boolean privateCopy) {
                copy[0] = privateCopy;
                key[0] = CleanCache.Key.of(sha256, size, o);
                return hit[0] = cache.get(l, key[0], t0);
            }
        });
        if (key[0] == null || (hit[0] != null && r == hit[0])) return r;
        // (daemon15) bytes read onto the heap were hashed and scanned as one copy: the entry (their digest ->
        // clean) holds whatever the file did meanwhile, so no second stat. Mapped bytes (a large file) can change
        // between the hash and the scan: cache only if the file did not change while it was read and scanned
        if (copy[0]) {
            cache.put(l, key[0], r);
            return r;
        }
        try {
            if (before.equals(FileDigest.stamp(file))) cache.put(l, key[0], r);
        } catch (IOException e) {
            // gone or unreadable now: do not cache
        }
        return r;
    }

    public ScanResult scanSpool(Spool spool, boolean allMatch, String protocol, String command) throws InterruptedException {
        return scanSpool(spool, allMatch, protocol, command, "stream");
    }

    /** As above; {@code name} is the object's name in the log, STATS and VirusEvent (clamd: instream(ADDR@PORT)). */
    public ScanResult scanSpool(Spool spool, boolean allMatch, String protocol, String command, String name) throws InterruptedException {
        return run(protocol, command, name, name, l -> {
            ScanOptions o = options(allMatch);
            CleanCache.Key key = cache.enabled() ? CleanCache.Key.of(spool.sha256Bytes(), spool.size(), o) : null;
            if (key != null) {
                ScanResult hit = cache.get(l, key, System.nanoTime());
                if (hit != null) return hit;
            }
            ScanResult r = spool.inMemory() ? l.engine().scan(spool.memory(), o) : l.engine().scan(spool.file(), o);
            if (key != null) cache.put(l, key, r);
            return r;
        });
    }

    /**
     * Scans bytes already in memory or mapped (a descriptor passed with FILDES). {@code privateCopy}: the
     * bytes are a heap copy nobody else can change, so a clean result may be cached by their hash.
     */
    public ScanResult scanBuffer(java.nio.ByteBuffer data, boolean privateCopy, boolean allMatch, String protocol,
                                 String command, String name, String fileName) throws InterruptedException {
        return run(protocol, command, name, fileName, l -> {
            ScanOptions o = options(allMatch);
            CleanCache.Key key = null;
            if (privateCopy && cache.enabled()) {
                java.security.MessageDigest md = sha256();
                md.update(data.duplicate());
                key = CleanCache.Key.of(md.digest(), data.remaining(), o);
                ScanResult hit = cache.get(l, key, System.nanoTime());
                if (hit != null) return hit;
            }
            ScanResult r = l.engine().scan(data, o);
            if (key != null) cache.put(l, key, r);
            return r;
        });
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    /** One scan on the engine {@code l}, which stays the same for the whole call (a reload swaps only later scans). */
    interface ScanCall {
        ScanResult call(EngineHolder.Loaded l) throws IOException;
    }

    /** {@code name}: the task's name in STATS; {@code fileName}: the object in the log and for VirusEvent. */
    private ScanResult run(String protocol, String command, String name, String fileName, ScanCall call) throws InterruptedException {
        permits.acquire();
        long id = taskIds.incrementAndGet();
        long t0 = System.nanoTime();
        tasks.put(id, new Task(command, t0, name));
        try {
            ScanResult r;
            try (EngineHolder.Lease lease = engines.acquire()) {
                r = call.call(lease.loaded());
                if (r == DENIED) return r; // a path scan's access check: not a scan (see DENIED)
            } catch (IOException e) {
                r = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, e.getMessage(), System.nanoTime() - t0, null);
            } catch (dev.bulwark.engine.DatabaseLoadException e) {
                // (tidy9) a damaged snapshot pattern or signature, met by this scan or an earlier one (the engine then
                // fails every scan): the client gets clamd's words for a scan that fails so (cl_strerror(CL_EMALFDB)),
                // the log the snapshot and what is damaged
                log.warn("database damaged", "protocol", protocol, "object", fileName, "error", e.getMessage());
                r = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, "Malformed database", System.nanoTime() - t0, null);
            } catch (RuntimeException e) {
                r = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0,
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), System.nanoTime() - t0, null);
            }
            metrics.record(protocol, r);
            if (r.infected()) {
                log.info("detection", "protocol", protocol, "object", fileName, "name", r.detections().get(0).name(),
                        "detections", r.detections().size());
                if (virusEvent != null) virusEvent.run(fileName, r.detections().get(0).name());
            } else if (r.status() == ScanResult.Status.ERROR) {
                log.warn("scan error", "protocol", protocol, "object", fileName, "error", r.error());
            } else if (config.logClean()) {
                log.info("clean", "protocol", protocol, "object", fileName);
            }
            return r;
        } finally {
            tasks.remove(id);
            permits.release();
        }
    }
}
