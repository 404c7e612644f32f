package dev.bulwark.engine.formats.zstd;

import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * (fuzz19) zstd frame headers declaring windows above 8 MiB rewritten for aircompressor (see {@link ZstdExtractor}); for
 * .zst layers and ZIP's method 93. A class of its own, free of aircompressor types, so that ZIP's method table can call
 * it without its verification loading the decoder's classes.
 */
public final class ZstdFrames {
    private ZstdFrames() {}

    private static final int MAGIC = 0xFD2FB528;
    /** The largest window aircompressor decodes compressed blocks in. */
    static final long MAX_WINDOW = 8 << 20;
    /** Window descriptor of an 8 MiB window: exponent 13 (2^(10+13)), mantissa 0. */
    private static final byte WINDOW_8MIB = (byte) (13 << 3);

    /** The layer with every frame header declaring a window above {@link #MAX_WINDOW} rewritten to declare 8 MiB (ctx: for the note, or null). */
    public static InputStream clamped(ByteBuffer b, ExtractContext ctx) {
        dev.bulwark.engine.Limits l = (ctx == null ? dev.bulwark.engine.Limits.DEFAULTS : ctx.limits()).normalize();
        return clamped(b, ctx, l.maxFileSize() + 1); // a member above MaxFileSize is then still seen as such
    }

