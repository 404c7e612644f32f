package dev.bulwark.engine.match;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * One pass of a {@link PatternSet} over a buffer: the only mutable scan state (chains of multi-part
 * patterns, resolved offsets, scratch lists, the queue of lazy parts still to search).
 */
final class PatternRun implements AtomIndex.Hits {
    /** Remembered occurrences per part for bounded gaps (ClamAV keeps 8; more is more exact). */
    private static final int RING = 32;
    private final PatternSet set;
    private final ByteBuffer d;
    private final int mask;
    private final OffsetSpec.ExeFacts exe;
    private final PatternSet.Matches out;
    private final IntList starts = new IntList(), ends = new IntList();
    /** Scratch lists of a lazy part's search, which runs inside the processing of its neighbour. */
    private final IntList lazyStarts = new IntList(), lazyEnds = new IntList();
    /** Per pattern with lazy parts: per part, the anchor position up to which it has been searched. */
    private Map<Integer, int[]> searched;
    /** Anchor ranges of lazy parts still to search (after their previous part), and the lowest start. */
    private final IntList pendPattern = new IntList(), pendPart = new IntList(), pendFrom = new IntList(), pendTo = new IntList();
    private int pendingMin = Integer.MAX_VALUE;
    /**
     * The scanner of {@link BodyPattern#OPEN_PREV} parts due in this pass: each active part (pattern,
     * part, first anchor position) is registered under its anchor's 2-byte keys (a presence bitmap and a
     * small hash map from key to a chain of registrations), so one scan from {@link #prevAt} costs one
     * bitmap lookup per position however many parts are active, and finds what the index would have.
     */
    private IntList actPattern, actPart, actFrom, regAct, regNext; // allocated on the first activation of a pass
    private Map<Long, Integer> actIndex;
    private long[] actBits;
    private int[] mapKey, mapHead; // open addressing, key + 1 (0 = free) -> first registration
    /** Anchor positions below prevAt need no scan for the active parts; the scan has reached prevScanned. */
    private int prevAt = Integer.MAX_VALUE, prevScanned;
    /** Events of the open scanner carry this bit on their active-part index. */
    private static final int OPEN_TAG = 1 << 30;
    /** Anchor positions below this have been searched for every {@link BodyPattern#OPEN_NEXT} part. */
    private int nextAt;
    /** Positions looked at by the two open scanners in this pass (tests check it stays within the data's length each). */
    long openScanned;
    /** Occurrences found by {@link #flush}: position << 32 | queue index, sorted before processing. */
    private long[] events = new long[16];
    private final long[] range = new long[2];
    private Map<Integer, Chain> chains;
    private final AtomIndex.Hits foreign;
    /** Sink of the set's built-in atoms, or null; with one, resume positions do not skip positions. */
    private final AtomIndex.Hits builtin;
    /** True when a resume position of {@code out} must not skip positions (a foreign or built-in sink reads them). */
    private final boolean readAll;
    /** With a foreign sink: own entries before this position are skipped (the resume position of out). */
    private int skipUntil;
    boolean stopped;

    PatternRun(PatternSet set, ByteBuffer d, int mask, OffsetSpec.ExeFacts exe, PatternSet.Matches out, AtomIndex.Hits foreign,
               AtomIndex.Hits builtin) {
        this.foreign = foreign;
        this.builtin = builtin;
        this.readAll = foreign != null || builtin != null;
        this.set = set;
        this.d = d;
        this.mask = mask;
        this.exe = exe;
        this.out = out;
    }

    void go() {
        set.index.scan(d, 0, d.limit(), this);
        if (!stopped && pendingMin != Integer.MAX_VALUE && flush(Integer.MAX_VALUE) == Integer.MAX_VALUE) stopped = true;
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
        if (entry >= set.entryPattern.length) { // another engine's atom, or a built-in one
            if (entry >= set.foreignBase) {
                if (foreign != null) foreign.hit(entry - set.foreignBase, pos);
            } else if (builtin != null) {
                builtin.hit(entry - set.entryPattern.length, pos);
            }
            return -1;
        }
        if (pos < skipUntil) return -1;
        // lazy parts due before this position are searched first, so reports keep their order
        int r = pendingMin < pos ? flush(pos) : -1;
        // an atom from pos on only completes matches ending past pos: the consumer's held window is over
        if (r != Integer.MAX_VALUE && pos >= out.holdUntil() && out.reached(pos)) r = Integer.MAX_VALUE;
        if (r != Integer.MAX_VALUE && r <= pos) r = own(entry, pos);
        if (r == Integer.MAX_VALUE) {
            stopped = true;
            return r;
        }
        if (r >= 0) skipUntil = Math.max(skipUntil, r);
        return readAll ? -1 : r;
    }

