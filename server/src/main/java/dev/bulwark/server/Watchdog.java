package dev.bulwark.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One platform thread that enforces per-connection deadlines (command read, stream read, idle, send
 * timeouts). Connections block in plain channel reads and writes on their virtual threads; when a
 * deadline passes the watchdog calls {@link Guarded#expire()}, which unblocks them (shuts the input down
 * or closes the channel). No timing is left to the client.
 */
public final class Watchdog implements AutoCloseable {
    /** Deadline checks are this coarse: timeouts are configured in seconds. */
    private static final long TICK_MILLIS = 200;

    /** A connection with a deadline; {@code deadlineNanos()} of 0 means none. */
    public interface Guarded {
        long deadlineNanos();
        void expire();
    }

    private final Set<Guarded> guarded = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    public Watchdog() {
        thread = Thread.ofPlatform().daemon().name("bulwark-watchdog").start(this::loop);
    }

    public void add(Guarded g) { guarded.add(g); }

    public void remove(Guarded g) { guarded.remove(g); }

    public int size() { return guarded.size(); }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Guarded g : guarded) {
                long d = g.deadlineNanos();
                if (d != 0 && now - d > 0) {
                    guarded.remove(g);
                    try {
                        g.expire();
                    } catch (RuntimeException e) {
                        // a failing connection must not stop the watchdog
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
