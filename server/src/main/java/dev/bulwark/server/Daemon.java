package dev.bulwark.server;

import dev.bulwark.server.clamd.ClamdServer;
import dev.bulwark.server.config.DaemonConfig;
import dev.bulwark.server.icap.IcapServer;
import dev.bulwark.server.rest.RestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The running daemon: one engine holder and scan service shared by the clamd, ICAP and REST servers,
 * the watchdog, PID file, the SelfCheck database watcher and graceful shutdown.
 */
public final class Daemon implements AutoCloseable, ClamdServer.Control {
    private final DaemonConfig config;
    private final Log log;
    private final Metrics metrics = new Metrics();
    private final Watchdog watchdog = new Watchdog();
    private final EngineHolder engines;
    private final ScanService service;
    private final PathPolicy policy;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ClamdServer clamd;
    private IcapServer icap;
    private RestServer rest;
    private List<Integer> clamdPorts = List.of();
    private int icapPort = -1;
    private int restPort = -1;
    private Thread selfCheck;
    private volatile String dbStamp;
    private volatile boolean closed;

    public Daemon(DaemonConfig config, Log log) {
        this(config, log, new EngineHolder(List.of(config.databaseDirectory()), config.loadOptions(),
                config.concurrentDatabaseReload()));
    }

    Daemon(DaemonConfig config, Log log, EngineHolder engines) {
        this.config = config;
        this.log = log;
        this.engines = engines;
        this.service = new ScanService(engines, config, metrics, log);
        this.policy = new PathPolicy(config.scanRoots());
    }

    public ScanService service() { return service; }
    public EngineHolder engines() { return engines; }
    public List<Integer> clamdPorts() { return clamdPorts; }
    public int icapPort() { return icapPort; }
    public int restPort() { return restPort; }

    /** Loads the database and binds every configured server. Throws when the database cannot be loaded. */
    public void start() throws IOException {
        if (!config.hasClamdSocket() && config.icapPort() < 0 && config.restPort() < 0) {
            throw new IOException("no server configured: set TCPSocket or LocalSocket (clamd), BulwarkIcapPort or BulwarkRestPort");
        }
        for (String n : config.notices()) log.warn(n);
        long t0 = System.nanoTime();
        // linking the FFM calls for the UNIX socket and FILDES takes tens of ms: do it while the database loads
        if (config.localSocket() != null) Thread.ofPlatform().daemon().name("fdpass-init").start(ClamdServer::prepareFdPassing);
        if (!config.loadOptions().excludePua().isEmpty()) log.info("excluded PUA categories", "categories", config.loadOptions().excludePua());
        if (!config.loadOptions().includePua().isEmpty()) log.info("included PUA categories", "categories", config.loadOptions().includePua());
        EngineHolder.Loaded l = engines.loadInitial();
        dbStamp = stamp(config.databaseDirectory());
        log.info("database loaded", "signatures", l.engine().database().signatureCount(), "millis", l.loadMillis(),
                "fingerprint", l.engine().database().fingerprint());
        log.info("limits", "MaxScanSize", config.scanOptions().limits().maxScanSize(),
                "MaxFileSize", config.scanOptions().limits().maxFileSize(), "MaxRecursion", config.scanOptions().limits().maxRecursion(),
                "MaxFiles", config.scanOptions().limits().maxFiles(), "MaxScanTime", config.scanOptions().limits().maxScanTimeMillis(),
                "StreamMaxLength", config.streamMaxLength());
        if (config.hasClamdSocket()) {
            clamd = new ClamdServer(service, policy, watchdog, this);
            clamdPorts = clamd.start();
            log.info("clamd protocol listening", "tcp", clamdPorts, "addr", config.tcpAddrs(), "unix", config.localSocket(),
                    "fildes", ClamdServer.fdPassingStatus());
        }
        if (config.icapPort() >= 0) {
            icap = new IcapServer(service, watchdog, log);
            icapPort = icap.start();
            log.info("ICAP listening", "port", icapPort, "addr", config.icapAddr(), "service", config.icapService());
        }
        if (config.restPort() >= 0) {
            rest = new RestServer(service, policy, this, log);
            restPort = rest.start();
            log.info("REST API listening", "port", restPort, "addr", config.restAddr());
        }
        if (config.pidFile() != null) Files.writeString(config.pidFile(), ProcessHandle.current().pid() + "\n");
        if (config.user() != null) dropPrivileges();
        service.open();
        if (config.selfCheckSec() > 0) {
            selfCheck = Thread.ofPlatform().daemon().name("bulwark-selfcheck").start(this::selfCheckLoop);
        }
        log.info("daemon started", "millis", (System.nanoTime() - t0) / 1_000_000);
    }

