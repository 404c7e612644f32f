package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.re.AtomQuality;
import dev.bulwark.engine.signatures.yara.re.Program;
import dev.bulwark.engine.signatures.yara.re.VmScratch;
import java.util.ArrayList;
import java.util.List;

/**
 * One searchable form of a YARA string (the ascii form, the wide form, one xor key, one base64 offset...). It
 * either compares a literal or runs a regex program anchored at the candidate start, then checks fullword.
 */
final class Variant {
    private static final int MAX_EXPANSION = 64; // atom case/class combinations registered per variant

    final int string;
    final byte[] literal;
    final boolean nocase;
    final Program program;
    final int window;
    final boolean anchored;
    final boolean wide;
    final boolean fullword;
    /** Chosen atom: distance from the match start (a range when a variable part precedes it), its bytes. */
    int atomOffset;
    int atomMaxOffset;
    List<byte[]> atoms;
    /**
     * Context window of the chosen atom for the kernel ({@code match.AtomIndex}): pre mask, pre value, post
     * mask, post value over up to 8 bytes each side of the atom start (little-endian; only bits that every
     * byte of the position's set agrees on), so candidates that cannot match are dropped before verification.
     */
    long[] atomWindow;
    /** Further atom groups (one per branch of an alternative); each must be found for its branch to match. */
    final List<Group> extra = new ArrayList<>();

    record Group(List<byte[]> atoms, int minOffset, int maxOffset, long[] window) {}
    int atomQuality;
    /** Byte sets of the fixed prefix (null entries: unknown), checked before running the regex VM. */
    long[][] prefixCheck;
    private static final int MAX_PREFIX_CHECK = 16; // a cheap pre-test, not a full verification
    /** YARA's quality estimate, for the slow-string warning. */
    int yaraQuality;
    long[] firstBytes;

    Variant(int string, byte[] literal, boolean nocase, Program program, int window, boolean anchored, boolean wide,
            boolean fullword) {
        this.string = string;
        this.literal = literal;
        this.nocase = nocase;
        this.program = program;
        this.window = window;
        this.anchored = anchored;
        this.wide = wide;
        this.fullword = fullword;
    }

    void setPrefixCheck(List<long[]> prefix) {
        int n = Math.min(prefix.size(), MAX_PREFIX_CHECK);
        prefixCheck = n == 0 ? null : prefix.subList(0, n).toArray(new long[0][]);
    }

    /** Byte sets at fixed offsets of a literal (two members for a nocase letter). */
    static List<long[]> literalPositions(byte[] lit, boolean nocase) {
        return AtomQuality.positions(lit, 0, lit.length, nocase, 0);
    }

    private static int count(long[] w) {
        return Long.bitCount(w[0]) + Long.bitCount(w[1]) + Long.bitCount(w[2]) + Long.bitCount(w[3]);
    }

    private static int single(long[] w) {
        for (int i = 0; i < 4; i++) if (w[i] != 0) return i * 64 + Long.numberOfTrailingZeros(w[i]);
        return 0;
    }

    private static int score(long[] w) {
        if (w == null) return Integer.MIN_VALUE;
        int c = count(w);
        if (c == 1) {
            int b = single(w);
            return b == 0 || b == 0x20 || b == 0xFF || b == 0xCC ? 12 : (Character.isLetter(b) && b < 128 ? 18 : 20);
        }
        if (c == 2) return 16;
        if (c <= 4) return 8;
        if (c <= 16) return 2;
        return Integer.MIN_VALUE;
    }

    /** Chooses the best window among runs (fixed prefix or after variable parts); a range costs a little. */
    void chooseAtomsFromRuns(List<dev.bulwark.engine.signatures.yara.re.Regex.Run> runs,
            List<List<dev.bulwark.engine.signatures.yara.re.Regex.Run>> alternatives) {
        chooseAtomsFromRuns(runs);
        if (alternatives.isEmpty()) return;
        List<byte[]> runAtoms = atoms;
        int runOffset = atomOffset, runMax = atomMaxOffset, runQuality = atomQuality;
        long[] runWindow = atomWindow, runFirst = firstBytes;
        int single = atoms == null ? Integer.MIN_VALUE : atomQuality - (atomMaxOffset == atomOffset ? 0 : 6);
        List<Group> bestAlt = null;
        int bestAltScore = single;
        for (var alt : alternatives) {
            List<Group> groups = new ArrayList<>();
            int worst = Integer.MAX_VALUE;
            for (var branch : alt) {
                chooseAtoms(branch.positions());
                if (atoms == null) {
                    worst = Integer.MIN_VALUE;
                    break;
                }
                worst = Math.min(worst, atomQuality);
                groups.add(new Group(atoms, branch.minOffset() + atomOffset, branch.maxOffset() + atomOffset, atomWindow));
            }
            if (worst != Integer.MIN_VALUE && worst - 2 > bestAltScore) {
                bestAltScore = worst - 2;
                bestAlt = groups;
            }
        }
        atoms = runAtoms;
        atomOffset = runOffset;
        atomMaxOffset = runMax;
        atomQuality = runQuality;
        atomWindow = runWindow;
        firstBytes = runFirst;
        if (bestAlt != null) {
            Group first = bestAlt.get(0);
            atoms = first.atoms();
            atomWindow = first.window();
            atomOffset = first.minOffset();
            atomMaxOffset = first.maxOffset();
            atomQuality = bestAltScore;
            extra.addAll(bestAlt.subList(1, bestAlt.size()));
        }
    }

