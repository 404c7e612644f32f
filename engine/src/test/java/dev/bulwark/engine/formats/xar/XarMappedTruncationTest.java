package dev.bulwark.engine.formats.xar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.MappedTruncation;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (sigbus) XAR's TOC and gzip members over a mapped file truncated under the scan: handed to zlib as the direct buffer,
 * the read past the new end was a SIGBUS that ended the JVM; fed heap copies (NativeInput), it is Java's InternalError.
 */
class XarMappedTruncationTest {
    @Test
    void aTruncatedMappedTocFailsInJavaNotInZlib(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("toc.zlib"), MappedTruncation.deflated(1 << 20, true));
        String out = MappedTruncation.runChild(tmp, XarMappedTruncationTest.class, f.toString());
        assertTrue(out.contains("threw java.lang.InternalError"), out);
    }

    @Test
    void aDirectBufferInflatesAsTheHeapOne() {
        byte[] packed = MappedTruncation.deflated(300_000, true); // many 16 KiB slices
        for (int cut : new int[] {0, 1000}) {
            int len = packed.length - cut;
            byte[] heap = XarExtractor.inflateToc(ByteBuffer.wrap(packed), 0, len, 400_000);
            byte[] direct = XarExtractor.inflateToc(MappedTruncation.direct(packed), 0, len, 400_000);
            assertArrayEquals(heap, direct);
            assertTrue(heap.length > 250_000, "" + heap.length);
            byte[] mh = XarExtractor.inflateMember(ByteBuffer.wrap(packed, 0, len), 1 << 20);
            byte[] md = XarExtractor.inflateMember(MappedTruncation.direct(packed).limit(len), 1 << 20);
            assertArrayEquals(mh, md);
            assertArrayEquals(heap, mh);
        }
    }

    /** Child: maps FILE, truncates it, inflates it as a TOC; prints what that threw. */
    public static void main(String[] args) throws Exception {
        MappedByteBuffer m = MappedTruncation.mapTruncated(Path.of(args[0]));
        MappedTruncation.report(() -> XarExtractor.inflateToc(m, 0, m.limit(), 4 << 20));
    }
}
