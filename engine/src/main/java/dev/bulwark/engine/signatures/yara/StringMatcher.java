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
        for (int i = 0; i < variants.length; i++) {
            Variant v = variants[i];
            if (v.program != null) maxProg = Math.max(maxProg, v.program.size());
            if (v.atoms == null) {
                un.add(i);
                continue;
            }
            for (byte[] a : v.atoms) {
                atoms.add(a);
                ids.add(i);
            }
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
        }

        @Override
        public void hit(int id, int pos) {
            Variant v = m.variants[id];
            int start = pos - v.atomOffset;
            int l = v.verify(d, off, len, start, vm);
            if (l >= 0) matches.add(v.string, start, l);
        }
    }

    void scan(byte[] d, int off, int len, Scratch s) {
        s.m = this;
        s.d = d;
        s.off = off;
        s.len = len;
        s.matches.reset();
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
            // an expression that can match the empty string may match at the very end
            if (fb[0] == -1L && fb[3] == -1L && !v.anchored && len > 0) {
                int l = v.verify(d, off, len, len, s.vm);
                if (l > 0) s.matches.add(v.string, len, l);
            }
        }
        s.d = null;
    }

    Variant[] variants() {
        return variants;
    }
}
