package dev.bulwark.cli;

import dev.bulwark.engine.Detection;
import dev.bulwark.engine.ScanResult;
import java.util.HashSet;
import java.util.Set;

/**
 * (cli15) clamscan's "Data scanned" (info.blocks): what libclamav's scanned-bytes counter adds per file
 * ({@link ScanResult#blocks()}), less what its clean cache saves. libclamav looks every layer up in the cache before
 * scanning it (a layer whose content an earlier file or member of this run scanned clean is not scanned at all: no
 * blocks for it or anything inside it) and caches a layer after it scanned clean, as long as nothing alerted so far
 * in the file. This replays that over each file's extraction tree in clamscan's order, with each layer's own blocks
 * and checksum ({@link ScanResult.LayerInfo#blocks}, {@link ScanResult.LayerInfo#key}); ArchiveVerbose replays the
 * same cache for its level counts.
 */
final class DataScanned {
    /** Bound of the clean cache (libclamav's holds 65,536 entries). */
    private static final int CACHE_MAX = 65_536;

    /** The layers scanned clean so far (checksum and size), or null with --disable-cache. */
    private final Set<String> clean;
    private Set<String> detected;
    private boolean alerted;

    DataScanned(boolean cache) {
        clean = cache ? new HashSet<>() : null;
    }

    /** The blocks clamscan counts for one scanned file (every file, in scan order: clean ones fill the cache). */
    long blocks(ScanResult r) {
        if (clean == null || r.tree() == null) return r.blocks();
        detected = new HashSet<>();
        for (Detection d : r.detections()) detected.add(d.path());
        alerted = false;
        return visit(r.tree());
    }

    private long visit(ScanResult.LayerInfo node) {
        // (startup16) a StringBuilder, not '+': the concatenation's invokedynamic spun a hidden class and a method handle
        // that the tiny AOT training recorded, and every one-file scan then loaded them at start (the same string)
        String key = node.key() == 0 ? null : new StringBuilder(42).append(node.key()).append(':').append(node.size()).toString();
        if (key != null && clean.contains(key)) return 0;
        long sum = node.blocks();
        for (ScanResult.LayerInfo c : node.children()) sum += visit(c);
        if (detected.contains(node.path())) alerted = true;
        if (!alerted && key != null && clean.size() < CACHE_MAX) clean.add(key);
        return sum;
    }
}
