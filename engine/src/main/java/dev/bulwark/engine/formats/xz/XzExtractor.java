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
        ChildInfo info = new ChildInfo("", null, b.limit(), -1, false, 1, -1);
        if (!xz) {
            Tracking t = new Tracking(in);
            Emit.stream(ctx, "lzma", info, t, b.limit());
            if (t.failure() instanceof MemoryLimitException m) dictionaryLimit(ctx, m);
            return;
        }
        // (compat17) libclamav's cli_scanxz scans nothing when decoding fails inside a block's data or the input ends
        // before the stream does: it goes to xz_exit past cli_magic_scan_desc (clamscan 1.4.6: a truncated .xz holding
        // EICAR in its first half is OK). cli_XzDecode looks at the LZMA2 status before the result, though: damage met
        // after a block's data ended (block padding, the next block header, index, footer, what follows the stream)
        // leaves the status "finished with mark", which it takes for the stream's end, and everything is scanned
        AllOrNothing s = new AllOrNothing(in);
        try {
            ctx.child(info, s, b.limit());
        } catch (IOException | RuntimeException e) {
            ctx.note("xz: damaged, nothing scanned (as clamscan): " + e);
        } finally {
            try { in.close(); } catch (IOException | RuntimeException ignored) { }
        }
        if (s.failure instanceof MemoryLimitException m) dictionaryLimit(ctx, m);
    }

    /**
     * Whether xz-java's failure is one libclamav's unpacker meets with a block's data decoded to its end mark: not input
     * that ended early, not an error inside a block's data (the LZMA/LZMA2 decoder or a filter).
     */
    static boolean pastTheBlocks(Throwable e) {
        if (e instanceof java.io.EOFException || !(e instanceof IOException)) return false;
        for (StackTraceElement f : e.getStackTrace()) {
            String c = f.getClassName();
            if (c.startsWith("org.tukaani.xz.lz") || c.startsWith("org.tukaani.xz.rangecoder")
                    || c.startsWith("org.tukaani.xz.simple") || c.startsWith("org.tukaani.xz.delta")
                    || c.equals("org.tukaani.xz.LZMA2InputStream") || c.equals("org.tukaani.xz.SimpleInputStream")
                    || c.equals("org.tukaani.xz.DeltaInputStream")) return false;
        }
        return true;
    }

    /** Ends cleanly at damage past the blocks and rethrows any other failure, so that nothing is scanned. */
    private static final class AllOrNothing extends java.io.FilterInputStream {
        Throwable failure;
        AllOrNothing(InputStream in) { super(in); }
        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) return -1;
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException | StackOverflowError e) {
                failure = e;
                if (pastTheBlocks(e)) return -1;
                throw new IOException(e.toString(), e);
            }
        }
        @Override public void close() { }
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
