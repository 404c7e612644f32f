package dev.bulwark.engine.filetype;

import dev.bulwark.engine.match.AtomIndex;
import dev.bulwark.engine.match.PatternSet;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The embedded-type rules' candidates of one layer, found by the matcher kernel's raw pass instead of a second
 * pass over the bytes (ClamAV too finds these rules inside its one Aho-Corasick pass). The body patterns' atom
 * index holds one atom per rule at the rule's start ({@link #addTo}): "MZ", "PE\0\0", "PK\3\4", "MSCF",
 * "Rar!", 0x60 0xea (ARJ), the AutoIt and NSIS magics' first four bytes, "Inst", "\1CD0" and "7z\xbc\xaf", each
 * with the rule's further fixed bytes as the index's context window. Every position where a rule can match
 * starts with its atom, so the positions reported here, in order, are a superset of the positions where
 * {@link EmbeddedTypeFinder}'s byte-by-byte search finds something; it checks only these.
 *
 * <p>Used only when the pass read every position ({@link #complete}) over the same buffer the finder is given,
 * and when there were at most {@value #MAX} candidates (an adversarial layer of repeated magic: then the
 * candidates decide only if the hit cap is reached within them, else the byte-by-byte search runs).
 */
public final class EmbeddedCandidates implements AtomIndex.Hits {
    /** Candidate positions kept per layer (256 KiB): bounds the memory of a layer made of magic bytes. */
    static final int MAX = 1 << 16;

    /**
     * Each rule's fixed leading bytes (the atom is the first 2 to 4, the window the first 8 at most). Snapshots
     * store the atoms: a change here needs a new snapshot format ({@code Snapshot.FORMAT}).
     */
    private static final byte[][] RULE_HEADS = {
        {'M', 'Z'}, {'P', 'E', 0, 0}, {'P', 'K', 3, 4}, hex("4d53434600000000"), hex("526172211a0700"),
        {0x60, (byte) 0xea}, hex("a3484bbe986c4aa9"), hex("efbeadde4e756c6c"),
        "InstallS".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), hex("014344303031"), hex("377abcaf271c"),
    };

    /**
     * Built-in atoms a body pattern set built by {@link #addTo} has (a set with another number is not used):
     * the rules', then the markers'.
     */
    public static final int ATOMS = RULE_HEADS.length + MarkerCandidates.ATOMS;

    private final ByteBuffer data;
    private int[] at = new int[16];
    private int count;
    private boolean overflow, complete;
    private final MarkerCandidates markers = new MarkerCandidates();

    /** Candidates of a pass over {@code data} (the layer's own buffer, as the finder will be given it). */
    public EmbeddedCandidates(ByteBuffer data) {
        this.data = data;
    }

    /**
     * Adds the rules' atoms to a body pattern set's builder, as its built-in atoms, followed by the whole-layer
     * marker searches' atoms ({@link MarkerCandidates}).
     */
    public static PatternSet.Builder addTo(PatternSet.Builder b) {
        byte[][] atoms = new byte[ATOMS][];
        long[] windows = new long[4 * ATOMS];
        for (int r = 0; r < RULE_HEADS.length; r++) {
            byte[] h = RULE_HEADS[r];
            atoms[r] = Arrays.copyOf(h, Math.min(4, h.length));
            long m = 0, v = 0;
            for (int k = 0; k < Math.min(8, h.length); k++) {
                m |= 0xFFL << (8 * k);
                v |= (h[k] & 0xFFL) << (8 * k);
            }
            windows[4 * r + 2] = m; // post window: bytes from the atom's start, little-endian
            windows[4 * r + 3] = v;
        }
        MarkerCandidates.atoms(atoms, windows, RULE_HEADS.length);
        return b.builtins(atoms, windows);
    }

    @Override
    public int hit(int entry, int pos) {
        if (entry >= RULE_HEADS.length) {
            markers.hit(entry - RULE_HEADS.length, pos);
            return -1;
        }
        if (count > 0 && pos <= at[count - 1]) return -1; // positions come in order; one rule starts per position
        if (count == at.length) {
            if (count == MAX) {
                overflow = true;
                return -1;
            }
            at = Arrays.copyOf(at, Math.min(MAX, count * 2));
        }
        at[count++] = pos;
        return -1;
    }

    /** Marks the pass as having read every position of the buffer. */
    public EmbeddedCandidates complete() {
        complete = true;
        return this;
    }

    /** Whether these candidates stand for a whole pass over {@code d}. */
    boolean usable(ByteBuffer d) {
        return complete && d == data;
    }

    boolean overflow() { return overflow; }

    /** The marker searches' candidates, when these stand for a whole pass over {@code d}; else null. */
    public MarkerCandidates markers(ByteBuffer d) {
        return usable(d) ? markers : null;
    }

    int count() { return count; }

    int[] positions() { return at; }

    private static byte[] hex(String s) {
        return Hex.parse(s);
    }
}
