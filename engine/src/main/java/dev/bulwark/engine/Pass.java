package dev.bulwark.engine;

import dev.bulwark.engine.filetype.EmbeddedCandidates;
import dev.bulwark.engine.match.IntList;
import dev.bulwark.engine.match.OffsetSpec;
import dev.bulwark.engine.signatures.clamav.LogicalSig;
import dev.bulwark.engine.signatures.clamav.SignatureSet;
import dev.bulwark.engine.signatures.yara.YaraGroup;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One matching pass over one buffer (a layer or a normalised view of it), in ClamAV's order: body
 * patterns by offset, then hash signatures, then logical signatures in load order.
 */
final class Pass implements dev.bulwark.engine.match.PatternSet.Matches {
    /** ClamAV scans in windows of this size; a weak body match ends the current window (quirk Q5). */
    static final int WINDOW = 128 * 1024;
    /** Starts remembered per subsignature for byte-compare and macro checks. */
    private static final int MAX_STARTS = 64;

    private final ScanJob job;
    private final SignatureSet sigs;
    private final LayerImpl layer;
    private final ByteBuffer d;
    private final int mask;
    private final boolean raw;
    /** Whether hash signatures are checked over this buffer (not over a buffer ClamAV scans as memory only). */
    private final boolean hashed;
    private final OffsetSpec.ExeFacts exe;
    /** Per logical signature touched in this pass: counts, last counted starts, remembered starts. */
    private Map<Integer, LsigState> lsig;
    private IntList[] macroStarts;
    private int calls;

    private static final class LsigState {
        final int[] counts;
        final int[] last;
        final IntList[] starts;

        LsigState(int n) {
            counts = new int[n];
            last = new int[n];
            Arrays.fill(last, -1);
            starts = new IntList[n];
        }
    }


    Pass(ScanJob job, LayerImpl layer, ByteBuffer d, int mask, boolean raw) {
        this(job, layer, d, mask, raw, true);
    }

    /**
     * {@code hashed} false: no hash signatures over this buffer (ClamAV's cli_scan_buff, which checks none).
     */
    Pass(ScanJob job, LayerImpl layer, ByteBuffer d, int mask, boolean raw, boolean hashed) {
        this.hashed = hashed;
        this.job = job;
        this.sigs = job.sigs;
        this.layer = layer;
        this.d = d;
        this.mask = mask;
        this.raw = raw;
        this.exe = raw ? ExeFactsProvider.of(layer) : null;
    }

    void run() {
        // YARA rules loaded with the databases: their atoms are in the same index, so the body pass feeds both
        YaraGroup.Pass yara = sigs.yaraGroup == null ? null : sigs.yaraGroup.start(d);
        boolean complete = body(yara);
        if (job.stop) return;
        if (hashed) hashes();
        if (job.stop) return;
        logical();
        if (job.stop || !complete) return;
        YaraStep.run(job, layer, yara);
    }

    /**
     * The body pass; false when it was cut short (then the YARA string matches are incomplete). A raw pass also
     * collects the embedded-type rules' and the whole-layer marker searches' candidates for {@link EmbeddedObjects}
     * (when it read every position).
     */
    private boolean body(YaraGroup.Pass yara) {
        EmbeddedCandidates emb = raw && sigs.magic == null && sigs.patterns.builtinCount() == EmbeddedCandidates.ATOMS ? new EmbeddedCandidates(d) : null;
        boolean complete;
        if (yara != null) complete = sigs.patterns.scan(yara.buffer(), mask, exe, this, yara, emb);
        else if (sigs.patterns.size() == 0) return true;
        else complete = sigs.patterns.scan(d, mask, exe, this, null, emb);
        if (flush()) return false;
        if (complete && emb != null) layer.embedded = emb.complete();
        return complete;
    }

    @Override
    public int match(int pattern, int owner, int start, int end) {
        return bodyMatch(pattern, owner, start, end);
    }

