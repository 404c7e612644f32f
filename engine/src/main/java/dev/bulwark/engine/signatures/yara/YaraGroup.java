package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.match.AtomIndex;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The string atoms of several rule sets (the .yar files of a ClamAV database load) as one block of kernel
 * entries, to be added to the ClamAV body patterns' {@link AtomIndex} so that one pass over a layer feeds both
 * engines ({@code PatternSet.withForeign}). Entry {@code e} of the block is atom reference
 * {@code e - base[s]} of set {@code s}. Immutable; a {@link Pass} holds one layer's state.
 */
public final class YaraGroup {
    private final List<YaraRuleSet> sets;
    private final int[] base;
    private final byte[][] atoms;
    private final int[] owners;
    private final long[] windows;
    private final int entryCount;

    private YaraGroup(List<YaraRuleSet> sets) {
        this.sets = List.copyOf(sets);
        base = new int[sets.size()];
        List<byte[]> a = new ArrayList<>();
        int total = 0, atomCount = 0;
        for (int s = 0; s < sets.size(); s++) {
            StringMatcher m = sets.get(s).matcher();
            base[s] = total;
            total += m.refCount();
            atomCount += m.atoms.length;
        }
        entryCount = total;
        atoms = new byte[atomCount][];
        owners = new int[atomCount];
        windows = new long[4 * total];
        int k = 0;
        for (int s = 0; s < sets.size(); s++) {
            StringMatcher m = sets.get(s).matcher();
            for (int i = 0; i < m.atoms.length; i++, k++) {
                atoms[k] = m.atoms[i];
                owners[k] = base[s] + m.atomRefs[i];
            }
            System.arraycopy(m.windows, 0, windows, 4 * base[s], m.windows.length);
        }
    }

    /** The group of the given sets, in order. */
    public static YaraGroup of(List<YaraRuleSet> sets) {
        return new YaraGroup(sets);
    }

    public List<YaraRuleSet> sets() { return sets; }
    /** Kernel atoms (2 to 4 bytes) of every set; {@code owners()[i]} is the entry atom i reports. */
    public byte[][] atoms() { return atoms; }
    public int[] owners() { return owners; }
    /** Per entry 4 longs of context window, as {@link AtomIndex#build(byte[][], int[], int, long[])} takes them. */
    public long[] windows() { return windows; }
    public int entryCount() { return entryCount; }

    /**
     * Starts one layer pass over {@code data}: feed the kernel's hits for this group's entries to the returned
     * pass, scanning {@link Pass#buffer()} (the same bytes; a heap copy when {@code data} has no array).
     */
    public Pass start(ByteBuffer data) {
        return new Pass(this, data);
    }

    /** One layer's matching state: per set a scratch of string matches. */
    public static final class Pass implements AtomIndex.Hits {
        private final YaraGroup g;
        private final StringMatcher.Scratch[] scratch;
        private final ByteBuffer buffer;
        private final byte[] d;
        private final int off, len;
        private int lastSet;

        private Pass(YaraGroup g, ByteBuffer data) {
            this.g = g;
            len = data.limit();
            if (data.hasArray()) {
                d = data.array();
                off = data.arrayOffset();
                buffer = data;
            } else {
                d = new byte[len];
                data.get(0, d);
                off = 0;
                buffer = ByteBuffer.wrap(d);
            }
            scratch = new StringMatcher.Scratch[g.sets.size()];
            for (int s = 0; s < scratch.length; s++) {
                scratch[s] = new StringMatcher.Scratch(g.sets.get(s).matcher());
                scratch[s].begin(d, off, len);
            }
        }

        /** The bytes to scan, positions 0..limit. */
        public ByteBuffer buffer() { return buffer; }

        @Override
        public int hit(int entry, int pos) {
            int[] base = g.base;
            int s = lastSet;
            // entries of one set are contiguous; hits mostly stay in the set of the previous one
            if (entry < base[s] || (s + 1 < base.length && entry >= base[s + 1])) {
                s = java.util.Arrays.binarySearch(base, entry);
                if (s < 0) s = -s - 2;
                while (s + 1 < base.length && base[s + 1] == entry) s++; // skip sets without entries
                lastSet = s;
            }
            return scratch[s].hit(entry - base[s], pos);
        }

        /**
         * After the kernel pass over {@link #buffer()}: runs the rest of the matching and the conditions of set
         * {@code s}, returning its matching non-private rules in declaration order.
         */
        public List<String> matchingRules(int s) {
            scratch[s].finish();
            return g.sets.get(s).matchingRules(d, off, len, scratch[s]);
        }
    }
}
