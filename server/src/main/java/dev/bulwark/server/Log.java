package dev.bulwark.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Structured log lines ({@code ts=… level=… msg="…" key=value…}, logfmt) to the {@code LogFile} and to
 * standard error. Thread-safe; a failing log file never stops the daemon.
 */
public final class Log {
    private final PrintStream file;
    private final boolean stderr;
    private final boolean verbose;

    public Log(Path logFile, boolean stderr, boolean verbose) {
        PrintStream f = null;
        if (logFile != null) {
            try {
                f = new PrintStream(Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                        true, StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("bulwark daemon: cannot open log file " + logFile + ": " + e.getMessage());
            }
        }
        this.file = f;
        this.stderr = stderr;
        this.verbose = verbose;
    }

    public void info(String msg, Object... kv) { write("info", msg, kv); }
    public void warn(String msg, Object... kv) { write("warning", msg, kv); }
    public void error(String msg, Object... kv) { write("error", msg, kv); }

    public void debug(String msg, Object... kv) {
        if (verbose) write("debug", msg, kv);
    }

    private synchronized void write(String level, String msg, Object... kv) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("ts=").append(Instant.now().truncatedTo(ChronoUnit.MILLIS)).append(" level=").append(level)
                .append(" msg=").append(quote(msg));
        for (int i = 0; i + 1 < kv.length; i += 2) sb.append(' ').append(kv[i]).append('=').append(quote(String.valueOf(kv[i + 1])));
        String line = sb.toString();
        if (file != null) file.println(line);
        if (stderr) System.err.println(line);
    }

    private static String quote(String s) {
        boolean plain = !s.isEmpty();
        for (int i = 0; i < s.length() && plain; i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c > 126) plain = false;
        }
        if (plain) return s;
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    public void close() {
        if (file != null) file.close();
    }
}
