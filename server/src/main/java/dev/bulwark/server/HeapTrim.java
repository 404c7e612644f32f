package dev.bulwark.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives heap that an engine no longer needs back to the system: one full collection on a background
 * thread, after which the collector shrinks the heap to its live data plus MaxHeapFreeRatio (the serial
 * and G1 collectors do this only at a full collection; a daemon between reloads might never have one).
 * Requests that arrive before the collection starts share it. Costs one full collection per reload
 * (a few hundred milliseconds of CPU with the large database), off the scanning threads.
 */
final class HeapTrim {
    /**
     * Wait before collecting: the thread that dropped the last reference to an engine is still returning
     * from the frame that held it (a scan's lease, the reload), and a collection before that would find
     * the engine still reachable.
     */
    private static final long SETTLE_MILLIS = 200;

    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    void request() {
        requests.incrementAndGet();
        if (!pending.compareAndSet(false, true)) return; // the collection about to run covers this request
        Thread.ofPlatform().daemon(true).name("bulwark-heap-trim").start(() -> {
            try {
                Thread.sleep(SETTLE_MILLIS);
            } catch (InterruptedException e) {
                pending.set(false);
                return;
            }
            pending.set(false); // a request from now on gets a collection of its own
            System.gc();
            done.incrementAndGet();
        });
    }

    /** Collections run so far (requests close together share one). */
    long count() { return done.get(); }

    /** Requests so far. */
    long requests() { return requests.get(); }
}
