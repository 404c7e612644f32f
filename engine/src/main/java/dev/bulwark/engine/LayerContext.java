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
    /** Members below this size are never stopped by the compression-ratio guard. */
    private static final long RATIO_FLOOR = 1 << 20;
    /** Initial buffer for a member of unknown size: compressed size times this (text deflates ~3-4:1)... */
    private static final long GUESS_RATIO = 4;
    /** ...but at least this many bytes. */
    private static final long MIN_GUESS = 4 << 10;

    private final ScanJob job;
    private final LayerImpl layer;

    LayerContext(ScanJob job, LayerImpl layer) {
        this.job = job;
        this.layer = layer;
    }

    @Override public ScanOptions options() { return job.opt; }
    @Override public Limits limits() { return job.lim; }
    @Override public boolean stopped() { return job.stop || job.timeUp(); }

    @Override
    public long budget() {
        return Math.max(0, Math.min(job.lim.maxFileSize(), job.lim.maxScanSize() - job.scanned));
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
        if (d.limit() > job.lim.maxFileSize()) {
            record(info, d.limit(), null, "skipped: larger than max file size");
            return !stopped();
        }
        LayerImpl c = new LayerImpl(d, null, info.name() == null ? "" : info.name(), layer);
        if (!job.admit(c, d.limit())) {
            record(info, d.limit(), null, "skipped: limit reached");
            return !stopped();
        }
        job.scanLayer(c, info.typeHint());
        record(info, d.limit(), c, c.note);
        return !stopped();
    }

    @Override
    public boolean child(ChildInfo info, InputStream in, long compressedSize) throws IOException {
        if (stopped()) return false;
        if (layer.depth + 1 >= job.lim.maxRecursion()) {
            checkContainerRules(info, info.declaredSize());
            job.limit(layer, "MaxRecursion");
            return !stopped();
        }
        long cap = Math.min(job.lim.maxFileSize(), Integer.MAX_VALUE - 16);
        long remaining = job.lim.maxScanSize() - job.scanned;
        // first guess: the declared size, else a typical expansion of the compressed size (growing from a
        // few bytes by doubling cost a dozen copies per small member)
        long guess = info.declaredSize() >= 0 ? info.declaredSize() + 1
                : Math.max(MIN_GUESS, compressedSize > 0 ? compressedSize * GUESS_RATIO : 0);
        byte[] buf = new byte[(int) Math.min(guess, Math.min(cap + 1, READ_CHUNK * 16L))];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > cap) break;
                buf = Arrays.copyOf(buf, (int) Math.min(cap + 1, (long) buf.length * 2));
            }
            int r = in.read(buf, n, Math.min(buf.length - n, READ_CHUNK));
            if (r < 0) break;
            n += r;
            if (n > cap) break;
            if (compressedSize > 0 && n > RATIO_FLOOR && n / compressedSize > job.lim.maxRatio()) {
                checkContainerRules(info, info.declaredSize());
                record(info, n, null, "skipped: compression ratio above " + job.lim.maxRatio());
                return !stopped();
            }
            if (stopped()) return false;
        }
        if (n > cap) {
            checkContainerRules(info, info.declaredSize());
            record(info, n, null, "skipped: larger than max file size");
            return !stopped();
        }
        if (n > remaining) {
            checkContainerRules(info, info.declaredSize() >= 0 ? info.declaredSize() : n);
            job.limit(layer, "MaxScanSize");
            return !stopped();
        }
        return child(info, ByteBuffer.wrap(buf, 0, n));
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
        layer.children.add(new ScanResult.LayerInfo(c != null ? c.path : layer.path + "//" + info.name(),
                c != null && c.type != null ? c.type.clamName() : null, size, null, note,
                c != null ? List.copyOf(c.children) : List.of()));
    }
}