    private int own(int entry, int pos) {
        if (entry >= set.entryPattern.length) return -1;
        int pi = set.entryPattern[entry];
        if ((mask & (1 << set.targets[pi])) == 0) return -1;
        BodyPattern p = set.pattern(pi);
        int j = set.entryPart[entry];
        if (j >= p.parts.length) return -1; // only an undecodable snapshot pattern
        return part(pi, p, j, pos, starts, ends);
    }

    /** Part j of pattern pi with its anchor at pos: chains it, or reports the pattern if it completes it. */
    private int part(int pi, BodyPattern p, int j, int pos, IntList starts, IntList ends) {
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
            boolean vi = off.kind() == OffsetSpec.Kind.VERSION_INFO;
            if (vi && exe == null) return -1;
            if (!any && !vi && !off.resolve(d.limit(), exe, range)) return -1;
            for (int si = 0; si < starts.size(); si++) {
                int s = starts.get(si);
                if (vi ? !contains(exe.versionInfoOffsets(), s) : !any && (s < range[0] || s > range[1])) continue;
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
                    for (int ei = 0; ei < ends.size(); ei++) {
                        c.add(0, ends.get(ei), s);
                        if (p.lazy[1] == BodyPattern.FROM_PREV) pending(pi, p, 1, ends.get(ei));
                        else if (p.lazy[1] == BodyPattern.OPEN_PREV) activate(pi, p, 1, ends.get(ei));
                    }
                }
            }
            return result;
        }
        if (p.lazy[j - 1] == BodyPattern.FROM_NEXT) {
            long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
            for (int si = 0; si < starts.size(); si++) {
                lo = Math.min(lo, (long) starts.get(si) - p.gapMax[j]);
                hi = Math.max(hi, (long) starts.get(si) - p.gapMin[j]);
            }
            searchBack(pi, p, j - 1, lo, hi);
        } else if (p.lazy[j - 1] == BodyPattern.OPEN_NEXT) {
            long hi = Long.MIN_VALUE;
            for (int si = 0; si < starts.size(); si++) hi = Math.max(hi, (long) starts.get(si) - p.gapMin[j]);
            Elem[] prev = p.parts[j - 1];
            searchOpenNext(hi - Verifier.minLen(prev, p.anchorElem[j - 1], prev.length));
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
                for (int ei = 0; ei < ends.size(); ei++) {
                    c.add(j, ends.get(ei), chainStart);
                    if (p.lazy[j + 1] == BodyPattern.FROM_PREV) pending(pi, p, j + 1, ends.get(ei));
                    else if (p.lazy[j + 1] == BodyPattern.OPEN_PREV) activate(pi, p, j + 1, ends.get(ei));
                }
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

    /** The searched-up-to positions of pattern pi's parts. */
    private int[] searched(int pi, BodyPattern p) {
        if (searched == null) searched = new HashMap<>();
        return searched.computeIfAbsent(pi, k -> new int[p.parts.length]);
    }

    /**
     * Finds the occurrences of lazy part j (FROM_NEXT) that end within [lo, hi], before part j+1 looks
     * for them: each anchor position is searched once per pass, in order, as the index would have
     * reported it. The positions lie behind the scan, so nothing is reported out of order.
     */
    private void searchBack(int pi, BodyPattern p, int j, long lo, long hi) {
        Elem[] part = p.parts[j];
        int a = p.anchorElem[j];
        int[] done = searched(pi, p);
        long from = Math.max(done[j], lo - Verifier.maxLen(part, a, part.length));
        long to = Math.min(hi - Verifier.minLen(part, a, part.length), (long) d.limit() - p.anchorLen[j]);
        if (from > to) return;
        done[j] = (int) to + 1;
        for (int x = (int) from; x <= to; x++) {
            if (anchorAt(p, j, x)) part(pi, p, j, x, lazyStarts, lazyEnds); // j < last: never reports
        }
    }

    /** Queues the anchor range of lazy part j (FROM_PREV) after an occurrence of part j-1 ending at end. */
    private void pending(int pi, BodyPattern p, int j, int end) {
        Elem[] part = p.parts[j];
        int a = p.anchorElem[j];
        int[] done = searched(pi, p);
        long from = Math.max(done[j], (long) end + p.gapMin[j] + Verifier.minLen(part, 0, a));
        long to = Math.min((long) end + p.gapMax[j] + Verifier.maxLen(part, 0, a), (long) d.limit() - p.anchorLen[j]);
        if (from > to) return;
        done[j] = (int) to + 1;
        queue(pi, j, (int) from, (int) to);
    }

    private void queue(int pi, int j, int from, int to) {
        pendPattern.add(pi);
        pendPart.add(j);
        pendFrom.add(from);
        pendTo.add(to);
        pendingMin = Math.min(pendingMin, from);
    }

    /**
     * Makes OPEN_PREV part j of pattern pi due from the anchor positions an occurrence of part j-1
     * ending at {@code end} allows, to the end of the pass. Positions the open scanner has already
     * passed (none, in practice: an occurrence ends after the position the scan has reached) are
     * queued as a bounded range instead.
     */
    private void activate(int pi, BodyPattern p, int j, int end) {
        Elem[] part = p.parts[j];
        long f = (long) end + p.gapMin[j] + Verifier.minLen(part, 0, p.anchorElem[j]);
        if (f > (long) d.limit() - p.anchorLen[j]) return;
        int from = (int) f;
        if (actIndex == null) {
            actIndex = new HashMap<>();
            actPattern = new IntList();
            actPart = new IntList();
            actFrom = new IntList();
            regAct = new IntList();
            regNext = new IntList();
            actBits = new long[1024];
            mapKey = new int[16];
            mapHead = new int[16];
        }
        Integer known = actIndex.get((long) pi << 32 | j);
        int ai;
        if (known != null) {
            ai = known;
            if (from >= actFrom.get(ai)) return;
            if (from < prevScanned) queue(pi, j, from, Math.min(actFrom.get(ai), prevScanned) - 1);
            actFrom.set(ai, from);
        } else {
            ai = actPattern.size();
            actIndex.put((long) pi << 32 | j, ai);
            actPattern.add(pi);
            actPart.add(j);
            actFrom.add(from);
            for (byte[] v : p.anchorVariants[j]) register((v[0] & 0xFF) | (v[1] & 0xFF) << 8, ai);
            if (from < prevScanned) queue(pi, j, from, prevScanned - 1);
        }
        prevAt = Math.min(prevAt, Math.max(from, prevScanned));
        pendingMin = Math.min(pendingMin, prevAt);
    }

    /** Adds active part ai under 2-byte key k. */
    private void register(int k, int ai) {
        actBits[k >>> 6] |= 1L << k;
        if (2 * (regAct.size() + 1) > mapKey.length) {
            int[] ok = mapKey, oh = mapHead;
            mapKey = new int[ok.length * 2];
            mapHead = new int[ok.length * 2];
            for (int s = 0; s < ok.length; s++) {
                if (ok[s] == 0) continue;
                int to = slot(ok[s] - 1);
                mapKey[to] = ok[s];
                mapHead[to] = oh[s];
            }
        }
        int s = slot(k);
        regAct.add(ai);
        regNext.add(mapKey[s] == 0 ? -1 : mapHead[s]);
        mapKey[s] = k + 1;
        mapHead[s] = regAct.size() - 1;
    }

    /** The map slot of key k: where it is, or the free slot where it goes. */
    private int slot(int k) {
        int m = mapKey.length - 1, s = (k * 0x9E3779B1 >>> 16) & m;
        while (mapKey[s] != 0 && mapKey[s] != k + 1) s = (s + 1) & m;
        return s;
    }

    /**
     * Searches the anchor positions in [nextAt, to] for every OPEN_NEXT part of the set at once (one
     * bitmap lookup per position, each position once per pass) and chains the occurrences found, before
     * a following part looks for them. Nothing is reported from here: these are first parts.
     */
    private void searchOpenNext(long to) {
        OpenAtoms o = set.openNext;
        to = Math.min(to, (long) d.limit() - 2);
        if (to < nextAt) return;
        openScanned += to - nextAt + 1;
        for (int x = nextAt; x <= to; x++) {
            int k = (d.get(x) & 0xFF) | (d.get(x + 1) & 0xFF) << 8;
            if (!o.has(k)) continue;
            for (int i = o.first(k), end = o.end(k); i < end; i++) {
                int entry = o.entry(i);
                int pi = set.entryPattern[entry];
                if ((mask & (1 << set.targets[pi])) == 0) continue;
                BodyPattern p = set.pattern(pi);
                // a crafted snapshot's entry may name a part that is not an open first part
                if (set.entryPart[entry] != 0 || p.parts.length < 2 || p.lazy[0] != BodyPattern.OPEN_NEXT) continue;
                if (anchorAt(p, 0, x)) part(pi, p, 0, x, lazyStarts, lazyEnds);
            }
        }
        nextAt = (int) to + 1;
    }

    /**
     * Searches the queued ranges below {@code upTo} and processes their occurrences in position order,
     * as if the index had reported them. Returns the largest resume position asked for, -1 for none, or
     * MAX_VALUE when the consumer stopped.
     */
    private int flush(int upTo) {
        int ne = 0;
        int n = pendFrom.size();
        for (int i = 0; i < n; i++) {
            int from = pendFrom.get(i), to = Math.min(pendTo.get(i), upTo - 1);
            BodyPattern p = set.pattern(pendPattern.get(i));
            for (int x = from; x <= to; x++) {
                if (!anchorAt(p, pendPart.get(i), x)) continue;
                if (ne == events.length) events = java.util.Arrays.copyOf(events, ne * 2);
                events[ne++] = (long) x << 32 | i;
            }
            if (from <= to) pendFrom.set(i, to + 1);
        }
        if (prevAt < upTo && actBits != null) {
            int end = (int) Math.min(upTo, (long) d.limit() - 1); // a 2-byte anchor at x needs x + 1 < limit
            openScanned += Math.max(0, end - prevAt);
            for (int x = prevAt; x < end; x++) {
                int k = (d.get(x) & 0xFF) | (d.get(x + 1) & 0xFF) << 8;
                if ((actBits[k >>> 6] & (1L << k)) == 0) continue;
                for (int r = mapHead[slot(k)]; r >= 0; r = regNext.get(r)) {
                    int ai = regAct.get(r);
                    if (x < actFrom.get(ai) || !anchorAt(set.pattern(actPattern.get(ai)), actPart.get(ai), x)) continue;
                    if (ne == events.length) events = java.util.Arrays.copyOf(events, ne * 2);
                    events[ne++] = (long) x << 32 | OPEN_TAG | ai;
                }
            }
            prevAt = prevScanned = Math.max(prevAt, end);
        }
        java.util.Arrays.sort(events, 0, ne);
        int result = -1;
        for (int k = 0; k < ne; k++) {
            long ev = events[k];
            int x = (int) (ev >>> 32), i = (int) ev;
            if (x < skipUntil) continue;
            boolean open = (i & OPEN_TAG) != 0;
            int pi = open ? actPattern.get(i & ~OPEN_TAG) : pendPattern.get(i);
            int r = part(pi, set.pattern(pi), open ? actPart.get(i & ~OPEN_TAG) : pendPart.get(i), x, starts, ends);
            if (r == Integer.MAX_VALUE) return r;
            if (r >= 0) {
                skipUntil = Math.max(skipUntil, r);
                result = Math.max(result, r);
            }
        }
        // drop the ranges searched to the end
        int w = 0;
        pendingMin = Integer.MAX_VALUE;
        for (int i = 0; i < pendFrom.size(); i++) {
            if (pendFrom.get(i) > pendTo.get(i)) continue;
            pendPattern.set(w, pendPattern.get(i));
            pendPart.set(w, pendPart.get(i));
            pendFrom.set(w, pendFrom.get(i));
            pendTo.set(w, pendTo.get(i));
            pendingMin = Math.min(pendingMin, pendFrom.get(i));
            w++;
        }
        pendPattern.truncate(w);
        pendPart.truncate(w);
        pendFrom.truncate(w);
        pendTo.truncate(w);
        if (actBits != null && prevAt < d.limit() - 1) pendingMin = Math.min(pendingMin, prevAt);
        return result;
    }

    /** Whether one of part j's anchor variants starts at x. */
    private boolean anchorAt(BodyPattern p, int j, int x) {
        for (byte[] v : p.anchorVariants[j]) {
            if (x + v.length > d.limit()) continue;
            int k = 0;
            while (k < v.length && d.get(x + k) == v[k]) k++;
            if (k == v.length) return true;
        }
        return false;
    }

    private static boolean contains(long[] offsets, int s) {
        for (long o : offsets) if (o == s) return true;
        return false;
    }

    private Chain chain(int pi, BodyPattern p) {
        if (chains == null) chains = new HashMap<>();
        return chains.computeIfAbsent(pi, k -> new Chain(p.parts.length));
    }
}
