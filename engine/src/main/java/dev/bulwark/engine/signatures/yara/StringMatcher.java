package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.match.AtomIndex;
import dev.bulwark.engine.signatures.yara.re.VmScratch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds every match of every string of a rule set. The atoms of 2 to 4 bytes go into the engine's kernel,
 * {@link AtomIndex} (the one ClamAV body patterns use; with ClamAV databases both share one index and one
 * pass, see {@link YaraGroup}); each atom hit is verified by its {@link Variant}. Atoms of one byte (strings too
 * short or too variable for more) take a second, table-driven pass; variants without a usable atom are tried
 * at every position that can start a match. Immutable; per-scan state is in {@link Scratch}.
 *
 * <p>Kernel entries are atom references: a variant (or one branch of its alternative) with the range of its
 * atom's distance from the match start and the fixed bytes around the atom (its window).
 */
final class StringMatcher {
    private final Variant[] variants;
    /** Per atom reference: the variant and the range of the atom's distance from the match start. */
    private final int[] refVariant;
    private final int[] refMin;
    private final int[] refMax;
    /** Kernel atoms (2..4 bytes), the reference each reports, and 4 window longs per reference. */
    final byte[][] atoms;
    final int[] atomRefs;
    final long[] windows;
    /** 1-byte atoms by byte value: references oneRefs[oneStart[b] .. oneStart[b + 1]). */
    private final int[] oneStart = new int[257];
    private final int[] oneRefs;
    private final int[] unindexed;
    final int stringCount;
    final int maxProgram;
    /** The kernel over this matcher's atoms alone (bulwark yara); built on first use. */
    private volatile AtomIndex index;

    StringMatcher(List<Variant> vs, int stringCount) {
        this.variants = vs.toArray(new Variant[0]);
        this.stringCount = stringCount;
        List<byte[]> atomList = new ArrayList<>();
        List<Integer> refOf = new ArrayList<>(), un = new ArrayList<>();
        List<int[]> one = new ArrayList<>(); // {byte, ref}
        List<int[]> refs = new ArrayList<>();
        List<long[]> wins = new ArrayList<>();
        int maxProg = 16;
        for (int i = 0; i < variants.length; i++) {
            Variant v = variants[i];
            if (v.program != null) maxProg = Math.max(maxProg, v.program.size());
            if (v.atoms == null) {
                un.add(i);
                continue;
            }
            List<Variant.Group> groups = new ArrayList<>();
            groups.add(new Variant.Group(v.atoms, v.atomOffset, v.atomMaxOffset, v.atomWindow));
            groups.addAll(v.extra);
            for (Variant.Group g : groups) {
                int ref = refs.size();
                refs.add(new int[] {i, g.minOffset(), g.maxOffset()});
                wins.add(g.window() == null ? new long[4] : g.window());
                for (byte[] a : g.atoms()) {
                    if (a.length == 1) {
                        one.add(new int[] {a[0] & 0xFF, ref});
                    } else {
                        atomList.add(a);
                        refOf.add(ref);
                    }
                }
            }
        }
        int n = refs.size();
        refVariant = new int[n];
        refMin = new int[n];
        refMax = new int[n];
        windows = new long[4 * n];
        for (int r = 0; r < n; r++) {
            refVariant[r] = refs.get(r)[0];
            refMin[r] = refs.get(r)[1];
            refMax[r] = refs.get(r)[2];
            System.arraycopy(wins.get(r), 0, windows, 4 * r, 4);
        }
        atoms = atomList.toArray(new byte[0][]);
        atomRefs = refOf.stream().mapToInt(Integer::intValue).toArray();
        one.sort((x, y) -> x[0] - y[0]);
        oneRefs = new int[one.size()];
        for (int k = 0; k < one.size(); k++) {
            oneRefs[k] = one.get(k)[1];
            oneStart[one.get(k)[0] + 1]++;
        }
        for (int b = 0; b < 256; b++) oneStart[b + 1] += oneStart[b];
        this.unindexed = un.stream().mapToInt(Integer::intValue).toArray();
        this.maxProgram = maxProg;
    }

    /** Number of atom references (kernel entries). */
    int refCount() {
        return refVariant.length;
    }

    private AtomIndex index() {
        AtomIndex i = index;
        if (i == null) index = i = AtomIndex.build(atoms, atomRefs, refVariant.length, windows);
        return i;
    }

    /** Mutable per-scan state; receives the kernel's hits for this matcher's references. */
    static final class Scratch implements AtomIndex.Hits {
        final Matches matches;
        final VmScratch vm;
        private final StringMatcher m;
        private byte[] d;
        private int off;
        private int len;
        /** Per reference: first start not yet verified in this scan (ranged atoms only). */
        private final int[] nextStart;

        Scratch(StringMatcher m) {
            this.m = m;
            this.matches = new Matches(m.stringCount);
            this.vm = new VmScratch(m.maxProgram);
            this.nextStart = new int[m.refVariant.length];
        }

        /** Starts a scan of d[off, off + len): hits are positions relative to off. */
        void begin(byte[] d, int off, int len) {
            this.d = d;
            this.off = off;
            this.len = len;
            matches.reset();
            java.util.Arrays.fill(nextStart, 0);
        }

        @Override
        public int hit(int ref, int pos) {
            StringMatcher m = this.m;
            Variant v = m.variants[m.refVariant[ref]];
            int minOff = m.refMin[ref], maxOff = m.refMax[ref];
            if (maxOff == minOff) {
                int start = pos - minOff;
                int l = v.verify(d, off, len, start, vm);
                if (l >= 0) matches.add(v.string, start, l);
                return -1;
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
            return -1;
        }

        /** After the kernel pass: 1-byte atoms and variants without atoms. */
        void finish() {
            StringMatcher m = this.m;
            if (m.oneRefs.length > 0) {
                int[] st = m.oneStart, refs = m.oneRefs;
                for (int i = 0; i < len; i++) {
                    int b = d[off + i] & 0xFF;
                    for (int j = st[b]; j < st[b + 1]; j++) hit(refs[j], i);
                }
            }
            for (int id : m.unindexed) {
                Variant v = m.variants[id];
                long[] fb = v.firstBytes;
                int end = v.anchored ? Math.min(len, 1) : len;
                for (int i = 0; i < end; i++) {
                    int b = d[off + i] & 0xFF;
                    if ((fb[b >> 6] & (1L << (b & 63))) == 0) continue;
                    int l = v.verify(d, off, len, i, vm);
                    if (l >= 0) matches.add(v.string, i, l);
                }
            }
            d = null;
        }
    }

    /** One kernel pass of this matcher's own index over d[off, off + len), then {@link Scratch#finish}. */
    void scan(byte[] d, int off, int len, Scratch s) {
        s.begin(d, off, len);
        if (atoms.length > 0) index().scan(ByteBuffer.wrap(d, off, len).slice(), 0, len, s);
        s.finish();
    }

    Variant[] variants() {
        return variants;
    }
}
