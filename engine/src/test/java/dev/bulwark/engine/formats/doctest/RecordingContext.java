package dev.bulwark.engine.formats.doctest;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link ExtractContext} for extractor tests: enforces the member budget, MaxScanSize and
 * MaxFiles like the scanner, and records children, links, heuristics and notes. It does not
 * recurse; tests that need nesting call the next extractor on a recorded child themselves.
 */
public final class RecordingContext implements ExtractContext {
    public record Child(ChildInfo info, byte[] data) {}

    public record Link(String real, String displayed) {}

    private final ScanOptions options;
    private final Limits limits;
    public final List<Child> children = new ArrayList<>();
    public final List<ChildInfo> announced = new ArrayList<>();
    public final List<ChildInfo> skipped = new ArrayList<>();
    public final List<Link> links = new ArrayList<>();
    public final List<String> heuristics = new ArrayList<>();
    public final List<String> notes = new ArrayList<>();
    private long scanned;
    private int files = 1; // the container itself counts, as in ClamAV
    private boolean stopped;
    /** Stop (return false) after this many children, to test that extractors honour it. */
    public int stopAfter = Integer.MAX_VALUE;

    public RecordingContext() {
        this(ScanOptions.defaults());
    }

    public RecordingContext(ScanOptions options) {
        this.options = options;
        this.limits = options.limits().normalize();
    }

    @Override public ScanOptions options() { return options; }

    @Override public Limits limits() { return limits; }

    @Override
    public boolean child(ChildInfo info, ByteBuffer data) {
        if (stopped) throw new AssertionError("child() called after the context said stop");
        if (info == null || data == null) throw new AssertionError("null child");
        if (info.position() < 1) throw new AssertionError("positions are 1-based: " + info);
        if (data.limit() > budget()) {
            skipped.add(info);
            return true;
        }
        byte[] b = new byte[data.limit()];
        data.get(0, b);
        return record(info, b);
    }

    @Override
    public boolean child(ChildInfo info, InputStream in, long compressedSize) throws IOException {
        if (stopped) throw new AssertionError("child() called after the context said stop");
        long max = budget();
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
        if (b.length > max) {
            skipped.add(info);
            return true;
        }
        return record(info, b);
    }

    private boolean record(ChildInfo info, byte[] b) {
        scanned += b.length;
        children.add(new Child(info, b));
        if (++files >= limits.maxFiles() || children.size() >= stopAfter) stopped = true;
        return !stopped;
    }

    @Override
    public boolean announce(ChildInfo info) {
        announced.add(info);
        return !stopped;
    }

    @Override
    public long budget() {
        return Math.max(0, Math.min(limits.maxFileSize(), limits.maxScanSize() - scanned));
    }

    @Override public boolean stopped() { return stopped; }

    @Override
    public boolean heuristic(String name) {
        heuristics.add(name);
        return !stopped;
    }

    @Override
    public boolean link(String realUrl, String displayedText) {
        if (realUrl == null || displayedText == null) throw new AssertionError("null link");
        links.add(new Link(realUrl, displayedText));
        return !stopped;
    }

    @Override public void note(String message) { notes.add(message); }

    @Override public List<Layer> stack() { return List.of(); }

    /** Total bytes of all recorded children. */
    public long bytes() { return scanned; }
}
