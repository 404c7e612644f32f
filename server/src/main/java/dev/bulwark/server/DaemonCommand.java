package dev.bulwark.server;

import dev.bulwark.engine.BulwarkException;
import dev.bulwark.server.config.ConfFile;
import dev.bulwark.server.config.DaemonConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bulwark daemon}: reads a {@code clamd.conf} (and command-line overrides), starts the servers and
 * runs until SHUTDOWN, SIGTERM or SIGINT. Exit codes: 0 after a clean stop, 1 on a configuration or
 * database error, 2 on bad usage.
 */
public final class DaemonCommand {
    private DaemonCommand() {}

    private static final String USAGE = """
            usage: bulwark daemon [--config FILE] [options]

              -c, --config FILE        clamd.conf to read (clamd's option names; Bulwark* keys for ICAP/REST)
              -d, --database DIR       signature directory (overrides DatabaseDirectory)
                  --tcp PORT           clamd protocol on TCP PORT (TCPSocket); --tcp-addr ADDR (TCPAddr, default 127.0.0.1)
                  --socket PATH        clamd protocol on a UNIX socket (LocalSocket)
                  --icap PORT          ICAP server (RFC 3507) on PORT; service name avscan
                  --rest PORT          REST API on PORT (JSON, /metrics, Kaspersky-compatible /api/v3.0)
                  --scan-root DIR      allow path scans below DIR (repeatable; default /)
                  --check-config       validate the configuration, print notices, and exit
              -h, --help               this help
            """;

    public static int run(String[] args) {
        Path config = null;
        List<String> overrides = new ArrayList<>();
        boolean check = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    v = a.substring(eq + 1);
                    a = a.substring(0, eq);
                }
                switch (a) {
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        return 0;
                    }
                    case "-c", "--config", "--config-file" -> config = Path.of(v != null ? v : args[++i]);
                    case "-d", "--database" -> overrides.add("DatabaseDirectory " + (v != null ? v : args[++i]));
                    case "--tcp" -> overrides.add("TCPSocket " + (v != null ? v : args[++i]));
                    case "--tcp-addr" -> overrides.add("TCPAddr " + (v != null ? v : args[++i]));
                    case "--socket" -> overrides.add("LocalSocket " + (v != null ? v : args[++i]));
                    case "--icap" -> overrides.add("BulwarkIcapPort " + (v != null ? v : args[++i]));
                    case "--rest" -> overrides.add("BulwarkRestPort " + (v != null ? v : args[++i]));
                    case "--scan-root" -> overrides.add("BulwarkScanRoot " + (v != null ? v : args[++i]));
                    case "--check-config" -> check = true;
                    case "-F", "--foreground" -> { } // always in the foreground (use systemd to supervise)
                    default -> {
                        System.err.println("bulwark daemon: unknown option " + a + "\n" + USAGE);
                        return 2;
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            System.err.println("bulwark daemon: option " + args[args.length - 1] + " needs a value");
            return 2;
        }
        DaemonConfig cfg;
        try {
            ConfFile f = config != null ? ConfFile.read(config) : ConfFile.parse("<defaults>", "");
            cfg = DaemonConfig.from(f.with(ConfFile.parse("<command line>", String.join("\n", overrides))));
        } catch (ConfFile.ConfigError e) {
            System.err.println("bulwark daemon: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("bulwark daemon: cannot read " + config + ": " + e.getMessage());
            return 1;
        }
        if (check) {
            cfg.notices().forEach(n -> System.out.println("notice: " + n));
            System.out.println("configuration OK");
            return 0;
        }
        Log log = new Log(cfg.logFile(), true, cfg.logVerbose());
        Daemon d = new Daemon(cfg, log);
        Thread hook = new Thread(d::close, "bulwark-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            d.start();
            Signals.onReload(d::reload);
            d.awaitShutdown();
            return 0;
        } catch (BulwarkException | IOException e) {
            log.error("cannot start", "error", e.getMessage());
            d.close();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            d.close();
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it closes the daemon
            }
            log.close();
        }
    }
}