    private void chooseAtomsFromRuns(List<dev.bulwark.engine.signatures.yara.re.Regex.Run> runs) {
        int bestScore = Integer.MIN_VALUE;
        List<byte[]> bestAtoms = null;
        int bestOffset = 0, bestMax = 0, bestQuality = 0;
        long[] bestWindow = null;
        for (var r : runs) {
            chooseAtoms(r.positions());
            if (atoms == null) continue;
            int range = r.maxOffset() - r.minOffset();
            int sc = atomQuality - rangeCost(range);
            if (sc > bestScore) {
                bestScore = sc;
                bestAtoms = atoms;
                bestOffset = r.minOffset() + atomOffset;
                bestMax = r.maxOffset() + atomOffset;
                bestQuality = atomQuality;
                bestWindow = atomWindow;
            }
        }
        if (bestAtoms == null) {
            chooseAtoms(List.<long[]>of());
            atomMaxOffset = atomOffset;
            return;
        }
        atoms = bestAtoms;
        atomOffset = bestOffset;
        atomMaxOffset = bestMax;
        atomQuality = bestQuality;
        atomWindow = bestWindow;
    }

    /**
     * What a range of match starts before the atom costs in atom quality: each atom hit tries every start of the
     * range with the regex program, so an atom behind an unbounded part (up to {@code Regex.BACKWARD_LIMIT} starts
     * per hit; `/abcd\w+wxyz/` on `wxyz`) costs far more than a slightly weaker atom at a fixed offset (measured:
     * one such regex made 63 of 71 million verifications over 4,000 real files).
     */
    private static int rangeCost(int range) {
        return range == 0 ? 0 : range <= 64 ? 6 : range <= 256 ? 12 : 40;
    }

    private static final int MAX_WINDOW_STARTS = 256; // atoms are looked for in the first 256 positions of long strings

    /** Chooses the best window of up to 4 positions and expands it into atoms. */
    void chooseAtoms(List<long[]> positions) {
        int bestScore = Integer.MIN_VALUE, bestOff = -1, bestLen = 0;
        int n = Math.min(positions.size(), MAX_WINDOW_STARTS + 3);
        int[] ps = new int[n], cnt = new int[n], val = new int[n];
        for (int i = 0; i < n; i++) {
            long[] w = positions.get(i);
            ps[i] = score(w);
            cnt[i] = w == null ? 0 : count(w);
            val[i] = cnt[i] == 1 ? single(w) : -1;
        }
        for (int st = 0; st < Math.min(n, MAX_WINDOW_STARTS); st++) {
            long combos = 1;
            int sc = 0, distinct = 0;
            for (int l = 1; l <= 4 && st + l <= n; l++) {
                int i = st + l - 1;
                if (ps[i] == Integer.MIN_VALUE) break;
                combos *= cnt[i];
                if (combos > MAX_EXPANSION) break;
                sc += ps[i];
                if (val[i] >= 0) {
                    boolean dup = false;
                    for (int j = st; j < i; j++) dup |= val[j] == val[i];
                    if (!dup) distinct++;
                }
                int total = sc + distinct * 2;
                if (total > bestScore) {
                    bestScore = total;
                    bestOff = st;
                    bestLen = l;
                }
            }
        }
        if (bestOff < 0) {
            atoms = null;
            atomQuality = 0;
            firstBytes = program != null ? program.firstBytes() : positions.isEmpty() ? new long[] {-1, -1, -1, -1} : positions.get(0);
            return;
        }
        atomOffset = bestOff;
        atomMaxOffset = bestOff;
        atomQuality = bestScore;
        atomWindow = window(positions, bestOff);
        boolean one = true;
        for (int i = 0; i < bestLen; i++) one &= cnt[bestOff + i] == 1;
        if (one) { // a single atom (no case or class alternatives): no expansion
            byte[] a = new byte[bestLen];
            for (int i = 0; i < bestLen; i++) a[i] = (byte) val[bestOff + i];
            atoms = List.of(a);
            return;
        }
        List<byte[]> out = new ArrayList<>();
        out.add(new byte[0]);
        for (int i = 0; i < bestLen; i++) {
            long[] w = positions.get(bestOff + i);
            List<byte[]> next = new ArrayList<>();
            for (byte[] prefix : out) {
                for (int word = 0; word < 4; word++) {
                    for (long bits = w[word]; bits != 0; bits &= bits - 1) { // each set bit, lowest first
                        byte[] nb = java.util.Arrays.copyOf(prefix, prefix.length + 1);
                        nb[prefix.length] = (byte) (word * 64 + Long.numberOfTrailingZeros(bits));
                        next.add(nb);
                    }
                }
            }
            out = next;
        }
        atoms = out;
    }

