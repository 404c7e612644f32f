package dev.bulwark.server.clamd;

import dev.bulwark.server.Metrics;
import dev.bulwark.server.PathPolicy;
import dev.bulwark.server.ScanService;
import dev.bulwark.server.Watchdog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The clamd-protocol listeners: TCP ({@code TCPSocket}/{@code TCPAddr}) and a UNIX socket
 * ({@code LocalSocket}). One virtual thread per connection; at most {@code MaxQueue} connections are
 * served at once and the rest wait in the listen backlog ({@code MaxConnectionQueueLength}), as clamd's
 * accept thread does.
 */
public final class ClamdServer implements AutoCloseable {
    /** What the daemon does for RELOAD and SHUTDOWN. */
    public interface Control {
        void reload();
        void shutdown();
    }

    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    private final ScanService service;
    private final PathPolicy policy;
    private final Watchdog watchdog;
    private final Control control;
    private final Semaphore connections;
    /** One listening socket and how its connections are accepted and run. */
    private record Listener(java.io.Closeable socket, Acceptor acceptor, Thread.Builder sessions) {}

    private interface Acceptor {
        ClientChannel accept() throws IOException;
    }

    private final List<Listener> listeners = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private Path socketFile;
    private volatile boolean closed;
    /** Pause after a failed accept (descriptor exhaustion and the like) before trying again. */
    private static final long ACCEPT_RETRY_MILLIS = 50;

    public ClamdServer(ScanService service, PathPolicy policy, Watchdog watchdog, Control control) {
        this.service = service;
        this.policy = policy;
        this.watchdog = watchdog;
        this.control = control;
        this.connections = new Semaphore(service.config().maxQueue());
    }

    ScanService service() { return service; }
    PathPolicy policy() { return policy; }
    Watchdog watchdog() { return watchdog; }
    Metrics metrics() { return service.metrics(); }

    /** Binds every configured socket; returns the bound TCP ports (useful with TCPSocket 0 in tests). */
    public List<Integer> start() throws IOException {
        var cfg = service.config();
        List<Integer> ports = new ArrayList<>();
        if (cfg.tcpPort() >= 0) { // 0 binds an ephemeral port (tests)
            for (String addr : cfg.tcpAddrs()) {
                ServerSocketChannel ss = ServerSocketChannel.open();
                ss.bind(new InetSocketAddress(addr, cfg.tcpPort()), cfg.maxConnectionQueueLength());
                ports.add(((InetSocketAddress) ss.getLocalAddress()).getPort());
                listeners.add(nio(ss));
            }
        }
        if (cfg.localSocket() != null) {
            Path p = cfg.localSocket();
            if (Files.exists(p) && cfg.fixStaleSocket()) Files.delete(p);
            FdPassing.Provider fdp = FdPassing.provider();
            if (fdp != null) {
                // owned through FFM so that FILDES can receive descriptors; native reads pin their
                // thread, so these connections get platform threads (at most MaxQueue of them)
                FdPassing.Listener l = fdp.listen(p, cfg.maxConnectionQueueLength());
                listeners.add(new Listener(l, l::accept, Thread.ofPlatform().daemon().name("clamd-local")));
            } else {
                ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                ss.bind(UnixDomainSocketAddress.of(p), cfg.maxConnectionQueueLength());
                listeners.add(nio(ss));
            }
            socketFile = p;
            // with User (started as root) the group is set after the drop, as the user, like clamd does
            if (cfg.localSocketGroup() != null && !cfg.dropsRoot()) setSocketGroup(p, cfg.localSocketGroup());
            if (cfg.localSocketMode() >= 0) Files.setPosixFilePermissions(p, perms(cfg.localSocketMode()));
        }
        for (Listener l : listeners) {
            acceptors.add(Thread.ofPlatform().daemon().name("clamd-accept").start(() -> acceptLoop(l)));
        }
        return ports;
    }

    /** LocalSocketGroup: a group name or number, as clamd (an unknown group or a failed chown stops the start). */
    public static void setSocketGroup(Path socket, String group) throws IOException {
        try {
            if (group.matches("[0-9]{1,9}")) {
                Files.setAttribute(socket, "unix:gid", Integer.parseInt(group), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } else {
                var g = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                Files.getFileAttributeView(socket, java.nio.file.attribute.PosixFileAttributeView.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).setGroup(g);
            }
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IOException("Unknown group " + group);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("Failed to change socket ownership to group " + group + ": " + e.getMessage());
        }
    }

    private static Listener nio(ServerSocketChannel ss) {
        return new Listener(ss, () -> new NioClientChannel(ss.accept()), Thread.ofVirtual().name("clamd-conn"));
    }

    /** Whether FILDES can receive descriptors here (else it answers as clamd built without them). */
    static boolean fdPassing() {
        return FdPassing.available();
    }

    /** Initialises descriptor passing ahead of {@link #start()} (it is ready, or known absent, afterwards). */
    public static void prepareFdPassing() {
        FdPassing.available();
    }

    /** For the start-up log: whether FILDES receives descriptors, or why not. */
    public static String fdPassingStatus() {
        return FdPassing.available() ? "enabled" : "off: " + FdPassing.unavailableReason();
    }

    private void acceptLoop(Listener l) {
        try {
            service.awaitOpen();
        } catch (InterruptedException e) {
            return;
        }
        while (!closed) {
            try {
                connections.acquire();
                ClientChannel ch;
                try {
                    ch = l.acceptor().accept();
                } catch (IOException e) {
                    connections.release();
                    if (closed) return;
                    Thread.sleep(ACCEPT_RETRY_MILLIS); // e.g. out of descriptors: do not spin
                    continue;
                }
                service.metrics().connections.increment();
                l.sessions().start(new ClamdSession(ch, this));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void connectionClosed() {
        connections.release();
    }

    /** clamd's VERSION text: {@code ClamAV 1.4.6} or {@code ClamAV 1.4.6/<daily>/<ctime of its build>}. */
    String version() {
        String v = service.config().versionString();
        // no engine (a blocking reload runs or failed): the bare version, as clamd's print_ver without an engine
        if (!service.engines().hasEngine()) return v;
        dev.bulwark.engine.Engine engine;
        try {
            engine = service.engines().current().engine();
        } catch (IllegalStateException e) {
            return v; // a blocking reload failed meanwhile
        }
        var db = engine.database();
        if (db.version() > 0 && db.buildTime() != null) {
            return v + "/" + db.version() + "/" + CTIME.format(db.buildTime().atZone(ZoneId.systemDefault()));
        }
        return v;
    }

    void requestReload() {
        Thread.ofVirtual().name("clamd-reload").start(control::reload);
    }

    void requestShutdown() {
        Thread.ofVirtual().name("clamd-shutdown").start(control::shutdown);
    }

    @Override
    public void close() {
        closed = true;
        for (Listener l : listeners) {
            try {
                l.socket().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Thread t : acceptors) t.interrupt();
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException ignored) {
                // best effort, as clamd
            }
        }
    }

    private static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) if ((mode & (1 << i)) != 0) s.add(order[i]);
        return s;
    }
}
