package dev.bulwark.engine;

/**
 * Every bound a scan obeys. Defaults are ClamAV 1.4's, so verdicts agree; 0 given by a user means
 * "no limit" and is turned into the hard cap by {@link #normalize()}.
 *
 * @param maxScanSize     bytes of all layers of one top-level file (ClamAV MaxScanSize)
 * @param maxFileSize     bytes of the top-level file and of any one layer (MaxFileSize)
 * @param maxRecursion    layers at depth d are scanned only while d &lt; maxRecursion (MaxRecursion)
 * @param maxFiles        layers scanned per top-level file, the file itself included (MaxFiles)
 * @param maxScanTimeMillis wall time for one top-level file (MaxScanTime)
 * @param maxEmbeddedPe   layers larger than this are not searched for embedded executables
 * @param maxHtmlNormalize HTML larger than this is not normalised
 * @param maxScriptNormalize text larger than this is not normalised
 * @param maxZipTypeRcg   ZIP layers larger than this skip embedded type recognition
 * @param pcreMatchLimit  steps one regular-expression execution may take before it fails
 * @param pcreMaxFileSize layers larger than this skip regular-expression subsignatures
 * @param maxRatio        largest accepted ratio of decompressed to compressed bytes for one member
 */
public record Limits(long maxScanSize, long maxFileSize, int maxRecursion, int maxFiles,
                     long maxScanTimeMillis, long maxEmbeddedPe, long maxHtmlNormalize,
                     long maxScriptNormalize, long maxZipTypeRcg, long pcreMatchLimit,
                     long pcreMaxFileSize, long maxRatio) {

    private static final long MiB = 1024L * 1024;
    /** Layers are addressed with int offsets (as ClamAV's 32-bit maps): nothing above 2 GiB - 1. */
    public static final long HARD_MAX_LAYER = Integer.MAX_VALUE;
    /** A scan limit given as 0 ("unlimited") becomes this, as ClamAV caps it. */
    public static final long HARD_MAX_SCAN = 4L * 1024 * MiB;
    /** Depth used when the user disables the recursion limit: still finite to stop nesting bombs. */
    public static final int HARD_MAX_RECURSION = 128;

    public static final Limits DEFAULTS = new Limits(400 * MiB, 100 * MiB, 17, 10_000, 120_000,
            40 * MiB, 40 * MiB, 20 * MiB, 1 * MiB, 100_000, 100 * MiB, 10_000);

    /** Replaces "0 = unlimited" by the hard caps, so the scanner never compares against zero. */
    public Limits normalize() {
        return new Limits(
                maxScanSize <= 0 ? HARD_MAX_SCAN : maxScanSize,
                maxFileSize <= 0 || maxFileSize > HARD_MAX_LAYER ? HARD_MAX_LAYER : maxFileSize,
                maxRecursion <= 0 ? HARD_MAX_RECURSION : Math.min(maxRecursion, HARD_MAX_RECURSION),
                maxFiles <= 0 ? Integer.MAX_VALUE : maxFiles,
                maxScanTimeMillis <= 0 ? Long.MAX_VALUE / 4 : maxScanTimeMillis,
                maxEmbeddedPe, maxHtmlNormalize, maxScriptNormalize, maxZipTypeRcg,
                pcreMatchLimit <= 0 ? Long.MAX_VALUE / 4 : pcreMatchLimit,
                pcreMaxFileSize <= 0 ? HARD_MAX_LAYER : pcreMaxFileSize,
                maxRatio <= 0 ? Long.MAX_VALUE / 4 : maxRatio);
    }

    public Limits withMaxScanSize(long v) { return new Limits(v, maxFileSize, maxRecursion, maxFiles, maxScanTimeMillis, maxEmbeddedPe, maxHtmlNormalize, maxScriptNormalize, maxZipTypeRcg, pcreMatchLimit, pcreMaxFileSize, maxRatio); }
    public Limits withMaxFileSize(long v) { return new Limits(maxScanSize, v, maxRecursion, maxFiles, maxScanTimeMillis, maxEmbeddedPe, maxHtmlNormalize, maxScriptNormalize, maxZipTypeRcg, pcreMatchLimit, pcreMaxFileSize, maxRatio); }
    public Limits withMaxRecursion(int v) { return new Limits(maxScanSize, maxFileSize, v, maxFiles, maxScanTimeMillis, maxEmbeddedPe, maxHtmlNormalize, maxScriptNormalize, maxZipTypeRcg, pcreMatchLimit, pcreMaxFileSize, maxRatio); }
    public Limits withMaxFiles(int v) { return new Limits(maxScanSize, maxFileSize, maxRecursion, v, maxScanTimeMillis, maxEmbeddedPe, maxHtmlNormalize, maxScriptNormalize, maxZipTypeRcg, pcreMatchLimit, pcreMaxFileSize, maxRatio); }
    public Limits withMaxScanTimeMillis(long v) { return new Limits(maxScanSize, maxFileSize, maxRecursion, maxFiles, v, maxEmbeddedPe, maxHtmlNormalize, maxScriptNormalize, maxZipTypeRcg, pcreMatchLimit, pcreMaxFileSize, maxRatio); }
    public Limits withMaxEmbeddedPe(long v) { return new Limits(maxScanSize, maxFileSize, maxRecursion, maxFiles, maxScanTimeMillis, v, maxHtmlNormalize, maxScriptNormalize, maxZipTypeRcg, pcreMatchLimit, pcreMaxFileSize, maxRatio); }
    public Limits withMaxHtmlNormalize(long v) { return new Limits(maxScanSize, maxFileSize, maxRecursion, maxFiles, maxScanTimeMillis, maxEmbeddedPe, v, maxScriptNormalize, maxZipTypeRcg, pcreMatchLimit, pcreMaxFileSize, maxRatio); }
    public Limits withMaxScriptNormalize(long v) { return new Limits(maxScanSize, maxFileSize, maxRecursion, maxFiles, maxScanTimeMillis, maxEmbeddedPe, maxHtmlNormalize, v, maxZipTypeRcg, pcreMatchLimit, pcreMaxFileSize, maxRatio); }
    public Limits withMaxZipTypeRcg(long v) { return new Limits(maxScanSize, maxFileSize, maxRecursion, maxFiles, maxScanTimeMillis, maxEmbeddedPe, maxHtmlNormalize, maxScriptNormalize, v, pcreMatchLimit, pcreMaxFileSize, maxRatio); }
    public Limits withPcreMatchLimit(long v) { return new Limits(maxScanSize, maxFileSize, maxRecursion, maxFiles, maxScanTimeMillis, maxEmbeddedPe, maxHtmlNormalize, maxScriptNormalize, maxZipTypeRcg, v, pcreMaxFileSize, maxRatio); }
    public Limits withPcreMaxFileSize(long v) { return new Limits(maxScanSize, maxFileSize, maxRecursion, maxFiles, maxScanTimeMillis, maxEmbeddedPe, maxHtmlNormalize, maxScriptNormalize, maxZipTypeRcg, pcreMatchLimit, v, maxRatio); }
}
