package dev.bulwark.engine.formats.sevenzip;

import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.rar.Ppmd7;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.LZMA2InputStream;
import org.tukaani.xz.LZMAInputStream;

/**
 * A 7z folder decoded by us as a graph of coders (bcj2): what Commons Compress cannot do, as it decodes only
 * chains of one-input coders and has no BCJ2. A folder has coders, each with numbered input and output
 * streams (coder k's inputs follow those of coders 0..k-1, likewise its output); a bind pair feeds an output
 * stream into an input stream; the folder's packed streams feed the remaining inputs, in order; the one output
 * not bound is the folder's data, and each output has an unpack size. {@link #check} accepts a folder whose
 * coders are BCJ2 (four inputs: main, CALL, JUMP, selector), Copy, LZMA, LZMA2, PPMd (at most one) and the
 * one-input filters Commons Compress also applies (BCJ, PPC, IA64, ARM, ARMT, SPARC, Delta), every input fed
 * exactly once and every output used at most once; {@link #open} builds the decoders from the folder's
 * output backwards. 7-Zip writes {@code BCJ2 LZMA2 LZMA LZMA} (main stream LZMA2, CALL and JUMP LZMA, the
 * selector stored) for {@code -mf=BCJ2}, and for executables at {@code -mx=9}.
 * <p>
 * Bounds: at most {@link #MAX_CODERS} coders; LZMA dictionaries are cut to what can be read (the unpack size,
 * and the scan limit: no stream of the folder is read further than the folder's output, plus read-ahead) and
 * their sum, with the literal tables, must fit {@link SevenZipExtractor#MEMORY_LIMIT_KIB}; the PPMd model must
 * fit {@link Ppmd7#memoryCap}; every coder's output stops at its unpack size; a loop of bind pairs met on the
 * way is an error. Dictionaries come from the archive's {@link ArrayCache} and go back to it on close.
 */
final class FolderGraph {
    /** More coders than 7-Zip writes (at most 4 plus filters); each is a decoder open at once. */
    static final int MAX_CODERS = 16;

    record Coder(byte[] id, byte[] props, int numIn, int numOut) {}

    private static final byte[] COPY = {0}, LZMA = {3, 1, 1}, LZMA2 = {0x21};

    final List<Coder> coders;
    /** Bind pairs: input stream {@code bindIn[i]} is fed by output stream {@code bindOut[i]}. */
    final long[] bindIn, bindOut;
    /** The input stream each packed stream feeds, in packed-stream order. */
    final long[] packed;
    /** Per packed stream: offset from the archive's signature and size. */
    final long[] packOffset, packSize;
    /** Per output stream: declared size. */
    final long[] unpackSizes;

    FolderGraph(List<Coder> coders, long[] bindIn, long[] bindOut, long[] packed, long[] packOffset, long[] packSize, long[] unpackSizes) {
        this.coders = coders;
        this.bindIn = bindIn;
        this.bindOut = bindOut;
        this.packed = packed;
        this.packOffset = packOffset;
        this.packSize = packSize;
        this.unpackSizes = unpackSizes;
    }

    /** The folder has a BCJ2 coder (so Commons Compress cannot decode it and we try). */
    static boolean hasBcj2(List<Coder> coders) {
        for (Coder c : coders) if (Arrays.equals(c.id, Bcj2Stream.METHOD_ID)) return true;
        return false;
    }

