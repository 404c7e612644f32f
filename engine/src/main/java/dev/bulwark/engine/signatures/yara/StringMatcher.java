package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.re.VmScratch;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds every match of every string of a rule set: one pass of the {@link AtomIndex} over the data, each atom
 * hit verified by its {@link Variant}; variants without a usable atom are tried at every position that can start
 * a match. Immutable; per-scan state is in {@link Scratch}.
 */
final class StringMatcher {
    private final Variant[] variants;
    /** Atom references: the variant an atom belongs to and the range of its distance from the match start. */
    private final int[] refVariant;
    private final int[] refMin;
    private final int[] refMax;
    private final AtomIndex index;
    private final int[] unindexed;
    final int stringCount;
    final int maxProgram;

    StringMatcher(List<Variant> vs, int stringCount) {
        this.variants = vs.toArray(new Variant[0]);
        this.stringCount = stringCount;
        List<byte[]> atoms = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        List<Integer> un = new ArrayList<>();
        int maxProg = 16;
        List<int[]> refs = new ArrayList<>();
        for (int i = 0; i < variants.length; i++) {
            Variant v = variants[i];
            if (v.program != null) maxProg = Math.max(maxProg, v.program.size());
            if (v.atoms == null) {
                un.add(i);
                continue;
            }
            List<Variant.Group> groups = new ArrayList<>();
            groups.add(new Variant.Group(v.atoms, v.atomOffset, v.atomMaxOffset));
            groups.addAll(v.extra);
            for (Variant.Group g : groups) {
                int ref = refs.size();
                refs.add(new int[] {i, g.minOffset(), g.maxOffset()});
                for (byte[] a : g.atoms()) {
                    atoms.add(a);
                    ids.add(ref);
                }
            }
        }
        refVariant = new int[refs.size()];
        refMin = new int[refs.size()];
        refMax = new int[refs.size()];
        for (int r = 0; r < refs.size(); r++) {
            refVariant[r] = refs.get(r)[0];
            refMin[r] = refs.get(r)[1];
            refMax[r] = refs.get(r)[2];
        }
        this.index = new AtomIndex(atoms, ids);
        this.unindexed = un.stream().mapToInt(Integer::intValue).toArray();
        this.maxProgram = maxProg;
    }

    /** Mutable per-scan state. */
    static final class Scratch implements AtomIndex.Sink {
        final Matches matches;
        final VmScratch vm;
        private StringMatcher m;
        private byte[] d;
        private int off;
        private int len;

        Scratch(StringMatcher m) {
            this.matches = new Matches(m.stringCount);
            this.vm = new VmScratch(m.maxProgram);
            this.nextStart = new int[m.refVariant.length];
        }

        /** Per variant: first start not yet verified in this scan (ranged atoms only). */
        private final int[] nextStart;

        @Override
        public void hit(int ref, int pos) {
            Variant v = m.variants[m.refVariant[ref]];
            int minOff = m.refMin[ref], maxOff = m.refMax[ref];
            if (maxOff == minOff) {
                int start = pos - minOff;
                int l = v.verify(d, off, len, start, vm);
                if (l >= 0) matches.add(v.string, start, l);
                return;
            }
            int lo = Math.max(Math.max(0, pos - maxOff), nextStart[ref]), hi = pos - minOff;
            long[] fb = v.firstBytes;
            for (int s = lo; s <= hi; s++) {
                int b = d[off + s] & 0xFF;
                if ((fb[b >> 6] & (1L << (b & 63))) == 0) continue;
                int l = v.verify(d, off, len, s, vm);
                if (l >= 0) matches.add(v.string, s, l);
            }
            if (hi + 1 > nextStart[ref]) nextStart[ref] = hi + 1;
        }
    }

    void scan(byte[] d, int off, int len, Scratch s) {
        s.m = this;
        s.d = d;
        s.off = off;
        s.len = len;
        s.matches.reset();
        java.util.Arrays.fill(s.nextStart, 0);
        index.scan(d, off, len, s);
        for (int id : unindexed) {
            Variant v = variants[id];
            long[] fb = v.firstBytes;
            int end = v.anchored ? Math.min(len, 1) : len;
            for (int i = 0; i < end; i++) {
                int b = d[off + i] & 0xFF;
                if ((fb[b >> 6] & (1L << (b & 63))) == 0) continue;
                int l = v.verify(d, off, len, i, s.vm);
                if (l >= 0) s.matches.add(v.string, i, l);
            }
        }
        s.d = null;
    }

    Variant[] variants() {
        return variants;
    }
}
