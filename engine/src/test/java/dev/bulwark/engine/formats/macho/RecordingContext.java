package dev.bulwark.engine.formats.macho;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Layer;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A minimal real ExtractContext that records what an extractor hands back (children, heuristics, notes). */
final class RecordingContext implements ExtractContext {
    record Child(ChildInfo info, byte[] bytes) {}

    final List<Child> children = new ArrayList<>();
    final List<String> heuristics = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    private final ScanOptions options;
    private final int stopAfter;

    RecordingContext(boolean alertBroken) {
        this(alertBroken, Integer.MAX_VALUE);
    }

    RecordingContext(boolean alertBroken, int stopAfter) {
        this.options = ScanOptions.defaults().withAlert(ScanOptions.Alert.BROKEN, alertBroken);
        this.stopAfter = stopAfter;
    }

    @Override public ScanOptions options() { return options; }

    @Override
    public boolean child(ChildInfo info, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(data.position(), b);
        children.add(new Child(info, b));
        return children.size() < stopAfter;
    }

    @Override
    public boolean child(ChildInfo info, InputStream in, long compressedSize) {
        throw new UnsupportedOperationException("the Mach-O extractor slices; it never streams");
    }

    @Override public boolean announce(ChildInfo info) { return true; }
    @Override public long budget() { return Long.MAX_VALUE; }
    @Override public boolean stopped() { return children.size() >= stopAfter; }

    @Override
    public boolean heuristic(String name) {
        heuristics.add(name);
        return true;
    }

    @Override public boolean link(String realUrl, String displayedText) { return true; }
    @Override public void note(String message) { notes.add(message); }
    @Override public List<Layer> stack() { return List.of(); }

    /** A top-level layer over {@code b}. */
    static Layer layer(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).asReadOnlyBuffer();
        return new Layer() {
            @Override public ByteBuffer data() { return buf; }
            @Override public FileType type() { return FileType.MACHO_UNIBIN; }
            @Override public String name() { return ""; }
            @Override public int depth() { return 0; }
            @Override public Layer parent() { return null; }
        };
    }
}
