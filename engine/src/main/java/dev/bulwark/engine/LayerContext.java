package dev.bulwark.engine;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.signatures.clamav.ContainerRule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/** The {@link ExtractContext} an extractor sees for one container layer; enforces every limit. */
final class LayerContext implements ExtractContext {
    /** Read granularity when pulling a member out of a decompressing stream. */
    private static final int READ_CHUNK = 64 << 10;
    /**
     * Decoding budget of one scan, as a multiple of the max scan size: output read and then dropped
     * (members over a limit) counts too, so an archive of many oversized members costs at most this
     * much inflating instead of every member up to the file-size limit (what ClamAV spends).
     */
    private static final long DECODE_BUDGET_FACTOR = 2;
    /**
     * ClamAV's unzip writes inflated output in stdio-buffer chunks (BUFSIZ, 8 KiB on glibc) and stops
     * before the chunk that would pass the max file size, so a trimmed member's head is a whole number
     * of these chunks (nothing at all when the limit is below one chunk).
     */
    private static final int HEAD_GRANULE = 8192;
    /** Members below this size are never stopped by the compression-ratio guard. */
    private static final long RATIO_FLOOR = 1 << 20;
    /** Initial buffer for a member of unknown size: compressed size times this (text deflates ~3-4:1)... */
    private static final long GUESS_RATIO = 4;
    /** ...but at least this many bytes. */
    private static final long MIN_GUESS = 4 << 10;

    /** Index of SHA-256 in {@link LayerImpl#digest(int)}. */
    private static final int SHA256 = 2;

    private final ScanJob job;
    private final LayerImpl layer;

    LayerContext(ScanJob job, LayerImpl layer) {
        this.job = job;
        this.layer = layer;
    }

    @Override public ScanOptions options() { return job.opt; }
    @Override public Limits limits() { return job.lim; }
    @Override public boolean stopped() { return job.stop || job.timeUp(); }
    @Override public dev.bulwark.engine.formats.archivecommon.DictionaryCache dictionaries() { return job.dictionaries(); }

    @Override
    public long budget() {
        return Math.max(0, Math.min(job.lim.maxFileSize(), job.lim.maxScanSize() - job.scanned));
    }

    @Override
    public boolean admits(long size) {
        if (stopped()) return false;
        String over = size > 0 && job.lim.maxScanSize() - job.scanned < size ? "MaxScanSize"
                : size > 0 && job.lim.maxFileSize() < size ? "MaxFileSize"
                : job.files >= job.lim.maxFiles() ? "MaxFiles" : null;
        if (over == null) return true;
        job.limit(layer, over);
        return false;
    }

    @Override
    public boolean announce(ChildInfo info) {
        checkContainerRules(info, info.declaredSize());
        return !stopped();
    }

    @Override
    public boolean child(ChildInfo info, ByteBuffer data) {
        if (stopped()) return false;
        ByteBuffer d = data.slice(); // only read; extractors of the child see Layer.data(), a read-only view
        checkContainerRules(info, info.declaredSize() >= 0 ? info.declaredSize() : d.limit());
        if (job.stop) return false;
        if (d.limit() == 0) return true;
        if (d.limit() > job.lim.maxFileSize()) return overLimit(info, d.limit(), job.scanned + d.limit() > job.lim.maxScanSize());
        if (!d.hasArray() && !d.isDirect()) d = heapCopy(d);
        LayerImpl c = new LayerImpl(d, null, info.name() == null ? "" : info.name(), layer);
        if (!job.admit(c, d.limit())) {
            record(info, d.limit(), null, "skipped: limit reached (" + job.refused + ")");
            return !stopped();
        }
        job.scanLayer(c, info.typeHint());
        record(info, d.limit(), c, c.note);
        return !stopped();
    }

    @Override
    public boolean child(ChildInfo info, InputStream in, long compressedSize) throws IOException {
        return fromStream(info, in, compressedSize, false);
    }

    @Override
    public boolean childHead(ChildInfo info, InputStream in, long compressedSize) throws IOException {
        return fromStream(info, in, compressedSize, true);
    }

    /**
     * Reads a member into memory and scans it. Reading stops one byte past the first limit it would
     * break (max file size or the remaining scan size), so a bomb costs at most that much decoding.
     * ClamAV's order applies: the scan size is checked before the file size.
     */
    private boolean fromStream(ChildInfo info, InputStream in, long compressedSize, boolean keepHead) throws IOException {
        if (stopped()) return false;
        if (layer.depth + 1 >= job.lim.maxRecursion()) {
            checkContainerRules(info, info.declaredSize());
            job.limit(layer, "MaxRecursion");
            // (cli15) in the tree, as a member refused by admit() is: its container named it (clamscan -a)
            record(info, Math.max(0, info.declaredSize()), null, "skipped: limit reached (MaxRecursion)");
            return !stopped();
        }
        long cap = Math.min(job.lim.maxFileSize(), Integer.MAX_VALUE - 16);
        long remaining = Math.max(0, job.lim.maxScanSize() - job.scanned);
        long decodable = Math.max(0, DECODE_BUDGET_FACTOR * job.lim.maxScanSize() - job.decoded);
        remaining = Math.min(remaining, decodable);
        long want = Math.min(cap, remaining) + 1;
        // first guess: the declared size, else a typical expansion of the compressed size (growing from a
        // few bytes by doubling cost a dozen copies per small member)
        long guess = info.declaredSize() >= 0 ? info.declaredSize() + 1
                : Math.max(MIN_GUESS, compressedSize > 0 ? compressedSize * GUESS_RATIO : 0);
        int first = (int) Math.min(guess, Math.min(want, READ_CHUNK * 16L));
        // the thread's buffer for this depth when it is large enough; its bytes past n are never read
        byte[] spare = job.scratch.takeMember(layer.depth, first);
        readBuffer = spare != null ? spare : new byte[first];
        try {
            return read(info, in, compressedSize, keepHead, want, cap, remaining);
        } finally {
            // the member's layer has been scanned and dropped: nothing refers to the array any more
            job.scratch.giveMember(layer.depth, readBuffer);
            readBuffer = null;
        }
    }