    /** As {@link #clamped(ByteBuffer, ExtractContext)}; a frame decoded at once yields about {@code cap} bytes at most. */
    public static InputStream clamped(ByteBuffer b, ExtractContext ctx, long cap) {
        b = b.slice(); // absolute indices below count from the data's start
        List<InputStream> parts = new ArrayList<>();
        int n = b.limit(), done = 0, p = 0;
        while (p + 4 <= n) {
            long magic = Bytes.u32le(b, p);
            if ((magic & 0xFFFFFFF0L) == 0x184D2A50L) { // skippable frame
                if (p + 8 > n) break;
                long next = p + 8 + Bytes.u32le(b, p + 4);
                if (next > n) break;
                // (zstd21) left out: aircompressor knows no skippable frames ("Invalid magic prefix"), zstd -d skips them
                parts.add(new BufferInputStream(b.slice(done, p - done)));
                p = done = (int) next;
                continue;
            }
            if (magic != (MAGIC & 0xFFFFFFFFL) || p + 5 > n) break;
            int fhd = Bytes.u8(b, p + 4);
            if ((fhd & 0x08) != 0) break; // reserved bit: the decoder reports it
            boolean single = (fhd & 0x20) != 0;
            int fcsFlag = fhd >>> 6, didSize = new int[] {0, 1, 2, 4}[fhd & 3];
            int fcsSize = new int[] {single ? 1 : 0, 2, 4, 8}[fcsFlag];
            int at = p + 5, headerEnd = at + (single ? 0 : 1) + didSize + fcsSize;
            if (headerEnd > n) break;
            long window;
            if (!single) {
                int wd = Bytes.u8(b, at);
                long base = 1L << (10 + (wd >>> 3));
                window = base + (base >>> 3) * (wd & 7);
            } else {
                int fcsAt = at + didSize;
                window = switch (fcsSize) {
                    case 1 -> Bytes.u8(b, fcsAt);
                    case 2 -> Bytes.u16le(b, fcsAt) + 256L;
                    case 4 -> Bytes.u32le(b, fcsAt);
                    default -> Bytes.u64le(b, fcsAt);
                };
                if (window < 0) window = Long.MAX_VALUE;
            }
            int q = headerEnd;
            boolean last = false, compressed = false;
            long bound = 0; // the most this frame's blocks can produce: raw and RLE sizes, 128 KiB per compressed block
            while (!last && q + 3 <= n) {
                int bh = Bytes.u8(b, q) | Bytes.u8(b, q + 1) << 8 | Bytes.u8(b, q + 2) << 16;
                int type = bh >>> 1 & 3;
                if (type == 3) break; // reserved: the decoder reports it
                last = (bh & 1) != 0;
                compressed |= type == 2;
                bound += type == 2 ? 128 << 10 : bh >>> 3;
                q += 3 + (type == 1 ? 1 : bh >>> 3);
            }
            // (zstd21) a frame above 8 MiB holding compressed blocks is decoded at once into an output of its content
            // size (if given and below the blocks' bound), or the bound, never more than about cap: matches then reach
            // all output before them (window = content, as RFC 8878 defines a single segment's), the decoder's buffer
            // never grows, and what goes on is a frame of raw blocks holding that output. If that decode fails, the
            // frame gets fuzz19's rewrite below (an 8 MiB window: a prefix of the data, then a note).
            if (window > MAX_WINDOW && compressed) {
                // decoded when the reader gets there (one frame's output held at a time, none past the member limit)
                ByteBuffer d = b;
                int at0 = p, didAt = at + (single ? 0 : 1), fcsLen = fcsSize, blocksAt = headerEnd, fhd0 = fhd, did = didSize;
                int end = (int) Math.min(n, (long) q + ((fhd & 0x04) != 0 ? 4 : 0));
                long declared = window;
                parts.add(new BufferInputStream(b.slice(done, p - done)));
                parts.add(new Lazy(() -> {
                    InputStream whole = oneShot(d, at0, fhd0, didAt, did, fcsLen, blocksAt, cap, ctx);
                    if (whole != null) return whole;
                    if (ctx != null) ctx.note("zstd: frame at " + at0 + " declares a window of " + declared + " bytes, decoded in " + MAX_WINDOW);
                    return new SequenceInputStream(Collections.enumeration(List.of(new BufferInputStream(d.slice(at0, 4)),
                            new ByteArrayInputStream(header8MiB(d, fhd0, didAt, did)), new BufferInputStream(d.slice(blocksAt, end - blocksAt)))));
                }));
                done = end;
                if (!last) break;
                p = done;
                continue;
            }
            if (window > MAX_WINDOW) {
                parts.add(new BufferInputStream(b.slice(done, p + 4 - done)));
                parts.add(new ByteArrayInputStream(header8MiB(b, fhd, at + (single ? 0 : 1), didSize)));
                done = headerEnd;
                if (ctx != null) ctx.note("zstd: frame at " + p + " declares a window of " + window + " bytes, decoded in " + MAX_WINDOW);
            }
            if (!last) break;
            p = q + ((fhd & 0x04) != 0 ? 4 : 0);
        }
        if (parts.isEmpty()) return new BufferInputStream(b);
        if (done >= n) return new SequenceInputStream(Collections.enumeration(parts));
        parts.add(new BufferInputStream(b.slice(done, n - done)));
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    /** Largest raw block written (the spec's block maximum; the window declared below is as large). */
    private static final int RAW = 128 << 10;

    /**
     * (zstd21) The frame at p (the blocks from headerEnd) decoded by {@link ZstdOneShot} and re-framed as raw
     * blocks, or null when the decode fails. Blocks whose output may start at or past cap are dropped (the last kept one
     * is marked last, the checksum then dropped), so the output is at most cap plus one block.
     */
    private static InputStream oneShot(ByteBuffer b, int p, int fhd, int didAt, int didSize, int fcsSize, int headerEnd,
                                       long cap, ExtractContext ctx) {
        long fcs = -1;
        if ((fhd >>> 6) != 0 || (fhd & 0x20) != 0) {
            int fcsAt = didAt + didSize;
            fcs = switch (fcsSize) {
                case 1 -> Bytes.u8(b, fcsAt);
                case 2 -> Bytes.u16le(b, fcsAt) + 256L;
                case 4 -> Bytes.u32le(b, fcsAt);
                default -> Bytes.u64le(b, fcsAt);
            };
        }
        // walk the blocks again: keep those that may start below cap
        int q = headerEnd, lastKept = -1;
        long bound = 0;
        boolean truncated = false;
        int n = b.limit();
        while (true) {
            if (bound >= cap || q + 3 > n) { truncated = true; break; }
            int bh = Bytes.u8(b, q) | Bytes.u8(b, q + 1) << 8 | Bytes.u8(b, q + 2) << 16;
            int type = bh >>> 1 & 3, next = q + 3 + (type == 1 ? 1 : bh >>> 3);
            if (type == 3 || next > n) { truncated = true; break; } // a frame cut short: its whole blocks are decoded
            bound += type == 2 ? RAW : bh >>> 3;
            lastKept = q;
            q = next;
            if ((bh & 1) != 0) break;
        }
        if (lastKept < 0) return null;
        int end = q;
        long size = fcs >= 0 && fcs < bound ? fcs : bound;
        if (size > Integer.MAX_VALUE - 16) return null;
        boolean checksum = (fhd & 0x04) != 0 && !truncated && end + 4 <= n;
        int blocksLen = q - headerEnd;
        // header: magic, descriptor (8-byte content size, single segment, checksum as kept, dictionary id), the id, size
        byte[] frame = new byte[5 + didSize + 8 + blocksLen + (checksum ? 4 : 0)];
        ByteBuffer f = ByteBuffer.wrap(frame).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        f.putInt(MAGIC).put((byte) (0xC0 | 0x20 | (checksum ? 0x04 : 0) | (fhd & 3)));
        for (int i = 0; i < didSize; i++) f.put(b.get(didAt + i));
        f.putLong(size);
        int blocksAt = f.position();
        f.put(b.slice(headerEnd, blocksLen));
        if (checksum) f.put(b.slice(end, 4));
        if (truncated) frame[blocksAt + lastKept - headerEnd] |= 1; // the last kept block ends the frame
        int[] length = new int[1];
        byte[] out = ZstdOneShot.decode(frame, (int) size, length);
        if (out == null) return null;
        if (ctx != null) ctx.note("zstd: frame at " + p + " declares a window above " + MAX_WINDOW + ", decoded at once ("
                + length[0] + " bytes" + (truncated ? ", cut at " + cap : "") + ")");
        // the output as a frame of raw blocks under a 128 KiB window: the stream decoder copies them through
        List<InputStream> parts = new ArrayList<>();
        parts.add(new ByteArrayInputStream(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0x00, 7 << 3}));
        int off = 0;
        do {
            int len = Math.min(RAW, length[0] - off);
            int bh = len << 3 | (off + len == length[0] ? 1 : 0);
            parts.add(new ByteArrayInputStream(new byte[] {(byte) bh, (byte) (bh >>> 8), (byte) (bh >>> 16)}));
            parts.add(new ByteArrayInputStream(out, off, len));
            off += len;
        } while (off < length[0]);
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    /** A frame header (after the magic) declaring an 8 MiB window: checksum and dictionary-id flags kept, no content size. */
    private static byte[] header8MiB(ByteBuffer b, int fhd, int didAt, int didSize) {
        byte[] header = new byte[2 + didSize];
        header[0] = (byte) (fhd & 0x07);
        header[1] = WINDOW_8MIB;
        for (int i = 0; i < didSize; i++) header[2 + i] = b.get(didAt + i);
        return header;
    }

    /** A stream opened on its first read and dropped on close (SequenceInputStream closes each part it finishes). */
    private static final class Lazy extends InputStream {
        private java.util.function.Supplier<InputStream> open;
        private InputStream in;

        Lazy(java.util.function.Supplier<InputStream> open) { this.open = open; }

        private InputStream in() {
            if (open != null) {
                in = open.get();
                open = null;
            }
            return in;
        }

        @Override public int read() throws java.io.IOException {
            InputStream s = in();
            return s == null ? -1 : s.read();
        }

        @Override public int read(byte[] buf, int off, int len) throws java.io.IOException {
            InputStream s = in();
            return s == null ? -1 : s.read(buf, off, len);
        }

        @Override public void close() throws java.io.IOException {
            open = null;
            if (in != null) in.close();
            in = null;
        }
    }
}
