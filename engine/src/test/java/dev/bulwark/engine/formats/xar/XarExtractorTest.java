package dev.bulwark.engine.formats.xar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** (types17) XAR unpacking on the fuzz seeds (made with the same layout as xar(1)): members, damage, lying sizes. */
@Timeout(300) // hang guard only
class XarExtractorTest {
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    static byte[] seed(String name) {
        try (InputStream in = XarExtractorTest.class.getResourceAsStream("XarFuzzTestInputs/fuzz/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void gzipMembersAfterTheToc() {
        RecordingContext ctx = Contract.run(new XarExtractor(), FileType.XAR, seed("gz.xar"));
        assertEquals(3, ctx.extracted().size(), ctx.notes().toString());
        assertTrue(text(ctx.extracted().get(0).data()).contains("<toc>"));
        assertEquals("hello MEMBERMARK world\n".repeat(3), text(ctx.extracted().get(1).data()));
        assertEquals("pre " + EICAR + " post", text(ctx.extracted().get(2).data()));
    }

    @Test
    void bzip2MemberIsHandedOnStored() {
        byte[] x = seed("bzip2.xar");
        RecordingContext ctx = Contract.run(new XarExtractor(), FileType.XAR, x);
        assertEquals(2, ctx.extracted().size());
        byte[] m = ctx.extracted().get(1).data();
        assertEquals("BZh", text(Arrays.copyOf(m, 3))); // typed and unpacked as its own layer
    }

    @Test
    void lzmaMembersDecode() {
        RecordingContext ctx = Contract.run(new XarExtractor(), FileType.XAR, seed("lzma.xar"));
        assertEquals(3, ctx.extracted().size());
        assertEquals("pre " + EICAR + " post", text(ctx.extracted().get(1).data()));
    }

    @Test
    void subdocumentBeforeTheTocIsAMember() {
        RecordingContext ctx = Contract.run(new XarExtractor(), FileType.XAR, seed("subdoc.xar"));
        assertEquals("SUBDOCMARK " + EICAR, text(ctx.extracted().get(1).data()));
        // the <toc> start tag follows </subdoc> directly: ClamAV's reader passes over it and finds no extents
        assertEquals(2, ctx.extracted().size());
    }

    @Test
    void aMemberThatDoesNotInflateIsDroppedAndTheNextIsScanned() {
        RecordingContext ctx = Contract.run(new XarExtractor(), FileType.XAR, seed("corrupt-first.xar"));
        assertEquals(2, ctx.extracted().size());
        assertEquals("pre " + EICAR + " post", text(ctx.extracted().get(1).data()));
    }

    @Test
    void everyTruncationAndFlipKeepsTheContract() {
        for (String s : new String[] {"gz.xar", "bzip2.xar", "lzma.xar", "subdoc.xar", "ea.xar", "many.xar"}) {
            Contract.truncations(new XarExtractor(), FileType.XAR, seed(s));
            Contract.flips(new XarExtractor(), FileType.XAR, seed(s), 17);
        }
    }

    @Test
    void lyingTocSizesAreBounded() {
        byte[] x = seed("gz.xar");
        ByteBuffer h = ByteBuffer.wrap(x).order(ByteOrder.BIG_ENDIAN);
        long tocC = h.getLong(8);
        // a decompressed TOC size beyond the limits: not allocated, nothing extracted
        byte[] huge = x.clone();
        ByteBuffer.wrap(huge).putLong(16, 1L << 40);
        RecordingContext ctx = Contract.run(new XarExtractor(), FileType.XAR, huge);
        assertEquals(0, ctx.extracted().size());
        // a smaller one cuts the TOC (as ClamAV's inflate into the declared size): no extent is complete
        byte[] small = x.clone();
        ByteBuffer.wrap(small).putLong(16, 60);
        ctx = Contract.run(new XarExtractor(), FileType.XAR, small);
        assertEquals(1, ctx.extracted().size());
        assertEquals(60, ctx.extracted().get(0).data().length);
        // a compressed size past the end of the file, or negative: nothing
        for (long c : new long[] {x.length, Long.MIN_VALUE, -1, tocC + 1_000_000, Long.MAX_VALUE, Long.MAX_VALUE - 27}) {
            byte[] b = x.clone();
            ByteBuffer.wrap(b).putLong(8, c);
            assertEquals(0, Contract.run(new XarExtractor(), FileType.XAR, b).extracted().size());
        }
    }

    @Test
    void aDeclaredTocSizeIsNotAllocatedBeyondWhatItsCompressedBytesCanInflateTo() {
        // (review21) a few hundred bytes declaring a 64 MiB TOC (within the default limits) allocated 64 MiB up front
        byte[] x = seed("gz.xar");
        ByteBuffer.wrap(x).putLong(16, 64L << 20);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        RecordingContext ctx = RecordingContext.defaults();
        long before = mx.getThreadAllocatedBytes(tid);
        new XarExtractor().extract(dev.bulwark.engine.formats.archivetest.TestLayer.of(x, FileType.XAR), ctx);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 16L << 20, "allocated " + allocated);
        assertTrue(text(ctx.extracted().get(0).data()).contains("<toc>")); // the TOC as before (cut where the stream ends)
    }

    @Test
    void lyingExtentsAreBounded() throws Exception {
        byte[] x = seed("gz.xar");
        ByteBuffer h = ByteBuffer.wrap(x);
        int hs = h.getShort(4), tocC = (int) h.getLong(8), tocU = (int) h.getLong(16);
        byte[] toc = XarExtractor.inflateToc(h, hs, tocC, tocU);
        String t = text(toc);
        // offsets and lengths far past the file: a gzip extent there inflates nothing, a stored one ends the walk
        for (String[] r : new String[][] {{"<offset>20</offset>", "<offset>99999999999</offset>"},
                {"<length>", "<length>88888888888"}, {"application/x-gzip", "application/octet-stream"}}) {
            String t2 = t.replace(r[0], r[1]);
            byte[] b = rebuild(x, hs, tocC, t2);
            RecordingContext ctx = Contract.run(new XarExtractor(), FileType.XAR, b);
            assertTrue(ctx.extracted().size() >= 1);
            long total = 0;
            for (RecordingContext.Child c : ctx.extracted()) total += c.data().length;
            assertTrue(total <= ctx.limits().maxScanSize());
        }
    }

    /** {@code x} with its TOC replaced by {@code toc} (compressed again), the heap unchanged. */
    private static byte[] rebuild(byte[] x, int hs, int tocC, String toc) {
        byte[] raw = toc.getBytes(StandardCharsets.ISO_8859_1);
        java.util.zip.Deflater d = new java.util.zip.Deflater();
        d.setInput(raw);
        d.finish();
        byte[] z = new byte[raw.length + 64];
        int zl = d.deflate(z);
        d.end();
        byte[] out = new byte[hs + zl + (x.length - hs - tocC)];
        System.arraycopy(x, 0, out, 0, hs);
        System.arraycopy(z, 0, out, hs, zl);
        System.arraycopy(x, hs + tocC, out, hs + zl, x.length - hs - tocC);
        ByteBuffer.wrap(out).putLong(8, zl).putLong(16, raw.length);
        assertArrayEquals(raw, XarExtractor.inflateToc(ByteBuffer.wrap(out), hs, zl, raw.length));
        return out;
    }

    @Test
    void inflateTocOnGarbageIsNull() {
        assertEquals(null, XarExtractor.inflateToc(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}), 0, 5, 100));
    }
}
