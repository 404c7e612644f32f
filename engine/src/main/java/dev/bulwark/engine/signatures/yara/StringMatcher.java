package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.match.AtomIndex;
import dev.bulwark.engine.signatures.yara.re.VmScratch;
import java.nio.ByteBuffer;
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
    /** The variants; for a set read from a cache entry, filled on first use by {@link #source} (null until then). */
    private final Variant[] variants;
    /** Decodes a cached set's variants on first use (rule cache format 4, yara10); null for a compiled set. */
    private final LazyRuleSet source;
    /** Per atom reference: the variant and the range of the atom's distance from the match start. */
    final int[] refVariant;
    final int[] refMin;
    final int[] refMax;
    /** Kernel atoms (2..4 bytes), the reference each reports, and 4 window longs per reference. */
    final byte[][] atoms;
    final int[] atomRefs;
    final long[] windows;
    /** 1-byte atoms by byte value: references oneRefs[oneStart[b] .. oneStart[b + 1]). */
    final int[] oneStart;
    final int[] oneRefs;
    final int[] unindexed;
    final int stringCount;
    final int maxProgram;
    /** The kernel over this matcher's atoms alone (bulwark yara); built on first use. */
    private volatile AtomIndex index;

    /**
     * (yara10) A cached set's matcher from its stored tables: no variant is decoded until a kernel hit, the
     * one-byte pass or the unindexed pass reaches it ({@link #variant}). The tables were checked by the reader.
     */
    StringMatcher(LazyRuleSet source, int variantCount, int stringCount, int maxProgram, int[] refVariant, int[] refMin,
            int[] refMax, long[] windows, byte[][] atoms, int[] atomRefs, int[] oneStart, int[] oneRefs, int[] unindexed) {
        this.variants = new Variant[variantCount];
        this.source = source;
        this.stringCount = stringCount;
        this.maxProgram = maxProgram;
        this.refVariant = refVariant;
        this.refMin = refMin;
        this.refMax = refMax;
        this.windows = windows;
        this.atoms = atoms;
        this.atomRefs = atomRefs;
        this.oneStart = oneStart;
        this.oneRefs = oneRefs;
        this.unindexed = unindexed;
    }

    /** A matcher's stored tables, as the rule cache's reader returns them. */
    record Tables(int maxProgram, int[] refVariant, int[] refMin, int[] refMax, long[] windows, byte[][] atoms,
            int[] atomRefs, int[] oneStart, int[] oneRefs, int[] unindexed) {}

    private static final java.lang.invoke.VarHandle SLOT = java.lang.invoke.MethodHandles.arrayElementVarHandle(Variant[].class);

    /** Variant i; a cached set's is decoded on first use (thread-safe; a damaged one throws DamagedRuleSetException). */
    Variant variant(int i) {
        Variant v = (Variant) SLOT.getAcquire(variants, i);
        return v != null ? v : decode(i);
    }

    private Variant decode(int i) {
        synchronized (variants) {
            Variant v = variants[i];
            if (v == null) {
                v = source.variant(i, maxProgram);
                SLOT.setRelease(variants, i, v);
            }
            return v;
        }
    }

    int variantCount() {
        return variants.length;
    }

    StringMatcher(List<Variant> vs, int stringCount) {
        this.variants = vs.toArray(new Variant[0]);
        this.source = null;
        this.oneStart = new int[257];
        this.stringCount = stringCount;
        // sized by a first count, filled in a second: no boxed lists (a cached rule set of thousands of rules is
        // built at every run, and its garbage alone could cost a young collection)
        int nRefs = 0, nAtoms = 0, nOne = 0, nUn = 0;
        // indexed loops: iterators here were ~1 MB of garbage for Elastic's rules, built in the interpreter
        for (Variant v : variants) {
            if (v.atoms == null) {
                nUn++;
                continue;
            }
            nRefs += 1 + v.extra.size();
            for (int gi = -1; gi < v.extra.size(); gi++) {
                List<byte[]> as = gi < 0 ? v.atoms : v.extra.get(gi).atoms();
                for (int k = 0, n = as.size(); k < n; k++) if (as.get(k).length == 1) nOne++; else nAtoms++;
            }
        }
        refVariant = new int[nRefs];
        refMin = new int[nRefs];
        refMax = new int[nRefs];
        windows = new long[4 * nRefs];
        atoms = new byte[nAtoms][];
        atomRefs = new int[nAtoms];
        unindexed = new int[nUn];
        int[] oneByte = new int[nOne], oneRef = new int[nOne];
        int ref = 0, at = 0, one = 0, un = 0, maxProg = 16;
        for (int i = 0; i < variants.length; i++) {
            Variant v = variants[i];
            if (v.program != null) maxProg = Math.max(maxProg, v.program.size());
            if (v.atoms == null) {
                unindexed[un++] = i;
                continue;
            }
            for (int gi = -1; gi < v.extra.size(); gi++) {
                List<byte[]> as = gi < 0 ? v.atoms : v.extra.get(gi).atoms();
                long[] w = gi < 0 ? v.atomWindow : v.extra.get(gi).window();
                refVariant[ref] = i;
                refMin[ref] = gi < 0 ? v.atomOffset : v.extra.get(gi).minOffset();
                refMax[ref] = gi < 0 ? v.atomMaxOffset : v.extra.get(gi).maxOffset();
                if (w != null) System.arraycopy(w, 0, windows, 4 * ref, 4);
                for (int k = 0, n = as.size(); k < n; k++) {
                    byte[] a = as.get(k);
                    if (a.length == 1) {
                        oneByte[one] = a[0] & 0xFF;
                        oneRef[one++] = ref;
                    } else {
                        atoms[at] = a;
                        atomRefs[at++] = ref;
                    }
                }
                ref++;
            }
        }
        // 1-byte atoms by byte value, in the order they were registered (a stable counting sort)
        for (int k = 0; k < nOne; k++) oneStart[oneByte[k] + 1]++;
        for (int b = 0; b < 256; b++) oneStart[b + 1] += oneStart[b];
        oneRefs = new int[nOne];
        int[] fill = java.util.Arrays.copyOf(oneStart, 256);
        for (int k = 0; k < nOne; k++) oneRefs[fill[oneByte[k]]++] = oneRef[k];
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

    /**
     * The kernel index as {@link AtomIndex#write} writes it, for a cached rule set; null without kernel atoms. Builds
     * the index if no scan has (the scan that follows a compile then reuses it).
     */
    byte[] indexBytes() {
        if (atoms.length == 0) return null;
        dev.bulwark.engine.match.FlatBuffers.Out out = new dev.bulwark.engine.match.FlatBuffers.Out();
        index().write(out);
        ByteBuffer b = out.finish();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    /**
     * Takes a stored kernel index ({@link #indexBytes}, read back) instead of building one; false if it cannot be
     * this matcher's (present without kernel atoms, absent with them, or another number of references).
     * These checks catch an entry from another build, not a crafted one: an index with the same number of references
     * but other atoms is taken (review, round 9), as a crafted entry could already carry other strings. The cache's
     * trust rests on its directory, which the CLI creates owner-only and refuses when anyone else can write to it
     * (RuleCache); proving the index against the strings would cost what reading it saves.
     */
    boolean useIndex(AtomIndex stored) {
        if (stored == null) return atoms.length == 0;
        if (atoms.length == 0 || stored.entryCount() != refVariant.length) return false;
        index = stored;
        return true;
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
            Variant v = m.variant(m.refVariant[ref]);
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
                Variant v = m.variant(id);
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

    /** Every variant (a cached set's all decoded). */
    Variant[] variants() {
        Variant[] out = new Variant[variants.length];
        for (int i = 0; i < out.length; i++) out[i] = variant(i);
        return out;
    }
}
