package dev.bulwark.server;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The one engine shared by every connection. Scans {@link #acquire()} the current engine once and keep it
 * for their whole duration; {@link #reload()} builds a new one aside while the old one keeps serving and
 * swaps it in atomically, so scans in flight finish on the old engine. A failed load keeps the current
 * engine and says why.
 *
 * <p>Memory: a reload briefly holds two engines, and the collector grows the heap to that peak and keeps
 * it. So once nothing can use an engine any more (the old one after a swap, when its last scan ends; a
 * new one that was dropped because the database was unchanged or broken), the holder asks for one full
 * collection on a background thread ({@link HeapTrim}), which lets the collector give the unused heap back
 * to the system (with the daemon's JVM options in bin/bulwark). The same happens once after the first load,
 * for the loader's garbage.
 *
 * <p>{@code ConcurrentDatabaseReload no} (clamd's blocking reload, for hosts that cannot hold two engines):
 * a reload closes the gate (new scans wait in {@link #acquire()}), waits for the scans in flight to end,
 * drops the old engine and collects it, then loads the new one and opens the gate; the peak is one engine.
 * If that load fails there is no engine left, as in clamd 1.4.6 (server-th.c frees the old engine before
 * the load and keeps running with none). Bulwark keeps running too, but fails closed: every scan answers
 * an ERROR saying so, until a later RELOAD or SelfCheck loads a good database.
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
    private final AtomicReference<Slot> current = new AtomicReference<>();
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final HeapTrim trim;
    private volatile ReloadResult lastReload;
    /** ConcurrentDatabaseReload: true builds the new engine aside; false releases the old one first. */
    private final boolean concurrent;
    /** Blocking reloads only: closed (true) while the old engine drains and the new one loads. Guarded by gate. */
    private boolean gateClosed;
    private final Object gate = new Object();
    /** Blocking reloads only: the holder has no engine (gate closed, or the blocking load failed). */
    private volatile boolean empty;

    /** An engine with the number of scans using it; retired once replaced. */
    private final class Slot {
        final Loaded loaded;
        final AtomicInteger users = new AtomicInteger();
        volatile boolean retired;

        Slot(Loaded loaded) { this.loaded = loaded; }

        /** Set when a blocking reload waits for this engine's last scan (it collects the heap itself). */
        volatile boolean draining;

        void release() {
            if (users.decrementAndGet() == 0) {
                if (draining) {
                    synchronized (gate) { gate.notifyAll(); }
                } else if (retired) {
                    trim.request();
                }
            }
        }

        /**
         * Replaced: once its last scan ends the heap it held is given back. True when no scan uses it now
         * (the caller then asks for the trim itself; a scan that still runs asks when it ends).
         */
        boolean retire() {
            retired = true;
            return users.get() == 0;
        }
    }

    /**
     * A scan's hold on one engine: the engine stays the same for the whole scan, even across a reload.
     * Close it when the scan ends (the old engine's memory is given back after its last lease closes).
     */
    public final class Lease implements AutoCloseable {
        private final Slot slot;
        private boolean closed;

        private Lease(Slot slot) { this.slot = slot; }

        public Loaded loaded() { return slot.loaded; }

        public Engine engine() { return slot.loaded.engine(); }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            slot.release();
        }
    }

    public EngineHolder(List<Path> sources, LoadOptions options) {
        this(sources, options, true);
    }

    /** {@code concurrent}: clamd's ConcurrentDatabaseReload (default yes). */
    public EngineHolder(List<Path> sources, LoadOptions options, boolean concurrent) {
        this(sources, options, concurrent, null);
    }

    /** With a custom loader (tests that need a failing load use a real broken database instead). */
    EngineHolder(List<Path> sources, LoadOptions options, Function<List<Path>, Engine> loader) {
        this(sources, options, true, loader);
    }

    EngineHolder(List<Path> sources, LoadOptions options, boolean concurrent, Function<List<Path>, Engine> loader) {
        this.concurrent = concurrent;
        this.sources = List.copyOf(sources);
        this.options = Objects.requireNonNull(options);
        this.loader = loader != null ? loader : s -> Engine.load(s, this.options);
        this.trim = new HeapTrim();
    }

    /** Full collections run so far to give unused heap back (requests close together share one). */
    public long heapTrims() { return trim.count(); }

    /** Times an engine became unused and a heap trim was asked for. */
    public long heapTrimRequests() { return trim.requests(); }

    /** First load; throws what the engine throws (the daemon refuses to start without a database). */
    public Loaded loadInitial() {
        Loaded l = load();
        current.set(new Slot(l));
        trim.request(); // the loader's garbage
        return l;
    }

    /** The message of scans and reports when there is no engine (a blocking reload failed). */
    static final String NO_ENGINE = "no database loaded: the blocking reload (ConcurrentDatabaseReload no) failed";

    /** The current engine, for reports (scans use {@link #acquire()}); waits while a blocking reload runs. */
    public Loaded current() {
        if (!concurrent) awaitGate();
        Slot s = current.get();
        if (s == null) throw new IllegalStateException(empty ? NO_ENGINE : "engine not loaded");
        return s.loaded;
    }

    /** The current engine or null (none: a blocking reload runs or failed), without waiting; for reports. */
    public Loaded currentOrNull() {
        Slot s = current.get();
        return s == null ? null : s.loaded;
    }

    /** Whether the holder has an engine to serve (false while a blocking reload runs or after it failed). */
    public boolean hasEngine() { return current.get() != null; }

    /** The current engine for one scan; close the lease when the scan is done. Waits while a blocking reload runs. */
    public Lease acquire() {
        if (!concurrent) {
            synchronized (gate) {
                waitGateLocked();
                Slot s = current.get();
                if (s == null) throw new IllegalStateException(empty ? NO_ENGINE : "engine not loaded");
                s.users.incrementAndGet(); // under the gate: a blocking reload sees this scan and waits for it
                return new Lease(s);
            }
        }
        Slot s = current.get();
        if (s == null) throw new IllegalStateException("engine not loaded");
        s.users.incrementAndGet(); // a reload may retire s meanwhile: its last release then trims
        return new Lease(s);
    }

    /** Tests: a blocking reload has closed the gate (it drains the old engine or loads the new one). */
    boolean blockingReloadInProgress() {
        synchronized (gate) { return gateClosed; }
    }

    private void awaitGate() {
        synchronized (gate) { waitGateLocked(); }
    }

    private void waitGateLocked() {
        boolean interrupted = false;
        while (gateClosed) {
            try {
                gate.wait();
            } catch (InterruptedException e) {
                interrupted = true; // a scan thread is not cancelled by the reload: keep waiting, restore the flag
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
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
        boolean unused;
        try {
            unused = concurrent ? loadAndSwap() : blockingReload();
        } finally {
            reloadLock.unlock();
        }
        // asked only here, after loadAndSwap's frame (which held both engines) is gone
        if (unused) trim.request();
        return lastReload;
    }

    /** Loads, compares and swaps; true when an engine became unused (nothing can reach it any more). */
    private boolean loadAndSwap() {
        Loaded fresh;
        try {
            fresh = load();
        } catch (RuntimeException | OutOfMemoryError e) {
            lastReload = new ReloadResult(Outcome.FAILED, "database reload failed, keeping the previous engine: " + e.getMessage());
            return true; // whatever the failed load had built
        }
        Slot old = current.get();
        if (old != null && Objects.equals(old.loaded.engine().database().fingerprint(), fresh.engine().database().fingerprint())) {
            lastReload = new ReloadResult(Outcome.UNCHANGED, "database unchanged (fingerprint " + shortFp(fresh) + "), keeping the current engine");
            return true; // the engine just built is dropped
        }
        current.set(new Slot(fresh));
        lastReload = new ReloadResult(Outcome.SWAPPED, "database reloaded: " + fresh.engine().database().signatureCount()
                + " signatures, fingerprint " + shortFp(fresh) + ", " + fresh.loadMillis() + " ms");
        return old != null && old.retire();
    }

    /**
     * ConcurrentDatabaseReload no: close the gate, wait for the scans in flight, drop and collect the old
     * engine, load the new one, open the gate. The database is not compared with the old one (that would
     * need the old engine held during the load); the result is SWAPPED or FAILED. True in both cases: the load
     * left garbage to give back (a successful one too, as the first load does).
     */
    private boolean blockingReload() {
        synchronized (gate) { gateClosed = true; }
        try {
            drainAndDrop();
            System.gc(); // the old engine is unreachable now: free it before the new one is built (not in the background)
            Loaded fresh;
            try {
                fresh = load();
            } catch (RuntimeException | OutOfMemoryError e) {
                lastReload = new ReloadResult(Outcome.FAILED, "database reload failed and the previous engine was already released"
                        + " (ConcurrentDatabaseReload no): every scan fails until a reload succeeds: " + e.getMessage());
                return true;
            }
            current.set(new Slot(fresh));
            empty = false;
            lastReload = new ReloadResult(Outcome.SWAPPED, "database reloaded (blocking): " + fresh.engine().database().signatureCount()
                    + " signatures, fingerprint " + shortFp(fresh) + ", " + fresh.loadMillis() + " ms");
            return true; // the loader's garbage, as after the first load (trim13: RSS after a blocking RELOAD 177 -> ~145 MB)
        } finally {
            synchronized (gate) {
                gateClosed = false;
                gate.notifyAll();
            }
        }
    }

    /** Waits until no scan uses the current engine, then forgets it (nothing in this frame keeps it after return). */
    private void drainAndDrop() {
        synchronized (gate) {
            Slot old = current.get();
            if (old != null) {
                old.draining = true;
                old.retired = true;
                boolean interrupted = false;
                while (old.users.get() > 0) {
                    try {
                        gate.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) Thread.currentThread().interrupt();
            }
            empty = true;
            current.set(null);
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
