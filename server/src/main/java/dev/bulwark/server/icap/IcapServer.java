package dev.bulwark.server.icap;

import dev.bulwark.server.Log;
import dev.bulwark.server.ScanService;
import dev.bulwark.server.Watchdog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Semaphore;

/**
 * ICAP server (RFC 3507) for proxies: OPTIONS, REQMOD and RESPMOD on one antivirus service
 * ({@code icap://host:port/avscan} by default), persistent connections, one virtual thread each.
 */
public final class IcapServer implements AutoCloseable {
    private final ScanService service;
    private final Watchdog watchdog;
    private final Log log;
    private final Semaphore connections;
    private ServerSocketChannel listener;
    private Thread acceptor;
    private volatile boolean closed;
    /** Pause after a failed accept (descriptor exhaustion and the like) before trying again. */
    private static final long ACCEPT_RETRY_MILLIS = 50;

    public IcapServer(ScanService service, Watchdog watchdog, Log log) {
        this.service = service;
        this.watchdog = watchdog;
        this.log = log;
        this.connections = new Semaphore(service.config().maxQueue());
    }

    ScanService service() { return service; }
    Watchdog watchdog() { return watchdog; }
    Log log() { return log; }

    /** ISTag: changes whenever the database changes (derived from its fingerprint), at most 32 characters. */
    String isTag() {
        var l = service.engines().currentOrNull(); // none after a failed blocking reload: the ISTag says so
        String fp = l == null ? null : l.engine().database().fingerprint();
        String t = "BW-" + (fp == null ? "0" : fp.replaceAll("[^A-Za-z0-9]", ""));
        return '"' + (t.length() > 32 ? t.substring(0, 32) : t) + '"';
    }

    public int start() throws IOException {
        var cfg = service.config();
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(cfg.icapAddr(), cfg.icapPort()), cfg.maxConnectionQueueLength());
        acceptor = Thread.ofPlatform().daemon().name("icap-accept").start(this::acceptLoop);
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private void acceptLoop() {
        try {
            service.awaitOpen();
        } catch (InterruptedException e) {
            return;
        }
        while (!closed) {
            try {
                connections.acquire();
                SocketChannel ch;
                try {
                    ch = listener.accept();
                } catch (IOException e) {
                    connections.release();
                    if (closed) return;
                    Thread.sleep(ACCEPT_RETRY_MILLIS); // e.g. out of descriptors: do not spin
                    continue;
                }
                service.metrics().connections.increment();
                Thread.ofVirtual().name("icap-conn").start(() -> {
                    try {
                        new IcapConnection(ch, this).run();
                    } finally {
                        connections.release();
                    }
                });
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (listener != null) listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (acceptor != null) acceptor.interrupt();
    }
}