    /**
     * (review13) Without --allmatch the held matches end the scan when their window is over, as libclamav stops
     * after the window it found one in; before, the pass read the rest of the data unless another body match came.
     */
    @Override
    public int holdUntil() {
        return pending == 0 || job.opt.allMatch() ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE - 1, (pendingWindow + 1L) * WINDOW);
    }

    @Override
    public boolean reached(int pos) {
        return flush();
    }

    private int bodyMatch(int p, int owner, int start, int end) {
        if ((++calls & 1023) == 0 && job.timeUp()) return Integer.MAX_VALUE;
        int ref = SignatureSet.ownerRef(owner);
        switch (SignatureSet.ownerKind(owner)) {
            case SignatureSet.OWNER_NDB -> {
                boolean weak = sigs.ndbWeak(ref);
                int window = end / WINDOW;
                if (pending > 0 && window != pendingWindow && flush()) return Integer.MAX_VALUE;
                if (weak && !job.opt.allMatch() && !job.opt.heuristicPrecedence()) {
                    if (flush() || job.report(layer, sigs.ndbName(ref), start, true)) return Integer.MAX_VALUE;
                    return (end / WINDOW + 1) * WINDOW;
                }
                hold(ref, start, window);
            }
            case SignatureSet.OWNER_LSUB -> count(ref / 64, ref % 64, start);
            case SignatureSet.OWNER_MACRO -> {
                if (macroStarts == null) macroStarts = new IntList[32];
                if (macroStarts[ref] == null) macroStarts[ref] = new IntList();
                if (macroStarts[ref].size() < MAX_STARTS) macroStarts[ref].add(start);
            }
            default -> { }
        }
        return -1;
    }

    /**
     * Body signature matches of the current window not yet reported (compat12): libclamav runs, per window, the
     * target-specific Boyer-Moore and Aho-Corasick matchers, then the generic ones, each reporting in its own
     * order (Boyer-Moore by anchor position, the later loaded first at one position), so the first name printed
     * (and the --allmatch order) is not simply the order in which matches end. Each entry: sort key, then ref.
     */
    private java.util.ArrayList<Held> held;
    private int pending, pendingWindow;

    /**
     * A held match: libclamav's matcher rank, the position it reports at (Boyer-Moore) or arrival, the ref. Ordered
     * by rank, then key (a stable sort keeps equal ones in arrival order). Written out rather than as
     * {@code Comparator.comparingInt(...).thenComparingLong(...)}: those combinators' lambdas are not in the AOT
     * caches, and spinning them up at Pass's initialisation cost every one-file scan ~4 ms of start-up.
     */
    private record Held(int rank, long key, int ref, int start) implements Comparable<Held> {
        @Override
        public int compareTo(Held o) {
            int c = Integer.compare(rank, o.rank);
            return c != 0 ? c : Long.compare(key, o.key);
        }
    }

    private void hold(int ref, int start, int window) {
        if (held == null) held = new java.util.ArrayList<>();
        int order = ref < sigs.ndbOrder.length ? sigs.ndbOrder[ref] : 3 << 24;
        int rank = order >>> 24;
        // Boyer-Moore ranks by anchor (start + its offset in the pattern), then the later loaded (higher ref)
        // first; Aho-Corasick ranks in the order Bulwark finds them
        long key = (rank & 1) == 0 ? ((long) start + (order & 0xFFFFFF)) << 31 | (0x7FFFFFFFL - ref) : pending;
        held.add(new Held(rank, key, ref, start));
        pending++;
        pendingWindow = window;
    }

    /** Reports the held matches in libclamav's order; true when the scan stops there. */
    private boolean flush() {
        if (pending == 0) return false;
        held.sort(null);
        pending = 0;
        for (Held h : held) {
            if (job.report(layer, sigs.ndbName(h.ref()), h.start(), sigs.ndbWeak(h.ref()))) {
                held.clear();
                return true;
            }
        }
        held.clear();
        return false;
    }

    private void count(int sig, int sub, int start) {
        if (lsig == null) lsig = new HashMap<>();
        LsigState s = lsig.computeIfAbsent(sig, k -> new LsigState(sigs.lsigs.subCount(k)));
        if (start <= s.last[sub]) return;
        s.last[sub] = start;
        s.counts[sub]++;
        if (s.starts[sub] == null) s.starts[sub] = new IntList();
        if (s.starts[sub].size() < MAX_STARTS) s.starts[sub].add(start);
    }

    private void hashes() {
        long size = d.limit();
        for (int k = 0; k < 3; k++) {
            var idx = sigs.hashes[k];
            if (idx.isEmpty() || !idx.wants(size)) continue;
            byte[] dig = raw || d == layer.data ? layer.digest(k) : LayerImpl.digest(d, k);
            // as libclamav: the size-specific entries, then the wildcard-size ones, each reported (--allmatch)
            if (hashHits(idx, dig, size)) return;
        }
        if (exe instanceof ExeFactsProvider.Facts f && f.info() != null && f.info().broken()
                && job.opt.alert(ScanOptions.Alert.BROKEN)) {
            // ClamAV reports the broken header and skips section and import hashes
            job.report(layer, "Heuristics.Broken.Executable", -1, true);
            return;
        }
        if (exe instanceof ExeFactsProvider.Facts f && f.info() != null && f.info().kind() == dev.bulwark.engine.exe.ExeInfo.Kind.PE) {
            var pe = f.info();
            // libclamav checks each section in turn against every digest kind (sized, then wildcard entries)
            for (int i = 0; i < pe.sectionCount() && pe.sectionHashesApply(); i++) {
                long off = pe.sectionRawOffset(i), len = pe.sectionRawSize(i);
                if (len <= 0 || off < 0 || off + len > size) continue;
                for (int k = 0; k < 3; k++) {
                    var idx = sigs.sectionHashes[k];
                    if (idx.isEmpty() || !idx.wants(len)) continue;
                    byte[] dig = LayerImpl.digest(d, (int) off, (int) len, k);
                    if (hashHits(idx, dig, len)) return;
                }
            }
            if (!sigs.imports.isEmpty() && pe.imphash() != null && sigs.imports.wants(pe.imphashSize())) {
                byte[] dig = java.util.HexFormat.of().parseHex(pe.imphash());
                if (hashHits(sigs.imports, dig, pe.imphashSize())) return;
            }
        }
    }

    /**
     * Reports, as libclamav does, the entry of {@code idx} with this digest and size, then the wildcard-size one
     * (both under --allmatch); true when the scan of this layer stops there.
     */
    private boolean hashHits(dev.bulwark.engine.match.HashIndex idx, byte[] dig, long size) {
        return hashHit(idx.findSized(dig, size)) || hashHit(idx.findAny(dig));
    }

    /** Reports hash signature {@code v} if it is one (v >= 0); true when the scan of this layer stops there. */
    private boolean hashHit(int v) {
        return v >= 0 && job.report(layer, sigs.hashName(v), -1, sigs.hashWeak(v));
    }

    private void logical() {
        var all = sigs.lsigs;
        if (all.size() == 0) return;
        int[] ids;
        if (lsig == null) ids = sigs.zeroTrue;
        else {
            IntList l = new IntList();
            for (int i : lsig.keySet()) l.add(i);
            for (int i : sigs.zeroTrue) if (!lsig.containsKey(i)) l.add(i);
            ids = l.toArray();
            Arrays.sort(ids);
        }
        // target-specific signatures first, then generic ones, each in load order
        for (int pass = 0; pass < 2; pass++) {
            for (int id : ids) {
                LogicalSig s = all.get(id);
                if ((s.target() != 0) != (pass == 0)) continue;
                if (!applies(s)) continue;
                LsigState st = lsig == null ? null : lsig.get(id);
                int[] counts = st != null ? st.counts.clone() : new int[s.subCount()];
                if (!LsigEval.evaluateExtras(s, counts, st == null ? null : st.starts, macroStarts, d, job.lim)) continue;
                if (dev.bulwark.engine.signatures.clamav.Logic.eval(s.logic(), counts)) {
                    if (job.report(layer, s.name(), -1, s.weak())) return;
                }
            }
        }
    }

    private boolean applies(LogicalSig s) {
        if (s.target() != 0 && (mask & (1 << s.target())) == 0) return false;
        if (!s.hasRange(s.fileSize(), d.limit())) return false;
        if (s.entryPoint() != null || s.sections() != null) {
            if (exe == null || exe.headersFailed()) return false; // ClamAV: only with parsed target info
            if (!s.hasRange(s.entryPoint(), exe.entryPoint()) || !s.hasRange(s.sections(), exe.sectionCount())) return false;
        }
        if (s.container() != null) {
            if (s.container() == dev.bulwark.engine.filetype.FileType.ANY) {
                if (layer.parent != null) return false;
            } else if (layer.parent == null || layer.parent.type != s.container()) return false;
        }
        if (s.intermediates() != null) {
            LayerImpl a = layer.parent;
            for (int i = s.intermediates().length - 1; i >= 0; i--, a = a == null ? null : a.parent) {
                if (a == null) return false;
                var want = s.intermediates()[i];
                if (want != dev.bulwark.engine.filetype.FileType.ANY && want != a.type) return false;
            }
        }
        return true;
    }
}
