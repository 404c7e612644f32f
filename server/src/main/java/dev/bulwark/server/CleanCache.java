package dev.bulwark.server;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * clamd's clean-file cache: (SHA-256 of the content, size, scan options) → "clean", for one engine.
 * Bounded LRU; a lookup or insert under a different engine than the one the entries were made with
 * drops them all, so a RELOAD or database change can never serve a verdict of the old database.
 * Only results that are certainly complete are admitted ({@link #cacheable}).
 */
public final class CleanCache {
    /** Default bound, as clamd's cache (65536 entries ≈ 10 MB of heap here). */
    public static final int DEFAULT_SIZE = 65_536;

    /** The key: content hash as four longs (no per-entry array), size, and the options record (value equality). */
    public record Key(long h0, long h1, long h2, long h3, long size, ScanOptions options) {
        public static Key of(byte[] sha256, long size, ScanOptions options) {
            if (sha256.length != 32) throw new IllegalArgumentException("SHA-256 digest expected");
            return new Key(word(sha256, 0), word(sha256, 8), word(sha256, 16), word(sha256, 24), size, options);
        }

        /**
         * The digest's first word: its bits are already uniform. (The generated record hash would also hash
         * the options record, field by field, on every look-up: ~1% of a cold MULTISCAN's CPU.)
         */
        @Override
        public int hashCode() {
            return Long.hashCode(h0);
        }

        /** Field by field; the options compared by identity first (a daemon passes the same instance). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && h0 == k.h0 && h1 == k.h1 && h2 == k.h2 && h3 == k.h3 && size == k.size
                    && (options == k.options || options.equals(k.options));
        }

        private static long word(byte[] b, int off) {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xFF);
            return v;
        }
    }

    /** What a hit replays (the tree is not kept: it can hold thousands of nodes). */
    private record Verdict(long bytesScanned, int layers) {}

    private final int capacity;
    private final LinkedHashMap<Key, Verdict> map;
    /**
     * The engine the entries were made with, held weakly (guarded by this): a scan that finishes on a
     * replaced engine may ask after the reload cleared the cache, and must not keep that engine alive.
     */
    private WeakReference<Object> owner = NONE;
    private static final WeakReference<Object> NONE = new WeakReference<>(null);
    public final LongAdder hits = new LongAdder();
    public final LongAdder misses = new LongAdder();

    /** @param capacity maximum entries; 0 disables the cache */
    public CleanCache(int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("capacity < 0");
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Verdict> eldest) {
                return size() > CleanCache.this.capacity;
            }
        };
    }

    public boolean enabled() { return capacity > 0; }

    public int capacity() { return capacity; }

    public synchronized int size() { return map.size(); }

    /** A clean result replayed from the cache, or null (counted as a miss). */
    public ScanResult get(Object engine, Key key, long t0) {
        if (!enabled()) return null;
        Verdict e;
        synchronized (this) {
            own(engine);
            e = map.get(key);
        }
        if (e == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        return new ScanResult(ScanResult.Status.CLEAN, java.util.List.of(), key.size(), e.bytesScanned(), e.layers(),
                null, System.nanoTime() - t0, null);
    }

    /** Remembers {@code r} if it is {@link #cacheable}; ignored when the engine changed meanwhile. */
    public void put(Object engine, Key key, ScanResult r) {
        if (!enabled() || !cacheable(r, key.options())) return;
        synchronized (this) {
            if (owner.get() != engine) return; // a scan that finished on a replaced engine
            map.put(key, new Verdict(r.bytesScanned(), r.layers()));
        }
    }

    /** Drops every entry (engine swapped). */
    public synchronized void clear() {
        map.clear();
        owner = NONE;
    }

    private void own(Object engine) {
        if (owner.get() != engine) {
            map.clear();
            owner = new WeakReference<>(engine);
        }
    }

    /**
     * Only a clean, error-free result that certainly hit no limit. The result does not say whether a
     * limit was reached, so this is conservative: the tree must exist (a top-level object over
     * MaxFileSize has none) and carry no note anywhere (skipped children and malformed data are
     * noted), the layer count must stay below MaxFiles, the deepest layer must leave room for one
     * more level below MaxRecursion, any refused child up to MaxFileSize must have fitted within
     * MaxScanSize, and the scan must have finished well inside MaxScanTime.
     */
    static boolean cacheable(ScanResult r, ScanOptions o) {
        if (r.status() != ScanResult.Status.CLEAN || r.error() != null || r.tree() == null) return false;
        Limits l = o.limits().normalize();
        if (r.layers() >= l.maxFiles()) return false;
        if (r.bytesScanned() > l.maxScanSize() - Math.min(l.maxFileSize(), l.maxScanSize())) return false;
        long budget = l.maxScanTimeMillis();
        if (budget < Long.MAX_VALUE / 4_000_000L && r.nanos() >= budget * 500_000L) return false; // half the budget
        return clean(r.tree(), 0, l.maxRecursion());
    }

    private static boolean clean(ScanResult.LayerInfo n, int depth, int maxRecursion) {
        if (n.note() != null || depth + 1 >= maxRecursion) return false;
        for (ScanResult.LayerInfo c : n.children()) if (!clean(c, depth + 1, maxRecursion)) return false;
        return true;
    }
}
