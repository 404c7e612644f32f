package dev.bulwark.engine.formats;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/** What an extractor may do with the scan that called it. All limits are enforced here. */
public interface ExtractContext {

    ScanOptions options();

    default Limits limits() { return options().limits(); }

    /**
     * Scans {@code data} as a child layer of the current one (recursively, with its own extractors).
     *
     * @return false when the extractor should stop now (detection found, a limit reached, time up)
     */
    boolean child(ChildInfo info, ByteBuffer data);

    /**
     * Reads a member from a decompressing stream into memory, bounded by the limits (member size,
     * remaining scan size, ratio), then scans it as a child. Over-limit members are skipped the way
     * ClamAV skips them.
     *
     * @param compressedSize bytes the member occupies in the container (for the ratio guard), or -1
     * @return false when the extractor should stop now
     */
    boolean child(ChildInfo info, InputStream in, long compressedSize) throws IOException;

    /**
     * Like {@link #child(ChildInfo, InputStream, long)}, except that a member longer than the max file
     * size is cut there and its head scanned instead of skipped (ClamAV's unzip trims members this way).
     */
    default boolean childHead(ChildInfo info, InputStream in, long compressedSize) throws IOException {
        return child(info, in, compressedSize);
    }

    /**
     * Tells that the container's member names were all read before any member is extracted (a ZIP's central
     * directory, as ClamAV's unzip indexes it), in the order ClamAV's metadata callback sees them: clamscan -a names a
     * detection's container by the last of them, and -a -v prints each (see ScanResult.LayerInfo#listed).
     */
    default void listed(List<String> names) {}

    /** Reports metadata of a member that will not be extracted (encrypted, unsupported): {@code .cdb} still sees it. */
    boolean announce(ChildInfo info);

    /** Bytes a single member may still occupy: min(max file size, remaining scan size). */
    long budget();

    /**
     * ClamAV's cli_checklimits for a member it will not extract but still reports on (an encrypted 7z member):
     * false, and the limit recorded (Heuristics.Limits.Exceeded.* when asked), when its declared {@code size} passes
     * the remaining scan size or the max file size, or the file count is reached.
     */
    default boolean admits(long size) { return !stopped() && size <= budget(); }

    /** True once the scan should stop (time up, detection in non-all-match mode, file count reached). */
    boolean stopped();

    /** Raises a heuristic detection (e.g. {@code Heuristics.Encrypted.Zip}); returns false if the scan stops. */
    boolean heuristic(String name);

    /**
     * (cli15) A limit met by the container itself (e.g. a ZIP's central directory indexed up to MaxFiles records):
     * recorded as the scan's limit, and with --alert-exceeds-max reported on this layer as
     * Heuristics.Limits.Exceeded.WHICH, as libclamav's cli_append_potentially_unwanted_if_heur_exceedsmax does.
     */
    default void limit(String which) {}

    /**
     * Reports a link found in mail-borne HTML (href target and the text the reader sees). The scanner
     * checks it against the phishing databases ({@code .pdb/.wdb}) and raises
     * {@code Heuristics.Phishing.*} when it is spoofed. Returns false when the scan should stop.
     */
    boolean link(String realUrl, String displayedText);

    /**
     * (fuzz19) The LZMA/XZ dictionary cache of the whole top-level scan: an extractor that decodes LZMA (xz, SWF's ZWS,
     * ZIP and NSIS members) takes its dictionary from here and gives it back on close, so that many small layers each
     * declaring a large dictionary share one array instead of allocating (and the JVM zeroing) one each: a tar of
     * 3,000 38-byte ZWS or 68-byte xz files declaring 64 MiB took 15 s of CPU and hit MaxScanTime (missing an EICAR
     * after them that clamscan finds in 1 s, since malloc leaves untouched pages unmapped). Not thread-safe: one scan,
     * one thread. This default (contexts outside a scan) gives a fresh cache each call.
     */
    default dev.bulwark.engine.formats.archivecommon.DictionaryCache dictionaries() {
        return new dev.bulwark.engine.formats.archivecommon.DictionaryCache();
    }

    /** Records that the layer is malformed in some way (shown in JSON output and debug logs). */
    void note(String message);

    /** The ancestors of the current layer, outermost first (for cdb/Container checks by extractors). */
    List<Layer> stack();
}
