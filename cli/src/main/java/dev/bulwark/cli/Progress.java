package dev.bulwark.cli;

import java.io.PrintStream;

/** A one-line progress display on standard error, only when it is a terminal. */
final class Progress {
    /** Redraw at most this often. */
    private static final long INTERVAL_NANOS = 200_000_000L;
    private final boolean on;
    private final PrintStream err;
    private long last;
    private boolean shown;

    Progress(boolean wanted, PrintStream err) {
        this.on = wanted && isTerminal();
        this.err = err;
    }

    private static boolean isTerminal() {
        var c = System.console();
        if (c == null) return false;
        try {
            return (boolean) c.getClass().getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // before JDK 22 a console exists only on a terminal
        }
    }

    void update(int files, long bytes) {
        if (!on) return;
        long now = System.nanoTime();
        if (now - last < INTERVAL_NANOS) return;
        last = now;
        err.printf("\r[bulwark] %d files, %.1f MB scanned", files, bytes / (1024.0 * 1024));
        shown = true;
    }

    void clear() {
        if (on && shown) {
            err.print("\r\033[K");
            shown = false;
        }
    }

    void done() { clear(); }
}
