package dev.bulwark.engine.formats.nsis;

import dev.bulwark.engine.formats.archivecommon.BulkInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * NSIS's bzip2 variant, decoded: the blocks are bzip2's (Huffman-coded MTF/RLE symbols of a
 * Burrows-Wheeler transformed block of at most 900,000 bytes, then bzip2's run-length coding of
 * the output), but the stream has no "BZh" header, each block starts with the single byte 0x31
 * instead of bzip2's 48-bit block magic and CRC (and has no randomised flag), and the stream ends
 * with the byte 0x17 and no CRC. Written from the bzip2 format; one block is held at a time.
 */
final class NsisBzip2 extends BulkInputStream {
    private static final int BLOCK_START = 0x31, STREAM_END = 0x17;
    /** NSIS always compresses with 900 kB blocks. */
    private static final int MAX_BLOCK = 900_000;
    private static final int MAX_GROUPS = 6, MIN_GROUPS = 2, GROUP_SIZE = 50, MAX_ALPHA = 258, MAX_CODE_LEN = 20;
    /** RUNA/RUNB digits of one run: the run can be no longer than a block, so 2^21 bounds its weight. */
    private static final int MAX_RUN_WEIGHT = 2 * 1024 * 1024;
    private static final int RUNA = 0, RUNB = 1;

    private final ByteBuffer in;
    private int inPos;
    private long bitBuf;
    private int bitCount;

    private int[] tt = new int[1 << 12]; // per block: byte in the low 8 bits, then the inverse-BWT links above
    private final int[] unzftab = new int[256], cftab = new int[257];
    private byte[] selectors = new byte[64]; // grows to the block's selector count (at most 2^15 - 1)
    private final byte[][] lengths = new byte[MAX_GROUPS][MAX_ALPHA];
    private final int[][] limit = new int[MAX_GROUPS][MAX_CODE_LEN + 2], base = new int[MAX_GROUPS][MAX_CODE_LEN + 2],
            perm = new int[MAX_GROUPS][MAX_ALPHA];
    private final int[] minLen = new int[MAX_GROUPS];
    private final byte[] mtf = new byte[256];

    // output state of the current block
    private int tPos, blockLeft, last = -1, same, repeat;
    private boolean ended;

    NsisBzip2(ByteBuffer in) {
        this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        int n = 0;
        while (n < len) {
            if (repeat > 0) {
                int k = Math.min(repeat, len - n);
                java.util.Arrays.fill(b, off + n, off + n + k, (byte) last);
                n += k;
                repeat -= k;
                continue;
            }
            if (blockLeft == 0) {
                if (ended || n > 0) break; // decoding the next block is work and may fail: return what is there first
                if (!readBlock()) {
                    ended = true;
                    break;
                }
                continue;
            }
            tPos = tt[tPos];
            int v = tPos & 0xff;
            tPos >>>= 8;
            blockLeft--;
            if (same == 4) { // after four equal bytes the next one counts further repeats
                repeat = v;
                same = 0;
                continue;
            }
            if (v == last) same++;
            else {
                last = v;
                same = 1;
            }
            b[off + n++] = (byte) v;
        }
        return n == 0 && len > 0 ? -1 : n;
    }

    /** Reads and inverts the next block; false at the end-of-stream marker. */
    private boolean readBlock() throws IOException {
        int marker = bits(8);
        if (marker == STREAM_END) return false;
        if (marker != BLOCK_START) throw new IOException("nsis bzip2: block marker 0x" + Integer.toHexString(marker));
        int origPtr = bits(24);
        if (origPtr > MAX_BLOCK) throw new IOException("nsis bzip2: origin " + origPtr);
        int nInUse = 0;
        byte[] seqToUnseq = new byte[256];
        int used16 = bits(16);
        for (int i = 0; i < 16; i++) {
            if ((used16 & (0x8000 >>> i)) == 0) continue;
            int used = bits(16);
            for (int j = 0; j < 16; j++) if ((used & (0x8000 >>> j)) != 0) seqToUnseq[nInUse++] = (byte) (i * 16 + j);
        }
        if (nInUse == 0) throw new IOException("nsis bzip2: no symbols in use");
        int alphaSize = nInUse + 2;
        int nGroups = bits(3), nSelectors = bits(15);
        if (nGroups < MIN_GROUPS || nGroups > MAX_GROUPS || nSelectors < 1) throw new IOException("nsis bzip2: bad table header");
        if (selectors.length < nSelectors) selectors = new byte[nSelectors];
        byte[] pos = {0, 1, 2, 3, 4, 5};
        for (int i = 0; i < nSelectors; i++) {
            int j = 0;
            while (bits(1) == 1) if (++j >= nGroups) throw new IOException("nsis bzip2: bad selector");
            byte v = pos[j];
            System.arraycopy(pos, 0, pos, 1, j);
            pos[0] = v;
            selectors[i] = v;
        }
        for (int t = 0; t < nGroups; t++) {
            int curr = bits(5);
            for (int i = 0; i < alphaSize; i++) {
                while (true) {
                    if (curr < 1 || curr > MAX_CODE_LEN) throw new IOException("nsis bzip2: code length " + curr);
                    if (bits(1) == 0) break;
                    curr += bits(1) == 0 ? 1 : -1;
                }
                lengths[t][i] = (byte) curr;
            }
            decodeTable(t, alphaSize);
        }
        int nblock = symbols(nSelectors, alphaSize, nInUse, seqToUnseq);
        if (origPtr >= nblock) throw new IOException("nsis bzip2: origin " + origPtr + " outside a block of " + nblock);
        cftab[0] = 0;
        for (int i = 0; i < 256; i++) cftab[i + 1] = cftab[i] + unzftab[i];
        for (int i = 0; i < nblock; i++) {
            int c = tt[i] & 0xff;
            tt[cftab[c]++] |= i << 8;
        }
        tPos = tt[origPtr] >>> 8;
        blockLeft = nblock;
        last = -1;
        same = 0;
        return true;
    }

