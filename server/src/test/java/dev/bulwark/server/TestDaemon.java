package dev.bulwark.server;

import dev.bulwark.server.config.ConfFile;
import dev.bulwark.server.config.DaemonConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Bulwark's daemon started in-process on ephemeral loopback ports, with a clamd.conf written for it. */
public final class TestDaemon implements AutoCloseable {
    public final Daemon daemon;
    public final Path conf;
    public final Path socket;
    public final long startMillis;

    public TestDaemon(Path dir, Path db, String extraConfig) throws IOException {
        this(dir, db, extraConfig, null);
    }

    /** With the engine holder {@code holder} makes from the configuration (null: the daemon's own). */
    public TestDaemon(Path dir, Path db, String extraConfig,
                      java.util.function.Function<DaemonConfig, EngineHolder> holder) throws IOException {
        socket = dir.resolve("bulwark.sock");
        conf = dir.resolve("bulwark.conf");
        Files.writeString(conf, "TCPSocket 0\nTCPAddr 127.0.0.1\nLocalSocket " + socket + "\nDatabaseDirectory " + db
                + "\nTemporaryDirectory " + dir + "\nSelfCheck 0\n" + extraConfig);
        long t0 = System.nanoTime();
        DaemonConfig cfg = DaemonConfig.from(ConfFile.read(conf));
        Log log = new Log(dir.resolve("bulwark.log"), false, false);
        daemon = holder == null ? new Daemon(cfg, log) : new Daemon(cfg, log, holder.apply(cfg));
        daemon.start();
        startMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    public int port() { return daemon.clamdPorts().get(0); }

    /** A clamd.conf for clamdscan pointing at this daemon (TCP, or the UNIX socket when {@code unix}). */
    public Path clientConf(Path dir, boolean unix) throws IOException {
        Path c = dir.resolve(unix ? "client-unix.conf" : "client-tcp.conf");
        Files.writeString(c, unix ? "LocalSocket " + socket + "\n" : "TCPSocket " + port() + "\nTCPAddr 127.0.0.1\n");
        return c;
    }

    @Override
    public void close() {
        daemon.close();
    }
}
