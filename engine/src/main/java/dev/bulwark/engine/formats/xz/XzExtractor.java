package dev.bulwark.engine.formats.xz;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import dev.bulwark.engine.formats.archivecommon.DictionaryCache;
import dev.bulwark.engine.formats.archivecommon.Emit;
import dev.bulwark.engine.formats.archivecommon.SafeStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZInputStream;

/**
 * XZ (concatenated streams) and, for data without the XZ magic, the legacy {@code .lzma} format;
 * both with XZ for Java. A dictionary above the memory cap raises
 * {@code Heuristics.XZ.DicSizeLimit} as ClamAV does when its allocator refuses the dictionary.
 */
public final class XzExtractor implements Extractor {
    /** Decoder memory (KiB) one stream may use: covers xz -9 (64 MiB dictionary) with headroom. */
    static final int MEMORY_LIMIT_KIB = 96 << 10;
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        boolean xz = b.limit() >= XZ_MAGIC.length;
        for (int i = 0; xz && i < XZ_MAGIC.length; i++) xz = b.get(i) == XZ_MAGIC[i];
        InputStream in;
        try {
            // the integrity check is not verified: xz-java verifies it in the read that returns a block's last
            // bytes and throws instead of returning them, so a damaged CRC lost the block's tail; ClamAV scans
            // what it decoded whatever the check says
            // (fuzz16) blocks share one dictionary (xz's LZMA2 decoder gives it back at each block's end): 1,000
            // 20-byte blocks declaring 64 MiB (xz -9 --block-size=20, 46 KB) allocated 1,000 and took 6 s of CPU;
            // (fuzz19) and so do the xz layers of one scan: a tar of 3,000 such files allocated 3,000
            in = xz ? new XZInputStream(new BufferInputStream(b), MEMORY_LIMIT_KIB, false, ctx.dictionaries())
                    : new LZMAInputStream(new BufferInputStream(b), MEMORY_LIMIT_KIB);
        } catch (MemoryLimitException e) {
            dictionaryLimit(ctx, e);
            return;
        } catch (IOException | RuntimeException e) {
            ctx.note((xz ? "xz" : "lzma") + ": bad header: " + e.getMessage());
            return;
        }
        Tracking t = new Tracking(in);
        Emit.stream(ctx, xz ? "xz" : "lzma", new ChildInfo("", null, b.limit(), -1, false, 1, -1), t, b.limit());
        if (t.failure() instanceof MemoryLimitException m) dictionaryLimit(ctx, m);
    }

    private static void dictionaryLimit(ExtractContext ctx, MemoryLimitException e) {
        ctx.note("xz: dictionary needs " + e.getMemoryNeeded() + " KiB, limit " + e.getMemoryLimit() + " KiB");
        ctx.heuristic("Heuristics.XZ.DicSizeLimit");
    }

    /** Remembers the decoder's own failure (Emit wraps again, but only this layer knows the type). */
    private static final class Tracking extends java.io.FilterInputStream {
        private final SafeStream inner;
        Tracking(InputStream in) { this(new SafeStream(in)); }
        private Tracking(SafeStream s) { super(s); this.inner = s; }
        Throwable failure() { return inner.failure(); }
        @Override public int read(byte[] b, int off, int len) throws IOException {
            int r = in.read(b, off, len);
            if (r < 0 && inner.failure() != null) throw new IOException(inner.describe(), inner.failure());
            return r;
        }
    }
}