    /** Why the folder cannot be decoded (a short reason), or null when {@link #open} may be tried. */
    String check() {
        int n = coders.size();
        if (n == 0 || n > MAX_CODERS) return n + " coders";
        int ins = 0;
        int ppmd = 0;
        for (Coder c : coders) {
            if (c.numOut != 1) return name(c.id) + " with " + c.numOut + " outputs";
            boolean bcj2 = Arrays.equals(c.id, Bcj2Stream.METHOD_ID);
            if (c.numIn != (bcj2 ? 4 : 1)) return name(c.id) + " with " + c.numIn + " inputs";
            if (!bcj2 && !Arrays.equals(c.id, COPY) && !Arrays.equals(c.id, LZMA) && !Arrays.equals(c.id, LZMA2)
                    && !Arrays.equals(c.id, PpmdStream.METHOD_ID) && PpmdFolders.filter(c.id, c.props) == null)
                return name(c.id) + " not supported";
            if (Arrays.equals(c.id, PpmdStream.METHOD_ID)) ppmd++;
            ins += c.numIn;
        }
        if (ppmd > 1) return "two PPMd coders";
        for (int k = 0, first = 0; k < n; first += coders.get(k).numIn, k++) {
            if (!Arrays.equals(coders.get(k).id, PpmdStream.METHOD_ID)) continue;
            boolean fromPack = false; // PPMd decodes from a buffer: its input must be a packed stream
            for (long p : packed) fromPack |= p == first;
            if (!fromPack) return "PPMd behind another coder";
        }
        if (bindIn.length != bindOut.length || unpackSizes.length != n || packOffset.length != packed.length || packSize.length != packed.length)
            return "layout sizes disagree";
        boolean[] fed = new boolean[ins], used = new boolean[n];
        for (int i = 0; i < bindIn.length; i++) {
            if (bindIn[i] < 0 || bindIn[i] >= ins || bindOut[i] < 0 || bindOut[i] >= n) return "bind pair out of range";
            if (fed[(int) bindIn[i]] || used[(int) bindOut[i]]) return "stream bound twice";
            fed[(int) bindIn[i]] = true;
            used[(int) bindOut[i]] = true;
        }
        for (long p : packed) {
            if (p < 0 || p >= ins) return "packed stream out of range";
            if (fed[(int) p]) return "stream bound twice";
            fed[(int) p] = true;
        }
        for (boolean f : fed) if (!f) return "coder input not fed";
        int free = 0;
        for (boolean u : used) if (!u) free++;
        if (free != 1) return free + " unbound outputs";
        return null;
    }

    /** The folder's data: the output stream no bind pair uses. */
    int mainOutput() {
        boolean[] used = new boolean[coders.size()];
        for (long o : bindOut) used[(int) o] = true;
        for (int i = 0; i < used.length; i++) if (!used[i]) return i;
        return -1;
    }

    /**
     * The folder's decoded data, at most {@code maxScan} bytes (more fails with a limit error). Closing it
     * closes every decoder (dictionaries back to {@code cache}). Call after {@link #check} returned null.
     *
     * @param archive from the archive's signature on
     * @param model   the archive's PPMd model (one for all folders, its heap only grows)
     */
    InputStream open(ByteBuffer archive, Ppmd7 model, ArrayCache cache, long maxScan) throws IOException {
        return open(mainOutput(), archive, model, cache, maxScan);
    }

    /** As {@link #open(ByteBuffer, Ppmd7, ArrayCache, long)} for output stream {@code output} (tests: one BCJ2 input). */
    InputStream open(int output, ByteBuffer archive, Ppmd7 model, ArrayCache cache, long maxScan) throws IOException {
        if (output < 0 || output >= coders.size()) throw new IOException("7z: folder has no output " + output);
        return new Opener(archive, model, cache, maxScan, SevenZipExtractor.MEMORY_LIMIT_KIB).out(output);
    }

    /** Builds the decoders, tracking the streams being built (a loop) and the memory promised. */
    private final class Opener {
        final ByteBuffer archive;
        final Ppmd7 model;
        final ArrayCache cache;
        final long maxScan;
        long budgetKiB;
        final boolean[] building = new boolean[coders.size()];

        Opener(ByteBuffer archive, Ppmd7 model, ArrayCache cache, long maxScan, long budgetKiB) {
            this.archive = archive;
            this.model = model;
            this.cache = cache;
            this.maxScan = maxScan;
            this.budgetKiB = budgetKiB;
        }

        /** The decoded output stream {@code k} (= coder k's output, every coder having one). */
        InputStream out(int k) throws IOException {
            if (building[k]) throw new IOException("7z: folder bind pairs loop");
            building[k] = true;
            Coder c = coders.get(k);
            int first = 0;
            for (int i = 0; i < k; i++) first += coders.get(i).numIn;
            InputStream[] in = new InputStream[c.numIn];
            try {
                for (int j = 0; j < c.numIn; j++) in[j] = in(first + j);
                return decoder(c, in, unpackSizes[k]);
            } catch (IOException | RuntimeException e) {
                for (InputStream s : in) closeQuietly(s);
                throw e;
            }
        }