    /** The array {@link #read} reads the current member into (grown there); set only while reading. */
    private byte[] readBuffer;

    /** The rest of {@link #fromStream}: reads the member into {@link #readBuffer}, then scans it. */
    private boolean read(ChildInfo info, InputStream in, long compressedSize, boolean keepHead,
                         long want, long cap, long remaining) throws IOException {
        byte[] buf = readBuffer;
        int n = 0;
        while (n < want) {
            if (n == buf.length) readBuffer = buf = Arrays.copyOf(buf, (int) Math.min(want, (long) buf.length * 2));
            int r = in.read(buf, n, Math.min(buf.length - n, READ_CHUNK));
            if (r < 0) break;
            n += r;
            job.decoded += r;
            if (compressedSize > 0 && n > RATIO_FLOOR && n / compressedSize > job.lim.maxRatio()) {
                checkContainerRules(info, info.declaredSize());
                record(info, n, null, "skipped: compression ratio above " + job.lim.maxRatio());
                return !stopped();
            }
            if (stopped()) return false;
        }
        if (n > cap && keepHead && cap <= remaining) {
            int head = (int) (cap / HEAD_GRANULE * HEAD_GRANULE);
            return head == 0 ? !stopped() : child(info, ByteBuffer.wrap(buf, 0, head));
        }
        if (n > remaining || n > cap) {
            checkContainerRules(info, info.declaredSize() >= 0 ? info.declaredSize() : n);
            return overLimit(info, n, n > remaining);
        }
        return child(info, ByteBuffer.wrap(buf, 0, n));
    }

    /**
     * A copy of a read-only view of heap bytes (a member sliced from {@link dev.bulwark.engine.formats.Layer#data()},
     * a decoder's output view). Such a view hides its array, so the matcher, the normalisers and the marker
     * scans would each copy it in chunks or read it a byte per call; one copy gives all of them the array.
     */
    private static ByteBuffer heapCopy(ByteBuffer d) {
        byte[] a = new byte[d.limit()];
        d.get(0, a);
        return ByteBuffer.wrap(a);
    }

    /**
     * Skips a member over a size limit and reports the limit; ClamAV checks the scan size before the
     * file size, so {@code scanSize} names the one that applies.
     */
    private boolean overLimit(ChildInfo info, long size, boolean scanSize) {
        record(info, size, null, scanSize ? "skipped: scan size limit reached" : "skipped: larger than max file size");
        job.limit(layer, scanSize ? "MaxScanSize" : "MaxFileSize");
        return !stopped();
    }

    @Override
    public void limit(String which) {
        job.limit(layer, which);
    }

    @Override
    public boolean heuristic(String name) {
        job.report(layer, name, -1, dev.bulwark.engine.signatures.clamav.SignatureSet.isWeak(name));
        return !stopped();
    }

    @Override
    public boolean link(String realUrl, String displayedText) {
        if (!job.opt.phishingUrls() || job.sigs.phishing == null) return !stopped();
        String hit = job.sigs.phishing.check(realUrl, displayedText, job.opt.alert(ScanOptions.Alert.PHISHING_SSL),
                job.opt.alert(ScanOptions.Alert.PHISHING_CLOAK));
        if (hit != null) job.report(layer, hit, -1, false);
        return !stopped();
    }

    @Override
    public void listed(List<String> names) {
        layer.listed = List.copyOf(names);
    }

    @Override
    public void note(String message) {
        if (layer.note == null) layer.note = message;
    }

    @Override
    public List<Layer> stack() {
        ArrayDeque<Layer> s = new ArrayDeque<>();
        for (LayerImpl x = layer; x != null; x = x.parent) s.addFirst(x);
        return List.copyOf(s);
    }

    private void checkContainerRules(ChildInfo info, long realSize) {
        for (ContainerRule r : job.sigs.containerRules) {
            if (job.stop && !job.opt.allMatch()) return;
            if (r.matches(layer.type, layer.data.limit(), info.name(), info.compressedSize(), realSize, info.encrypted(), info.position())) {
                job.report(layer, r.name(), -1, dev.bulwark.engine.signatures.clamav.SignatureSet.isWeak(r.name()));
            }
        }
    }

    private void record(ChildInfo info, long size, LayerImpl c, String note) {
        if (layer.children.size() >= 10_000) return;
        String sha256 = c != null && job.opt.childDigests() ? java.util.HexFormat.of().formatHex(c.digest(SHA256)) : null;
        layer.children.add(new ScanResult.LayerInfo(c != null ? c.path : (layer.path.isEmpty() ? "" : layer.path + "//") + info.name(),
                c != null && c.type != null ? c.type.clamName() : null, size, sha256, note,
                c != null ? List.copyOf(c.children) : List.of(), c != null ? c.listed : null, c != null ? c.blocks : 0,
                c != null && c.type != null && job.opt.countBlocks() ? c.key() : 0));
    }
}
