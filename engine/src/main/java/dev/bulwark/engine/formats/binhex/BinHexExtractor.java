package dev.bulwark.engine.formats.binhex;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.Text;
import java.nio.ByteBuffer;

/**
 * BinHex 4.0 ({@code .hqx}): 6-bit text encoding, then run-length encoding (0x90 marker), then a
 * header (name, type, creator, fork lengths) followed by the data and resource forks. Both non-empty
 * forks become children; the data fork carries the file name.
 */
public final class BinHexExtractor implements Extractor {
    private static final String ALPHABET =
            "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
    private static final byte[] DECODE = new byte[256];
    static {
        java.util.Arrays.fill(DECODE, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) DECODE[ALPHABET.charAt(i)] = (byte) i;
    }
    private static final int RLE_MARK = 0x90;
    private static final int MAX_HEADER = 1 + 255 + 21; // name length, name, fixed fields
    private static final int HEADER_FIXED = 1 + 4 + 4 + 2 + 4 + 4 + 2; // version, type, creator, flags, two lengths, CRC
    private static final byte[] INTRO = "(This file must be converted with BinHex".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        int end = b.limit();
        int start = findStart(b, end);
        if (start < 0) {
            ctx.note("BinHex: no ':' start marker");
            return;
        }
        // header plus forks: never more than one member's budget (the resource fork gets what is left)
        ByteSink out = new ByteSink(Math.min(ctx.budget(), Integer.MAX_VALUE - 4096) + MAX_HEADER);
        boolean complete = decode(b, start + 1, end, out);
        if (!complete) ctx.note("BinHex: stream ends without the closing ':'");
        emitForks(out, ctx);
    }

    /** Finds the ':' that opens the data: after the intro line if present, else the first ':' at a line start. */
    static int findStart(ByteBuffer b, int end) {
        int intro = Text.indexOf(b, 0, end, INTRO);
        int i = intro >= 0 ? Text.nextLine(b, intro, end) : 0;
        while (i < end) {
            int next = Text.nextLine(b, i, end);
            int k = i;
            while (k < next && (b.get(k) == ' ' || b.get(k) == '\t')) k++;
            if (k < next && b.get(k) == ':') return k;
            i = next;
        }
        return -1;
    }

    /** 6-bit decode + RLE expand into {@code out}; returns true when the closing ':' was seen. */
    private static boolean decode(ByteBuffer b, int from, int end, ByteSink out) {
        int acc = 0, bits = 0;
        int prev = -1;
        boolean pendingMark = false;
        for (int i = from; i < end; i++) {
            int c = b.get(i) & 0xff;
            if (c == ':') return true;
            int v = DECODE[c];
            if (v < 0) continue; // line breaks and blanks
            acc = (acc << 6) | v;
            bits += 6;
            if (bits < 8) continue;
            bits -= 8;
            int x = (acc >> bits) & 0xff;
            acc &= (1 << bits) - 1;
            if (pendingMark) {
                pendingMark = false;
                if (x == 0) {
                    if (!out.put(RLE_MARK)) return false;
                    prev = RLE_MARK;
                } else if (prev >= 0) {
                    for (int r = 1; r < x; r++) if (!out.put(prev)) return false;
                }
            } else if (x == RLE_MARK) {
                pendingMark = true;
            } else {
                if (!out.put(x)) return false;
                prev = x;
            }
        }
        return false;
    }

    private static void emitForks(ByteSink s, ExtractContext ctx) {
        int n = s.size();
        if (n < 1) return;
        int nameLen = s.get(0);
        int h = 1 + nameLen;
        if (h + HEADER_FIXED > n) {
            ctx.note("BinHex: header truncated");
            return;
        }
        char[] name = new char[nameLen];
        for (int k = 0; k < nameLen; k++) name[k] = (char) s.get(1 + k);
        int p = h + 1 + 4 + 4 + 2;
        long dataLen = u32(s, p);
        long rsrcLen = u32(s, p + 4);
        int dataStart = h + HEADER_FIXED;
        ByteBuffer all = s.view();
        long dataAvail = Math.min(Math.min(dataLen, n - dataStart), ctx.budget());
        if (dataAvail < dataLen) ctx.note("BinHex: data fork declares " + dataLen + " bytes, " + dataAvail + " present");
        if (dataAvail > 0) {
            ChildInfo info = new ChildInfo(new String(name), null, -1, dataLen, false, 1, -1);
            if (!ctx.child(info, all.slice(dataStart, (int) dataAvail))) return;
        }
        long rsrcStart = dataStart + dataLen + 2; // data fork CRC
        if (rsrcLen > 0 && rsrcStart < n) {
            long avail = Math.min(Math.min(rsrcLen, n - rsrcStart), ctx.budget());
            ChildInfo info = new ChildInfo(new String(name), null, -1, rsrcLen, false, 2, -1);
            ctx.child(info, all.slice((int) rsrcStart, (int) avail));
        }
    }

    private static long u32(ByteSink s, int p) {
        return ((long) s.get(p) << 24) | (s.get(p + 1) << 16) | (s.get(p + 2) << 8) | s.get(p + 3);
    }
}