    /** The MTF/RLE symbols of a block into {@link #tt}; returns the block length. */
    private int symbols(int nSelectors, int alphaSize, int nInUse, byte[] seqToUnseq) throws IOException {
        int eob = nInUse + 1;
        java.util.Arrays.fill(unzftab, 0);
        System.arraycopy(seqToUnseq, 0, mtf, 0, 256);
        int nblock = 0, group = -1, groupLeft = 0;
        int sym;
        int table = 0;
        while (true) {
            if (groupLeft == 0) {
                if (++group >= nSelectors) throw new IOException("nsis bzip2: selectors exhausted");
                groupLeft = GROUP_SIZE;
                table = selectors[group];
            }
            groupLeft--;
            sym = symbol(table, alphaSize);
            if (sym == eob) return nblock;
            if (sym == RUNA || sym == RUNB) { // a run of the front byte, length in bijective base 2
                int run = 0, weight = 1;
                while (true) {
                    if (weight >= MAX_RUN_WEIGHT) throw new IOException("nsis bzip2: run too long");
                    run += (sym + 1) * weight;
                    weight <<= 1;
                    if (groupLeft == 0) {
                        if (++group >= nSelectors) throw new IOException("nsis bzip2: selectors exhausted");
                        groupLeft = GROUP_SIZE;
                        table = selectors[group];
                    }
                    groupLeft--;
                    sym = symbol(table, alphaSize);
                    if (sym != RUNA && sym != RUNB) break;
                }
                int c = mtf[0] & 0xff;
                if (run > MAX_BLOCK - nblock) throw new IOException("nsis bzip2: block overflows");
                grow(nblock + run);
                unzftab[c] += run;
                java.util.Arrays.fill(tt, nblock, nblock + run, c);
                nblock += run;
                if (sym == eob) return nblock;
            }
            if (nblock >= MAX_BLOCK) throw new IOException("nsis bzip2: block overflows");
            grow(nblock + 1);
            int k = sym - 1;
            byte v = mtf[k];
            System.arraycopy(mtf, 0, mtf, 1, k);
            mtf[0] = v;
            unzftab[v & 0xff]++;
            tt[nblock++] = v & 0xff;
        }
    }

    /** The block array grows with the block (a small block, as most NSIS files are, needs little). */
    private void grow(int need) {
        if (tt.length >= need) return;
        tt = java.util.Arrays.copyOf(tt, (int) Math.min(MAX_BLOCK, Math.max(need, 2L * tt.length)));
    }

    /** Canonical Huffman decoding limits for group {@code t}: codes of each length are consecutive. */
    private void decodeTable(int t, int alphaSize) {
        byte[] len = lengths[t];
        int min = MAX_CODE_LEN, max = 0;
        for (int i = 0; i < alphaSize; i++) {
            min = Math.min(min, len[i]);
            max = Math.max(max, len[i]);
        }
        int[] p = perm[t], bs = base[t], lim = limit[t];
        int pp = 0;
        for (int l = min; l <= max; l++) for (int s = 0; s < alphaSize; s++) if (len[s] == l) p[pp++] = s;
        java.util.Arrays.fill(bs, 0);
        for (int s = 0; s < alphaSize; s++) bs[len[s] + 1]++;
        for (int l = 1; l < bs.length; l++) bs[l] += bs[l - 1];
        java.util.Arrays.fill(lim, -1);
        int vec = 0;
        for (int l = min; l <= max; l++) {
            vec += bs[l + 1] - bs[l];
            lim[l] = vec - 1;
            vec <<= 1;
        }
        for (int l = max; l > min; l--) bs[l] = ((lim[l - 1] + 1) << 1) - bs[l];
        bs[min] = 0; // first code of the shortest length is 0
        minLen[t] = min;
    }

    private int symbol(int t, int alphaSize) throws IOException {
        int n = minLen[t];
        int v = bits(n);
        int[] lim = limit[t];
        while (n <= MAX_CODE_LEN && v > lim[n]) {
            n++;
            v = v << 1 | bits(1);
        }
        if (n > MAX_CODE_LEN) throw new IOException("nsis bzip2: bad Huffman code");
        int idx = v - base[t][n];
        if (idx < 0 || idx >= alphaSize) throw new IOException("nsis bzip2: bad Huffman code");
        return perm[t][idx];
    }

    private int bits(int n) throws EOFException {
        while (bitCount < n) {
            if (inPos >= in.limit()) throw new EOFException("nsis bzip2: input truncated");
            bitBuf = bitBuf << 8 | (in.get(inPos++) & 0xff);
            bitCount += 8;
        }
        bitCount -= n;
        return (int) (bitBuf >>> bitCount) & ((1 << n) - 1);
    }
}
