package dev.bulwark.engine.formats.archivetest;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An {@link ExtractContext} for extractor tests: enforces the budgets the real scanner enforces
 * (member size, total scan size, file count, ratio) and records every child, announcement,
 * heuristic and note. Children are not scanned recursively.
 */
public final class RecordingContext implements ExtractContext {

    /**
     * One member the extractor handed over. {@code data} is null for an announcement and empty for a
     * member skipped by a limit ({@code skipped}); {@code pulled} is how many bytes were read from it.
     */
    public record Child(ChildInfo info, byte[] data, boolean skipped, long pulled) {
        public boolean announced() { return data == null; }
        /** Kept for readability in bomb tests: a skipped member stopped at a limit. */
        public boolean truncated() { return skipped; }
    }

    private static final int READ_CHUNK = 64 * 1024;
    /** As in the engine: members below this size are never stopped by the ratio guard. */
    private static final long RATIO_FLOOR = 1 << 20;

    private final ScanOptions options;
    private final Limits limits;
    private final List<Child> children = new ArrayList<>();
    private final List<String> heuristics = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long scanned;
    private int files = 1; // the container itself counts, as in ClamAV
    private boolean stopped;
    private final byte[] chunk = new byte[READ_CHUNK];

    public RecordingContext(ScanOptions options) {
        this.options = options;
        this.limits = options.limits().normalize();
    }

    public static RecordingContext defaults() { return new RecordingContext(ScanOptions.defaults()); }

    /** Small limits for fuzzing and bombs: 1 MiB per member, 4 MiB in all, 1000 files. */
    public static RecordingContext small() {
        return new RecordingContext(ScanOptions.defaults().withLimits(Limits.DEFAULTS
                .withMaxFileSize(1 << 20).withMaxScanSize(4 << 20).withMaxFiles(1000)));
    }

    @Override public ScanOptions options() { return options; }
    @Override public Limits limits() { return limits; }

    private boolean admit() {
        if (stopped) return false;
        if (files >= limits.maxFiles()) {
            stopped = true;
            notes.add("limit: MaxFiles");
            return false;
        }
        files++;
        return true;
    }

    @Override
    public boolean child(ChildInfo info, ByteBuffer data) {
        check(info);
        if (!admit()) return false;
        int n = data.remaining();
        if (n > limits.maxFileSize() || n > limits.maxScanSize() - scanned) {
            notes.add("limit: member skipped, " + n + " bytes");
            children.add(new Child(info, new byte[0], true, n));
            return !stopped;
        }
        byte[] b = new byte[n];
        data.duplicate().get(b);
        scanned += n;
        children.add(new Child(info, b, false, n));
        return !stopped;
    }

    /**
     * Mirrors the engine's context: reads up to MaxFileSize + 1 bytes; a member over MaxFileSize, over
     * the remaining MaxScanSize, or (past 1 MiB) over the compression ratio is skipped whole.
     */
    @Override
    public boolean child(ChildInfo info, InputStream in, long compressedSize) throws IOException {
        check(info);
        if (!admit()) return false;
        long cap = limits.maxFileSize();
        // grows on demand; starting small keeps thousands of contract runs with lying sizes cheap
        byte[] out = new byte[(int) Math.min(Math.max(info.declaredSize(), 0) + 1, Math.min(cap + 1, READ_CHUNK))];
        long n = 0;
        String skip = null;
        while (true) {
            int r = in.read(chunk, 0, READ_CHUNK);
            if (r < 0) break;
            if (n + r > cap) {
                n += r;
                skip = "larger than MaxFileSize";
                break;
            }
            if (n + r > out.length) out = Arrays.copyOf(out, (int) Math.min(cap + 1, Math.max(n + r, 2L * out.length)));
            System.arraycopy(chunk, 0, out, (int) n, r);
            n += r;
            if (compressedSize > 0 && n > RATIO_FLOOR && n / compressedSize > limits.maxRatio()) {
                skip = "compression ratio";
                break;
            }
        }
        if (skip == null && n > limits.maxScanSize() - scanned) skip = "MaxScanSize";
        if (skip != null) {
            notes.add("limit: member skipped (" + skip + ") after " + n + " bytes");
            children.add(new Child(info, new byte[0], true, n));
            return !stopped;
        }
        scanned += n;
        children.add(new Child(info, Arrays.copyOf(out, (int) n), false, n));
        return !stopped;
    }

    @Override
    public boolean announce(ChildInfo info) {
        check(info);
        children.add(new Child(info, null, false, 0));
        return !stopped;
    }

    private static void check(ChildInfo info) {
        if (info == null || info.name() == null) throw new AssertionError("ChildInfo and its name must not be null");
        // positions follow ClamAV: 1-based for most formats, 0-based for 7z/CAB/CHM, 0 for ISO 9660
        if (info.position() < 0) throw new AssertionError("negative position: " + info);
    }

    @Override public long budget() { return Math.max(0, Math.min(limits.maxFileSize(), limits.maxScanSize() - scanned)); }
    @Override public boolean stopped() { return stopped; }

    @Override
    public boolean heuristic(String name) {
        heuristics.add(name); // weak indicator: recorded, the scan goes on (clamav-notes 4.3)
        return !stopped;
    }

    @Override public boolean link(String realUrl, String displayedText) { return !stopped; }
    @Override public void note(String message) { notes.add(message); }
    @Override public List<Layer> stack() { return List.of(); }

    public List<Child> children() { return children; }
    public List<Child> extracted() { return children.stream().filter(c -> !c.announced()).toList(); }
    public List<String> heuristics() { return heuristics; }
    public List<String> notes() { return notes; }
    public long scannedBytes() { return scanned; }
}