        /** What feeds input stream {@code s}: a packed stream or another coder's output. */
        InputStream in(int s) throws IOException {
            for (int i = 0; i < bindIn.length; i++) if (bindIn[i] == s) return out((int) bindOut[i]);
            for (int j = 0; j < packed.length; j++) {
                if (packed[j] != s) continue;
                if (packOffset[j] < 0 || packSize[j] < 0) throw new IOException("7z: packed stream " + j + " outside the archive");
                return new BufferInputStream(Bytes.slice(archive, packOffset[j], packSize[j]));
            }
            throw new IOException("7z: coder input " + s + " not fed");
        }

        InputStream decoder(Coder c, InputStream[] in, long size) throws IOException {
            if (size < 0) throw new IOException("7z: unpack size invalid");
            byte[] p = c.props;
            long cut = Math.min(size, maxScan + (1 << 20)); // what can be read of this output, at most
            if (Arrays.equals(c.id, Bcj2Stream.METHOD_ID)) return new Bcj2Stream(in[0], in[1], in[2], in[3], size, maxScan);
            if (Arrays.equals(c.id, COPY)) return new Limited(in[0], size);
            if (Arrays.equals(c.id, LZMA)) {
                if (p == null || p.length < 5 || (p[0] & 0xff) >= 9 * 5 * 5) throw new IOException("7z: LZMA properties invalid");
                int lclppb = p[0] & 0xff, lc = lclppb % 9, lp = lclppb / 9 % 5;
                long dict = (p[1] & 0xffL) | (p[2] & 0xffL) << 8 | (p[3] & 0xffL) << 16 | (p[4] & 0xffL) << 24;
                int d = (int) Math.max(4096, Math.min(Math.min(dict, cut), Integer.MAX_VALUE - 16));
                spend(LZMAInputStream.getMemoryUsage(d, lc, lp), "LZMA");
                LZMAInputStream s = new LZMAInputStream(in[0], size, (byte) lclppb, d, null, cache);
                s.enableRelaxedEndCondition();
                return s;
            }
            if (Arrays.equals(c.id, LZMA2)) {
                if (p == null || p.length < 1 || (p[0] & 0xff) > 40) throw new IOException("7z: LZMA2 properties invalid");
                int b = p[0] & 0xff;
                long dict = b == 40 ? 0xFFFFFFFFL : (2L | (b & 1)) << (b / 2 + 11);
                int d = (int) Math.max(4096, Math.min(Math.min(dict, cut), Integer.MAX_VALUE - 16));
                spend(LZMA2InputStream.getMemoryUsage(d), "LZMA2");
                return new Limited(new LZMA2InputStream(in[0], d), size); // xz's default cache: the archive's, lent by asDefault
            }
            if (Arrays.equals(c.id, PpmdStream.METHOD_ID)) {
                return new PpmdStream(model, packedOf(in[0]), p, size, Ppmd7.memoryCap(maxScan), maxScan);
            }
            FilterOptions f = PpmdFolders.filter(c.id, p);
            if (f == null) throw new IOException("7z: " + name(c.id) + " not supported");
            return new Limited(f.getInputStream(in[0], cache), size);
        }

        void spend(int kib, String what) throws IOException {
            budgetKiB -= kib;
            if (budgetKiB < 0)
                throw new IOException("7z: folder decoders need more than " + SevenZipExtractor.MEMORY_LIMIT_KIB + " KiB (" + what + ")");
        }
    }

    /** PPMd decodes from a buffer: the packed stream's bytes (a PPMd fed by another coder is refused). */
    private static ByteBuffer packedOf(InputStream in) throws IOException {
        if (in instanceof BufferInputStream b) return b.rest();
        throw new IOException("7z: PPMd behind another coder not supported");
    }

    private static void closeQuietly(InputStream s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException | RuntimeException e) {
            // a decoder over memory
        }
    }

    /** At most {@code left} bytes of {@code in} (a coder's output stops at its unpack size). */
    static final class Limited extends InputStream {
        private final InputStream in;
        private long left;

        Limited(InputStream in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int c = in.read();
            if (c >= 0) left--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (left <= 0) return -1;
            int r = in.read(b, off, (int) Math.min(len, left));
            if (r > 0) left -= r;
            return r;
        }

        @Override
        public void close() throws IOException { in.close(); }
    }

    static String name(byte[] id) { return PpmdFolders.name(id); }
}