    private static final int WINDOW_BYTES = 8; // bytes each side of the atom start the kernel compares

    /** The kernel window around position {@code at} of {@code positions} (null entries: any byte). */
    static long[] window(List<long[]> positions, int at) {
        long[] w = new long[4];
        for (int i = at - 1, b = WINDOW_BYTES - 1; i >= 0 && b >= 0; i--, b--) fix(positions.get(i), b, w, 0);
        for (int i = at, b = 0; i < positions.size() && b < WINDOW_BYTES; i++, b++) fix(positions.get(i), b, w, 2);
        return w;
    }

    /** Per bit k of a byte: the set of byte values with that bit set (4 longs each). */
    private static final long[][] WITH_BIT = new long[8][4];

    static {
        for (int v = 0; v < 256; v++) {
            for (int k = 0; k < 8; k++) if ((v & (1 << k)) != 0) WITH_BIT[k][v >> 6] |= 1L << (v & 63);
        }
    }

    /** Adds to w[at], w[at + 1] the bits on which every member of set agrees, as byte b. */
    private static void fix(long[] set, int b, long[] w, int at) {
        if (set == null || (set[0] | set[1] | set[2] | set[3]) == 0) return; // unknown, or never matches
        if (count(set) == 1) { // one byte value (the common case): all bits fixed
            w[at] |= 0xFFL << (8 * b);
            w[at + 1] |= (long) single(set) << (8 * b);
            return;
        }
        int mask = 0, value = 0;
        for (int k = 0; k < 8; k++) {
            long[] m = WITH_BIT[k];
            long in = set[0] & m[0] | set[1] & m[1] | set[2] & m[2] | set[3] & m[3];
            long out = set[0] & ~m[0] | set[1] & ~m[1] | set[2] & ~m[2] | set[3] & ~m[3];
            if (in == 0 || out == 0) mask |= 1 << k;   // every member has the bit clear, or every member has it set
            if (out == 0) value |= 1 << k;
        }
        w[at] |= (long) mask << (8 * b);
        w[at + 1] |= (long) value << (8 * b);
    }

    /** Verifies a candidate start; returns the match length or -1. */
    int verify(byte[] d, int off, int len, int start, VmScratch vm) {
        if (start < 0) return -1;
        if (anchored && start != 0) return -1;
        int mlen;
        if (literal != null) {
            int n = literal.length;
            if (start + n > len) return -1;
            byte[] lit = literal;
            if (nocase) {
                for (int i = 0; i < n; i++) {
                    int a = d[off + start + i] & 0xFF, b = lit[i] & 0xFF;
                    if (a != b && lower(a) != lower(b)) return -1;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    if (d[off + start + i] != lit[i]) return -1;
                }
            }
            mlen = n;
        } else {
            long[][] pc = prefixCheck;
            if (pc != null) {
                if (start + pc.length > len) return -1;
                for (int i = 0; i < pc.length; i++) {
                    long[] w = pc[i];
                    if (w == null) continue;
                    int b = d[off + start + i] & 0xFF;
                    if ((w[b >> 6] & (1L << (b & 63))) == 0) return -1;
                }
            }
            long limit = (long) start + window;
            mlen = program.matchAt(d, off, len, start, (int) Math.min(limit, len), vm);
            if (mlen < 0) return -1;
        }
        if (fullword && !fullwordOk(d, off, len, start, mlen)) return -1;
        return mlen;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean alnum(int b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9';
    }

    private boolean fullwordOk(byte[] d, int off, int len, int start, int mlen) {
        int end = start + mlen;
        if (wide) {
            if (start >= 2 && d[off + start - 1] == 0 && alnum(d[off + start - 2] & 0xFF)) return false;
            if (end + 1 < len && d[off + end + 1] == 0 && alnum(d[off + end] & 0xFF)) return false;
        } else {
            if (start >= 1 && alnum(d[off + start - 1] & 0xFF)) return false;
            if (end < len && alnum(d[off + end] & 0xFF)) return false;
        }
        return true;
    }
}
