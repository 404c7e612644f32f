package dev.bulwark.engine.signatures.yara;

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
    /** Chosen atom: distance from the match start, and its byte sets (null if none: scan every start). */
    int atomOffset;
    List<byte[]> atoms;
    int atomQuality;
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

    /** Byte sets at fixed offsets of a literal (two members for a nocase letter). */
    static List<long[]> literalPositions(byte[] lit, boolean nocase) {
        List<long[]> out = new ArrayList<>(lit.length);
        for (byte b : lit) {
            long[] w = new long[4];
            int v = b & 0xFF;
            w[v >> 6] |= 1L << (v & 63);
            if (nocase && Character.isLetter(v) && v < 128) {
                int o = v ^ 0x20;
                w[o >> 6] |= 1L << (o & 63);
            }
            out.add(w);
        }
        return out;
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

    /** Chooses the best window of up to 4 positions and expands it into atoms. */
    void chooseAtoms(List<long[]> positions) {
        int bestScore = Integer.MIN_VALUE, bestOff = -1, bestLen = 0;
        for (int s = 0; s < positions.size(); s++) {
            long combos = 1;
            int sc = 0;
            for (int l = 1; l <= 4 && s + l <= positions.size(); l++) {
                long[] w = positions.get(s + l - 1);
                int ps = score(w);
                if (ps == Integer.MIN_VALUE) break;
                combos *= count(w);
                if (combos > MAX_EXPANSION) break;
                sc += ps;
                int total = sc + distinctBonus(positions, s, l);
                if (total > bestScore) {
                    bestScore = total;
                    bestOff = s;
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
        atomQuality = bestScore;
        List<byte[]> out = new ArrayList<>();
        out.add(new byte[0]);
        for (int i = 0; i < bestLen; i++) {
            long[] w = positions.get(bestOff + i);
            List<byte[]> next = new ArrayList<>();
            for (byte[] prefix : out) {
                for (int b = 0; b < 256; b++) {
                    if ((w[b >> 6] & (1L << (b & 63))) != 0) {
                        byte[] n = java.util.Arrays.copyOf(prefix, prefix.length + 1);
                        n[prefix.length] = (byte) b;
                        next.add(n);
                    }
                }
            }
            out = next;
        }
        atoms = out;
    }

    private static int distinctBonus(List<long[]> pos, int s, int l) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = s; i < s + l; i++) {
            long[] w = pos.get(i);
            if (count(w) == 1) seen.add(single(w));
        }
        return seen.size() * 2;
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
