package dev.bulwark.engine.db.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A compiled database snapshot ({@code .bsnap}): one little-endian file holding the matcher tables,
 * patterns, hash indexes, names and logical signatures exactly as the engine uses them.
 *
 * <pre>
 *   0   8  magic "BWSNAP\r\n"
 *   8   4  format version ({@link #FORMAT})
 *  12   4  flags (0)
 *  16   8  payload length P
 *  24   P  payload: metadata, source list, compiled signature set
 *  24+P 4  N, the number of 4 KiB blocks of bytes [0, 24+P) (the last one may be short)
 *  28+P 4N CRC32 of each block
 *  ...  4  CRC32 of the N and the block checksums
 *  ...  8  end marker "BWSNEND\0"
 * </pre>
 * (format 13) Per-block checksums: a one-shot scan of a large snapshot checks the hash indexes' sized arrays
 * block by block when a lookup first reads them, everything else at load (see {@code Blocks}).
 */
public final class Snapshot {
    static final byte[] MAGIC = "BWSNAP\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "BWSNEND\0".getBytes(StandardCharsets.US_ASCII);
    /**
     * Bump on any layout change: older snapshots are refused and must be recompiled. 5: body-pattern parts
     * with a weak 2-byte anchor next to an indexed part are no longer in the atom index (atom index format 5).
     * 6: nor are such parts next to an unbounded gap; the body patterns store their open first parts' anchors.
     * 7: the checksum is CRC32 instead of CRC32C: the JVM's interpreter has an intrinsic for CRC32 only, and a
     * one-file scan checks its snapshot before anything is compiled (0.3 instead of 1.7 ms for 800 KB).
     * 8: the body patterns' atom index also holds the embedded-type rules' atoms (a count after the entry
     * tables), so the raw pass finds their candidates (EmbeddedTypeFinder).
     * 9: and the whole-layer marker searches' atoms (MHTML, HTML tags and href, UDF; MarkerCandidates).
     * 10: logical signatures are stored with their offsets, subsignature counts and zero-true ids, and decoded
     * on first use (LogicalSigs).
     * 11: a part whose anchor has no five exact bytes in a row is searched next to a neighbour that has them
     * (BodyPattern.level), so the index no longer holds it; the decoded patterns derive this, hence the bump.
     * 12: logical expressions are parsed as libclamav's cli_ac_chklsig reads them (Logic.parse): a group with both
     * {@code &} and {@code |} one parenthesis deep, such as {@code (0|1&2)}, is now stored as {@code (0|1)&2}; the body signatures' libclamav matcher ranks and Boyer-Moore anchors
     * (SignatureSet.ndbOrder) follow their names.
     * 13: a CRC32 per 4 KiB block instead of one over the file; each hash index stores a fence (every 512th size).
     * 14: the body patterns store each target's longest pattern as libclamav's tries hold it (PatternSet.acMaxLength,
     * the summary's "Data scanned" of data over 128 KiB), which was worked out by decoding every pattern.
     */
    public static final int FORMAT = 14;
    static final int HEADER = 24;
    /** Trailer bytes besides the block checksums: their count, their own checksum, the end marker. */
    static final int TRAILER_FIXED = 16;

    /** Bytes of the trailer after a payload of {@code payload} bytes. */
    public static long trailer(long payload) {
        return TRAILER_FIXED + 4L * dev.bulwark.engine.match.Blocks.count(HEADER + payload);
    }

    /**
     * Recomputes the block checksums of a snapshot image whose payload was modified (its trailer in place:
     * the payload length in its header decides where). For tests and tools that craft snapshots.
     */
    public static void reseal(byte[] image) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(image).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long covered = HEADER + b.getLong(16);
        int n = dev.bulwark.engine.match.Blocks.count(covered);
        int at = (int) covered;
        b.putInt(at, n);
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        for (int k = 0; k < n; k++) {
            c.reset();
            int from = k * dev.bulwark.engine.match.Blocks.SIZE;
            c.update(image, from, (int) Math.min(dev.bulwark.engine.match.Blocks.SIZE, covered - from));
            b.putInt(at + 4 + 4 * k, (int) c.getValue());
        }
        c.reset();
        c.update(image, at, 4 + 4 * n);
        b.putInt(at + 4 + 4 * n, (int) c.getValue());
    }
    /** Largest snapshot: one memory mapping (2 GiB). */
    static final long MAX_FILE = Integer.MAX_VALUE;
    /** File-name extension recognised by the loader. */
    public static final String EXTENSION = ".bsnap";

    private Snapshot() {}

    /** A source file (or directory listing) the snapshot was compiled from, as it was then. */
    public record Source(String path, boolean directory, long size, long mtimeMillis, String sha256) {}

    /** What {@code bulwark db info} prints. */
    public record Info(int format, long fileSize, long createdMillis, List<Source> sources, List<String> stale,
                       int signatures, int bodyPatterns, int logicalSignatures, int hashEntries, int names,
                       long dailyVersion, String fingerprint) {}

    public static boolean isSnapshot(String fileName) {
        return fileName.endsWith(EXTENSION);
    }
}
