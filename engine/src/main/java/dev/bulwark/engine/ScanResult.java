package dev.bulwark.engine;

import java.util.List;

/**
 * The outcome of scanning one object.
 *
 * @param status      the verdict
 * @param detections  every detection reported (one unless all-match), strong ones first
 * @param size        bytes of the top-level object
 * @param bytesScanned bytes of every layer handed to the matchers (can exceed size)
 * @param layers      number of layers scanned (the object itself included)
 * @param error       what went wrong when status is ERROR, else null
 * @param nanos       scan time
 * @param tree        the extraction tree (for JSON output), or null when not recorded
 * @param blocks      what libclamav's scanned-bytes counter (clamscan's "Data scanned") adds for this object, in 4 KiB
 *                    blocks: each matcher run over a layer or a normalised view adds its length / 4096, rounded
 *                    down by itself; counted only with {@link ScanOptions#countBlocks()} (else 0)
 */
public record ScanResult(Status status, List<Detection> detections, long size, long bytesScanned,
                         int layers, String error, long nanos, LayerInfo tree, long blocks, List<Raised> raised) {

    public ScanResult(Status status, List<Detection> detections, long size, long bytesScanned, int layers, String error,
                      long nanos, LayerInfo tree) {
        this(status, detections, size, bytesScanned, layers, error, nanos, tree, 0,
                detections.stream().map(d -> new Raised(d, Integer.MAX_VALUE)).toList());
    }

    /**
     * (cli15) An alert as libclamav's evidence holds it: raised on the layer at {@code detection.path()} when that layer
     * had recorded {@code afterChildren} children (Integer.MAX_VALUE: after all of them).
     */
    public record Raised(Detection detection, int afterChildren) {}

    public enum Status { CLEAN, INFECTED, EMPTY, ERROR }

    public boolean infected() { return status == Status.INFECTED; }

    /**
     * One node of the extraction tree: what a layer was and why it was or was not scanned.
     *
     * @param listed for a container whose member names are all read before any member is extracted (a ZIP's
     *     central directory), those names in the order ClamAV's metadata callback sees them (a ZIP member's central
     *     name, then its local header's: clamscan -a and -v print them); else null
     * @param blocks (cli15) what this layer's own matcher runs added to {@link ScanResult#blocks()} (its children's
     *     not included), with {@link ScanOptions#countBlocks()}
     * @param key    (cli15) with {@link ScanOptions#countBlocks()}, a 64-bit checksum of the layer's bytes (CRC-32C and
     *     CRC-32) for replaying libclamav's clean cache over the tree ("Data scanned" of a cached layer is 0); 0 when
     *     not computed (such a layer is never taken as cached)
     */
    public record LayerInfo(String path, String type, long size, String sha256, String note, List<LayerInfo> children,
                            List<String> listed, long blocks, long key) {
        public LayerInfo(String path, String type, long size, String sha256, String note, List<LayerInfo> children,
                         List<String> listed) {
            this(path, type, size, sha256, note, children, listed, 0, 0);
        }
        public LayerInfo(String path, String type, long size, String sha256, String note, List<LayerInfo> children) {
            this(path, type, size, sha256, note, children, null);
        }
    }
}
