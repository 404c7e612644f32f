package dev.bulwark.engine.formats.chm;

import dev.bulwark.engine.formats.archivecommon.BulkInputStream;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.cab.LzxDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The decompressed MSCompressed section, produced frame by frame in order. The reset table gives
 * the packed offset of every frame; the decoder is reset at every reset interval. Files are read
 * in offset order; a file before the current position restarts from its reset point.
 */
final class ContentStream {
    static final ContentStream NONE = new ContentStream();
    private static final int FRAME = LzxDecoder.FRAME;
    /** Largest reset interval accepted: a backward seek re-decodes at most this much (real files use 64 KiB). */
    static final long MAX_RESET_INTERVAL = 16L << 20;

    private final ByteBuffer packed;
    private final long[] frameOffsets;
    private final long size;
    private final int resetFrames;
    private final LzxDecoder lzx;
    private final byte[] frame = new byte[FRAME];
    private long frameIndex = -1; // frame currently held in {@code frame}
    private int frameLen;

    private ContentStream() {
        packed = null;
        frameOffsets = null;
        size = 0;
        resetFrames = 1;
        lzx = null;
    }

    private ContentStream(ByteBuffer packed, long[] offsets, long size, int resetFrames, int windowBits) throws IOException {
        this.packed = packed;
        this.frameOffsets = offsets;
        this.size = size;
        this.resetFrames = resetFrames;
        this.lzx = new LzxDecoder(windowBits);
    }

    static ContentStream open(ByteBuffer b, long content0, ChmExtractor.Entry content, ChmExtractor.Entry control,
                              ChmExtractor.Entry reset) throws IOException {
        if (content == null || control == null || reset == null) throw new IOException("LZX control files missing");
        long c = content0 + control.offset();
        if (!"LZXC".equals(Bytes.text(b, c + 4, 4, false))) throw new IOException("no LZXC control data");
        long version = Bytes.u32le(b, c + 8);
        long interval = Bytes.u32le(b, c + 12), window = Bytes.u32le(b, c + 16);
        if (version == 2) {
            interval *= FRAME;
            window *= FRAME;
        }
        int bits = 63 - Long.numberOfLeadingZeros(Math.max(1, window));
        if (window != 1L << bits || interval < FRAME || interval % FRAME != 0 || interval > MAX_RESET_INTERVAL) {
            throw new IOException("bad LZX window " + window + " or reset interval " + interval);
        }
        long r = content0 + reset.offset();
        long entries = Bytes.u32le(b, r + 4);
        long headerLen = Bytes.u32le(b, r + 12);
        long size = Bytes.u64le(b, r + 16);
        if (entries > Bytes.u32le(b, r + 4) || size < 0 || entries * 8 > reset.length() || !Bytes.has(b, r + headerLen, entries * 8)) {
            throw new IOException("bad reset table");
        }
        long[] offsets = new long[(int) entries]; // bounded by the layer: 8 bytes each were checked above
        for (int i = 0; i < entries; i++) offsets[i] = Bytes.u64le(b, r + headerLen + 8L * i);
        ByteBuffer packed = Bytes.slice(b, content0 + content.offset(), content.length());
        return new ContentStream(packed, offsets, size, (int) (interval / FRAME), bits);
    }

    /** Decodes frame {@code f}: continues when it lies ahead in the current reset interval, else from its reset point. */
    private void load(long f) throws IOException {
        if (f == frameIndex) return;
        boolean sameInterval = frameIndex >= 0 && f > frameIndex && f / resetFrames == frameIndex / resetFrames;
        for (long k = sameInterval ? frameIndex + 1 : f - f % resetFrames; k <= f; k++) {
            if (k % resetFrames == 0) {
                if (k >= frameOffsets.length) throw new IOException("frame " + k + " not in the reset table");
                long off = frameOffsets[(int) k];
                if (off < 0 || off > packed.limit()) throw new IOException("reset offset outside content");
                lzx.reset();
                lzx.setInput(Bytes.slice(packed, off, packed.limit() - off));
            }
            int len = (int) Math.min(FRAME, size - k * FRAME);
            if (len <= 0) throw new IOException("read past the content");
            frameIndex = -1; // a failure below leaves no frame loaded
            frameLen = lzx.decodeFrame(frame, len);
            frameIndex = k;
        }
    }

    /** The bytes {@code [offset, offset+length)} of the decompressed content. */
    InputStream window(long offset, long length) {
        return new BulkInputStream() {
            long pos = offset;
            final long end = offset + Math.max(0, length);


            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= end || pos >= size || pos < 0) return -1;
                load(pos / FRAME);
                int in = (int) (pos % FRAME);
                int n = (int) Math.min(Math.min(len, frameLen - in), end - pos);
                if (n <= 0) return -1;
                System.arraycopy(frame, in, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
