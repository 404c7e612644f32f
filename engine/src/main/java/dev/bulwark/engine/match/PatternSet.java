package dev.bulwark.engine.match;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All body patterns of a database behind one {@link AtomIndex}. Immutable once built; a scan creates
 * a {@link Run} per layer pass, which holds the only mutable state (chains of multi-part patterns).
 */
public final class PatternSet {
    private final BodyPattern[] patterns;
    private final int[] targets;
    private final OffsetSpec[] offsets;
    private final int[] owners;
    private final int[] entryPattern, entryPart;
    private final AtomIndex index;

    /** Receives confirmed matches; returns -1 to go on, a resume position, or MAX_VALUE to stop. */
    @FunctionalInterface
    public interface Matches {
        int match(int pattern, int owner, int start, int end);
    }

    private PatternSet(BodyPattern[] patterns, int[] targets, OffsetSpec[] offsets, int[] owners,
                       int[] entryPattern, int[] entryPart, AtomIndex index) {
        this.patterns = patterns;
        this.targets = targets;
        this.offsets = offsets;
        this.owners = owners;
        this.entryPattern = entryPattern;
        this.entryPart = entryPart;
        this.index = index;
    }

    public int size() { return patterns.length; }
    public int owner(int pattern) { return owners[pattern]; }
    public int target(int pattern) { return targets[pattern]; }
    public BodyPattern pattern(int i) { return patterns[i]; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final List<BodyPattern> patterns = new ArrayList<>();
        private final List<OffsetSpec> offsets = new ArrayList<>();
        private final IntList targets = new IntList(), owners = new IntList();

        /** Adds a pattern for a target type (0-14) and returns its id. */
        public int add(BodyPattern p, int target, OffsetSpec offset, int owner) {
            patterns.add(p);
            targets.add(target);
            offsets.add(offset);
            owners.add(owner);
            return patterns.size() - 1;
        }

        public PatternSet build() {
            List<byte[]> atoms = new ArrayList<>();
            IntList atomOwner = new IntList(), ePat = new IntList(), ePart = new IntList();
            Map<Long, Integer> dedupe = new HashMap<>();
            for (int i = 0; i < patterns.size(); i++) {
                BodyPattern p = patterns.get(i);
                for (int j = 0; j < p.parts.length; j++) {
                    int entry = ePat.size();
                    ePat.add(i);
                    ePart.add(j);
                    for (byte[] v : p.anchorVariants[j]) {
                        atoms.add(v);
                        atomOwner.add(entry);
                    }
                }
            }
            dedupe.clear();
            AtomIndex idx = AtomIndex.build(atoms.toArray(new byte[0][]), atomOwner.toArray(), ePat.size());
            return new PatternSet(patterns.toArray(new BodyPattern[0]), targets.toArray(),
                    offsets.toArray(new OffsetSpec[0]), owners.toArray(), ePat.toArray(), ePart.toArray(), idx);
        }
    }

    /**
     * Scans one buffer for the patterns whose target bit is set in {@code targetMask}, reporting
     * matches in the order their last part is found.
     */
    public void scan(ByteBuffer data, int targetMask, OffsetSpec.ExeFacts exe, Matches out) {
        new Run(this, data, targetMask, exe, out).go();
    }

    /** Per-pass state: chains of multi-part patterns, resolved offsets, scratch lists. */
    private static final class Run implements AtomIndex.Hits {
        /** Remembered occurrences per part for bounded gaps (ClamAV keeps 8; more is more exact). */
        private static final int RING = 32;
        private final PatternSet set;
        private final ByteBuffer d;
        private final int mask;
        private final OffsetSpec.ExeFacts exe;
        private final Matches out;
        private final IntList starts = new IntList(), ends = new IntList();
        private final long[] range = new long[2];
        private Map<Integer, Chain> chains;

        Run(PatternSet set, ByteBuffer d, int mask, OffsetSpec.ExeFacts exe, Matches out) {
            this.set = set;
            this.d = d;
            this.mask = mask;
            this.exe = exe;
            this.out = out;
        }

        void go() {
            set.index.scan(d, 0, d.limit(), this);
        }