    /** clamd's User: gives up root once everything is bound and loaded, before serving (see {@link Privileges}). */
    private void dropPrivileges() throws IOException {
        Path socket = config.localSocket();
        Privileges.Dropped d = Privileges.drop(config.user(), config.logFile(), socket, () -> {
            if (socket != null && config.localSocketGroup() != null) ClamdServer.setSocketGroup(socket, config.localSocketGroup());
        });
        if (d == null) {
            log.warn("not running as root: User " + config.user() + " has no effect", "euid", Privileges.effectiveUid());
            return;
        }
        log.info("privileges dropped", "user", d.user(), "uid", d.uid(), "gid", d.gid());
        if (!Files.isReadable(config.databaseDirectory())) {
            log.warn("database directory not readable by User " + d.user() + ": RELOAD and SelfCheck will fail",
                    "dir", config.databaseDirectory());
        }
    }

    /**
     * RELOAD / SIGUSR2 / REST reload: builds a new engine aside and swaps it in. The clean-file cache is
     * dropped whenever the reload succeeded, also when the database turned out unchanged: clamd builds a new
     * engine, and so a new, empty cache, on every reload, and a client that asks for one expects the files
     * to be scanned again. A failed reload keeps the engine and its cache.
     */
    @Override
    public void reload() {
        EngineHolder.ReloadResult r = engines.reload();
        // a failed blocking reload (ConcurrentDatabaseReload no) leaves no engine: no cached verdict may answer either
        if (r.outcome() != EngineHolder.Outcome.FAILED || !engines.hasEngine()) service.cache().clear();
        dbStamp = stamp(config.databaseDirectory());
        if (r.outcome() == EngineHolder.Outcome.FAILED) log.error(r.message());
        else log.info(r.message());
    }

    @Override
    public void shutdown() {
        log.info("shutdown requested");
        close();
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    private void selfCheckLoop() {
        while (!closed) {
            try {
                Thread.sleep(config.selfCheckSec() * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            String now = stamp(config.databaseDirectory());
            if (!now.equals(dbStamp)) {
                log.info("SelfCheck: database directory changed, reloading");
                reload();
            }
        }
    }

    /** Names, sizes and modification times of the database directory: cheap change detection. */
    static String stamp(Path dir) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(dir)) {
            s.sorted().forEach(p -> {
                try {
                    sb.append(p.getFileName()).append(':').append(Files.size(p)).append(':')
                            .append(Files.getLastModifiedTime(p).toMillis()).append(';');
                } catch (IOException e) {
                    sb.append(p.getFileName()).append(":?;");
                }
            });
        } catch (IOException e) {
            return "unreadable";
        }
        return sb.toString();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (clamd != null) clamd.close();
        if (icap != null) icap.close();
        if (rest != null) rest.close();
        if (selfCheck != null) selfCheck.interrupt();
        watchdog.close();
        if (config.pidFile() != null) {
            try {
                Files.deleteIfExists(config.pidFile());
            } catch (IOException ignored) {
                // best effort
            }
        }
        log.info("daemon stopped");
        stopped.countDown();
    }
}
