package dev.bulwark.engine.formats.uuencode;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;

/**
 * CL_TYPE_UUENCODED (a file starting "begin "), as libclamav 1.4's cli_uuencode: the first line, as its reader returns
 * it (at most 999 bytes, up to '\n'), must be isuuencodebegin's begin line ("begin", a space, three digits 0-9, a
 * space: {@code begin 644 name}), and then the one block after it is decoded (uudecodeFile) and becomes the child;
 * a later block is not looked for. (review18) Before, every begin line anywhere in the layer (octal modes of one to
 * four digits) started a block: a text file starting "begin " with a uuencoded block further down was decoded where
 * clamscan 1.4.6 decodes nothing (a detection clamscan does not make), and "begin 999 x" was not decoded.
 */
public final class UuencodedExtractor implements Extractor {
    /** The bytes one read of ClamAV's line reader keeps at most (fmap_gets with a 1,001-byte buffer). */
    private static final int LINE_READ = 999;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        int end = b.limit();
        if (!clamBegin(b, end)) return;
        int lim = Math.min(end, LINE_READ), first = 0;
        while (first < lim && b.get(first) != '\n') first++;
        int data = first < lim ? first + 1 : lim; // a longer begin line: its rest is read as the first data line
        ByteSink sink = new ByteSink(ctx.budget());
        UuDecoder.decodeLines(b, data, end, sink);
        if (sink.overflowed()) ctx.note("uuencoded block exceeds the size budget; truncated");
        if (sink.isEmpty()) return; // fileblobDestroy keeps (and scans) no empty file
        ctx.child(ChildInfo.named(UuDecoder.fileName(b, 0, end), 1), sink.view());
    }

    /** message.c isuuencodebegin on the layer's first line: 'b', then "egin " in any case, three digits and a space. */
    static boolean clamBegin(ByteBuffer b, int end) {
        if (end < 10 || b.get(0) != 'b') return false;
        for (int k = 1; k < 5; k++) if ((b.get(k) | 0x20) != "begin".charAt(k)) return false;
        if (b.get(5) != ' ') return false;
        for (int k = 6; k < 9; k++) if (b.get(k) < '0' || b.get(k) > '9') return false;
        return b.get(9) == ' ';
    }
}