        /** Valid occurrences of each non-final part: recent (end, chainStart) pairs and the earliest end. */
        private static final class Chain {
            final int[][] ringEnd, ringStart;
            final int[] count, minEnd, minEndStart;

            Chain(int parts) {
                ringEnd = new int[parts][RING];
                ringStart = new int[parts][RING];
                count = new int[parts];
                minEnd = new int[parts];
                minEndStart = new int[parts];
                java.util.Arrays.fill(minEnd, Integer.MAX_VALUE);
            }

            void add(int part, int end, int chainStart) {
                int c = count[part]++;
                ringEnd[part][c % RING] = end;
                ringStart[part][c % RING] = chainStart;
                if (end < minEnd[part]) { minEnd[part] = end; minEndStart[part] = chainStart; }
            }

            /** Chain start of a valid occurrence of {@code part} ending within [lo, hi], or -1. */
            int pick(int part, long lo, long hi) {
                if (minEnd[part] >= lo && minEnd[part] <= hi) return minEndStart[part];
                int n = Math.min(count[part], RING);
                for (int i = 0; i < n; i++) {
                    int e = ringEnd[part][i];
                    if (e >= lo && e <= hi) return ringStart[part][i];
                }
                return -1;
            }
        }

        @Override
        public int hit(int entry, int pos) {
            int pi = set.entryPattern[entry];
            if ((mask & (1 << set.targets[pi])) == 0) return -1;
            BodyPattern p = set.patterns[pi];
            int j = set.entryPart[entry];
            Elem[] part = p.parts[j];
            int a = p.anchorElem[j];
            starts.clear();
            Verifier.backward(d, part, a, pos, starts);
            if (starts.size() == 0) return -1;
            ends.clear();
            Verifier.forward(d, part, a, pos, ends);
            if (ends.size() == 0) return -1;
            int last = p.parts.length - 1;
            int result = -1;
            if (j == 0) {
                OffsetSpec off = set.offsets[pi];
                boolean any = off.kind() == OffsetSpec.Kind.ANY;
                if (!any && !off.resolve(d.limit(), exe, range)) return -1;
                for (int si = 0; si < starts.size(); si++) {
                    int s = starts.get(si);
                    if (!any && (s < range[0] || s > range[1])) continue;
                    if (!Verifier.leftOk(d, p.leftAssert, s)) continue;
                    if (last == 0) {
                        for (int ei = 0; ei < ends.size(); ei++) {
                            int e = ends.get(ei);
                            if (!Verifier.rightOk(d, p.rightAssert, e)) continue;
                            int r = out.match(pi, set.owners[pi], s, e);
                            if (r >= 0) return r;
                            break; // one report per start position
                        }
                    } else {
                        Chain c = chain(pi, p);
                        for (int ei = 0; ei < ends.size(); ei++) c.add(0, ends.get(ei), s);
                    }
                }
                return result;
            }
            if (chains == null) return -1;
            Chain c = chains.get(pi);
            if (c == null) return -1;
            for (int si = 0; si < starts.size(); si++) {
                int s = starts.get(si);
                long lo = (long) s - (p.gapMax[j] < 0 ? Integer.MAX_VALUE : p.gapMax[j]);
                long hi = (long) s - p.gapMin[j];
                int chainStart = c.pick(j - 1, Math.max(0, lo), hi);
                if (chainStart < 0) continue;
                if (j < last) {
                    for (int ei = 0; ei < ends.size(); ei++) c.add(j, ends.get(ei), chainStart);
                } else {
                    for (int ei = 0; ei < ends.size(); ei++) {
                        int e = ends.get(ei);
                        if (!Verifier.rightOk(d, p.rightAssert, e)) continue;
                        int r = out.match(pi, set.owners[pi], chainStart, e);
                        if (r >= 0) return r;
                        break;
                    }
                }
            }
            return result;
        }

        private Chain chain(int pi, BodyPattern p) {
            if (chains == null) chains = new HashMap<>();
            return chains.computeIfAbsent(pi, k -> new Chain(p.parts.length));
        }
    }
}
