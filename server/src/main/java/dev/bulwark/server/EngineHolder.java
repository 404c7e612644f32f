package dev.bulwark.server;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The one engine shared by every connection. Scans take {@link #current()} once and keep that engine for
 * their whole duration; {@link #reload()} builds a new one aside and swaps it in atomically, so scans in
 * flight finish on the old engine (freed by the GC when the last one ends). A failed load keeps the
 * current engine and says why.
 */
public final class EngineHolder {
    /** The loaded engine and where it came from. */
    public record Loaded(Engine engine, Instant loadedAt, long loadMillis) {}

    /** Outcome of a reload: swapped, unchanged (same fingerprint), or failed (old engine kept). */
    public record ReloadResult(Outcome outcome, String message) {}

    public enum Outcome { SWAPPED, UNCHANGED, FAILED }

    private final List<Path> sources;
    private final LoadOptions options;
    private final Function<List<Path>, Engine> loader;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final ReentrantLock reloadLock = new ReentrantLock();
    private volatile ReloadResult lastReload;

    public EngineHolder(List<Path> sources, LoadOptions options) {
        this(sources, options, null);
    }

    /** With a custom loader (tests that need a failing load use a real broken database instead). */
    EngineHolder(List<Path> sources, LoadOptions options, Function<List<Path>, Engine> loader) {
        this.sources = List.copyOf(sources);
        this.options = Objects.requireNonNull(options);
        this.loader = loader != null ? loader : s -> Engine.load(s, this.options);
    }

    /** First load; throws what the engine throws (the daemon refuses to start without a database). */
    public Loaded loadInitial() {
        Loaded l = load();
        current.set(l);
        return l;
    }

    public Loaded current() {
        Loaded l = current.get();
        if (l == null) throw new IllegalStateException("engine not loaded");
        return l;
    }

    public ReloadResult lastReload() { return lastReload; }

    /**
     * Loads the database again. Concurrent reload requests are coalesced: a caller that finds a reload
     * in progress waits for it and returns its result.
     */
    public ReloadResult reload() {
        if (!reloadLock.tryLock()) {
            reloadLock.lock(); // wait for the running reload, then report it
            try {
                return lastReload;
            } finally {
                reloadLock.unlock();
            }
        }
        try {
            Loaded fresh;
            try {
                fresh = load();
            } catch (RuntimeException | OutOfMemoryError e) {
                lastReload = new ReloadResult(Outcome.FAILED, "database reload failed, keeping the previous engine: " + e.getMessage());
                return lastReload;
            }
            Loaded old = current.get();
            if (old != null && Objects.equals(old.engine().database().fingerprint(), fresh.engine().database().fingerprint())) {
                lastReload = new ReloadResult(Outcome.UNCHANGED, "database unchanged (fingerprint " + shortFp(fresh) + "), keeping the current engine");
                return lastReload;
            }
            current.set(fresh);
            lastReload = new ReloadResult(Outcome.SWAPPED, "database reloaded: " + fresh.engine().database().signatureCount()
                    + " signatures, fingerprint " + shortFp(fresh) + ", " + fresh.loadMillis() + " ms");
            return lastReload;
        } finally {
            reloadLock.unlock();
        }
    }

    private static String shortFp(Loaded l) {
        String fp = l.engine().database().fingerprint();
        return fp == null ? "?" : fp.length() > 12 ? fp.substring(0, 12) : fp;
    }

    private Loaded load() {
        long t0 = System.nanoTime();
        Engine e = loader.apply(sources);
        return new Loaded(e, Instant.now(), (System.nanoTime() - t0) / 1_000_000);
    }
}
