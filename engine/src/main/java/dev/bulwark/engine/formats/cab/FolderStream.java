package dev.bulwark.engine.formats.cab;

import dev.bulwark.engine.formats.archivecommon.BulkInputStream;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The uncompressed bytes of one CAB folder: its CFDATA blocks decoded one after the other. Stored
 * blocks are copied; MSZIP blocks are "CK" + a raw deflate stream whose window carries over from
 * the previous block (the previous 32 KiB of output is the preset dictionary); LZX blocks go to
 * {@link LzxDecoder}, Quantum blocks (one coder frame each) to {@link QuantumDecoder}.
 */
final class FolderStream extends BulkInputStream {
    static final int NONE = 0, MSZIP = 1, QUANTUM = 2, LZX = 3;
    /** Uncompressed bytes one CFDATA block may hold (format maximum). */
    static final int MAX_BLOCK = 32 * 1024;
    /** LZX and MSZIP may overshoot the declared block size by this much before we call it corrupt. */
    private static final int BLOCK_SLACK = 6144;

    private final ByteBuffer cab;
    private final int method;
    private final int blocks;
    private final int dataReserve;
    private long next; // offset of the next CFDATA header
    private int blockIndex;
    private final byte[] out;
    private final byte[] window;
    private int windowLen;
    private int outPos, outLen;
    private final Inflater inflater;
    private final LzxDecoder lzx;
    private final QuantumDecoder quantum;

    /**
     * The buffers and decoders of one cabinet's extraction, shared by its folders one after the other
     * (fuzz17): a cabinet may hold 65,535 folders, and a fresh LZX or Quantum decoder per folder allocated
     * and cleared its window (up to 2 MiB) each time, 66 s of CPU for a 1.7 MB cabinet where clamscan takes
     * 8 s. Decoders are kept per window size and reset, which clears only what the last folder wrote.
     */
    static final class Decoders implements AutoCloseable {
        final byte[] out = new byte[MAX_BLOCK + BLOCK_SLACK];
        final byte[] window = new byte[MAX_BLOCK];
        private final LzxDecoder[] lzx = new LzxDecoder[32];
        private final QuantumDecoder[] quantum = new QuantumDecoder[32];
        private Inflater inflater;
        /** Decoders constructed (a test counts them). */
        int created;

        LzxDecoder lzx(int bits) throws IOException {
            LzxDecoder d = lzx[bits];
            if (d != null) {
                d.reset();
                return d;
            }
            created++;
            return lzx[bits] = new LzxDecoder(bits);
        }

        QuantumDecoder quantum(int bits) throws IOException {
            QuantumDecoder d = quantum[bits];
            if (d != null) {
                d.reset();
                return d;
            }
            created++;
            return quantum[bits] = new QuantumDecoder(bits);
        }

        Inflater inflater() {
            if (inflater == null) inflater = new Inflater(true);
            return inflater;
        }

        @Override
        public void close() {
            if (inflater != null) inflater.end();
        }
    }

    FolderStream(ByteBuffer cab, long firstData, int blocks, int typeCompress, int dataReserve, Decoders decoders) throws IOException {
        this.cab = cab;
        this.next = firstData;
        this.blocks = blocks;
        this.method = typeCompress & 0x0f;
        this.dataReserve = dataReserve;
        if (method > LZX) throw new IOException("unsupported CAB compression " + method);
        this.out = decoders.out;
        this.window = decoders.window;
        this.inflater = method == MSZIP ? decoders.inflater() : null;
        this.lzx = method == LZX ? decoders.lzx((typeCompress >> 8) & 0x1f) : null;
        this.quantum = method == QUANTUM ? decoders.quantum((typeCompress >> 8) & 0x1f) : null;
    }


    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (outPos >= outLen) {
            if (blockIndex >= blocks) return -1;
            nextBlock();
        }
        int n = Math.min(len, outLen - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    private void nextBlock() throws IOException {
        if (!Bytes.has(cab, next, 8)) throw new EOFException("CAB data block " + blockIndex + " missing");
        int cb = Bytes.u16le(cab, next + 4);
        int ucb = Bytes.u16le(cab, next + 6);
        long data = next + 8 + dataReserve;
        if (!Bytes.has(cab, data, cb)) throw new EOFException("CAB data block " + blockIndex + " truncated");
        if (ucb > MAX_BLOCK) throw new IOException("CAB block claims " + ucb + " bytes");
        ByteBuffer in = Bytes.slice(cab, data, cb);
        next = data + cb;
        blockIndex++;
        outPos = 0;
        switch (method) {
            case NONE -> {
                outLen = Math.min(cb, out.length);
                in.get(0, out, 0, outLen);
            }
            case MSZIP -> outLen = mszip(in, ucb);
            case QUANTUM -> {
                quantum.setInput(in);
                outLen = quantum.decodeFrame(out, ucb);
            }
            default -> {
                lzx.setInput(in);
                outLen = lzx.decodeFrame(out, ucb);
            }
        }
    }

    private int mszip(ByteBuffer in, int ucb) throws IOException {
        if (in.remaining() < 2 || in.get(0) != 'C' || in.get(1) != 'K') throw new IOException("MSZIP block without CK");
        byte[] src = new byte[in.remaining() - 2];
        in.get(2, src, 0, src.length);
        inflater.reset();
        if (windowLen > 0) inflater.setDictionary(window, 0, windowLen);
        inflater.setInput(src);
        int n = 0;
        try {
            while (n < out.length && !inflater.finished()) {
                int r = inflater.inflate(out, n, out.length - n);
                if (r == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                n += r;
            }
        } catch (DataFormatException e) {
            throw new IOException("MSZIP: " + e.getMessage(), e);
        }
        if (n > MAX_BLOCK) throw new IOException("MSZIP block inflates past 32 KiB");
        remember(n);
        return Math.min(n, ucb == 0 ? n : Math.max(ucb, 0));
    }

    /** Keeps the last 32 KiB of output as the next block's dictionary. */
    private void remember(int n) {
        if (n >= MAX_BLOCK) {
            System.arraycopy(out, n - MAX_BLOCK, window, 0, MAX_BLOCK);
            windowLen = MAX_BLOCK;
            return;
        }
        int keep = Math.min(windowLen, MAX_BLOCK - n);
        System.arraycopy(window, windowLen - keep, window, 0, keep);
        System.arraycopy(out, 0, window, keep, n);
        windowLen = keep + n;
    }

    /** Skips up to n bytes; returns how many were skipped (fewer only at the end of the folder). */
    long skipNBytesSafe(long n) throws IOException {
        long done = 0;
        while (done < n) {
            if (outPos >= outLen) {
                if (blockIndex >= blocks) break;
                nextBlock();
                continue;
            }
            int k = (int) Math.min(n - done, outLen - outPos);
            outPos += k;
            done += k;
        }
        return done;
    }

    @Override
    public void close() {} // the inflater belongs to the Decoders
}
