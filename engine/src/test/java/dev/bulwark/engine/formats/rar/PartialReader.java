package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A context that reads only the first bytes of one named member and then moves on, as a scanner that
 * stops early does; with a null name it reads every member to its end without keeping the bytes
 * (for members too large to hold), recording their lengths.
 */
final class PartialReader implements ExtractContext {
    private final RecordingContext inner;
    private final String name;

    PartialReader(ScanOptions o, String name) {
        this.inner = new RecordingContext(o);
        this.name = name;
    }

    private final java.util.List<Long> drained = new java.util.ArrayList<>();

    RecordingContext inner() { return inner; }

    java.util.List<Long> drained() { return drained; }

    @Override public ScanOptions options() { return inner.options(); }
    @Override public boolean child(ChildInfo info, ByteBuffer data) { return inner.child(info, data); }

    @Override
    public boolean child(ChildInfo info, InputStream in, long compressedSize) throws IOException {
        if (name == null) {
            long n = 0;
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) >= 0; ) n += r;
            drained.add(n);
            return true;
        }
        if (!info.name().equals(name)) return inner.child(info, in, compressedSize);
        in.readNBytes(100);
        return true;
    }

    @Override public boolean announce(ChildInfo info) { return inner.announce(info); }
    @Override public long budget() { return inner.budget(); }
    @Override public boolean stopped() { return inner.stopped(); }
    @Override public boolean heuristic(String h) { return inner.heuristic(h); }
    @Override public boolean link(String realUrl, String displayedText) { return inner.link(realUrl, displayedText); }
    @Override public void note(String message) { inner.note(message); }
    @Override public List<Layer> stack() { return inner.stack(); }
}
