package dev.bulwark.engine.formats.docio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.MappedTruncation;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (sigbus) {@link Inflate} (PDF FlateDecode, OLE2 VBA) over a mapped file truncated under the scan: zlib read the
 * direct buffer in native code, a SIGBUS that ended the JVM; fed heap copies, the fault is Java's InternalError.
 */
class InflateMappedTruncationTest {
    @Test
    void aTruncatedMappedStreamFailsInJavaNotInZlib(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("stream.zlib"), MappedTruncation.deflated(1 << 20, true));
        String out = MappedTruncation.runChild(tmp, InflateMappedTruncationTest.class, f.toString());
        assertTrue(out.contains("threw java.lang.InternalError"), out);
    }

    @Test
    void aDirectBufferInflatesAsTheHeapOne() {
        for (boolean zlib : new boolean[] {true, false}) {
            byte[] packed = MappedTruncation.deflated(300_000, zlib); // many 16 KiB slices
            for (int from : new int[] {0, 7}) { // from 7: corrupt within the first bytes
                int to = packed.length - 1000; // cut: both stop when the input runs out
                ByteSink heap = new ByteSink(1 << 20), direct = new ByteSink(1 << 20);
                boolean h = Inflate.inflate(ByteBuffer.wrap(packed), from, to, zlib, heap);
                boolean d = Inflate.inflate(MappedTruncation.direct(packed), from, to, zlib, direct);
                assertEquals(h, d);
                if (from == 0) assertTrue(heap.size() > 250_000, "" + heap.size());
                assertArrayEquals(heap.toArray(), direct.toArray());
            }
            ByteSink whole = new ByteSink(1 << 20);
            assertTrue(Inflate.inflate(MappedTruncation.direct(packed), 0, packed.length, zlib, whole));
            assertEquals(300_000, whole.size());
        }
    }

    /** Child: maps FILE, truncates it, inflates it; prints what that threw. */
    public static void main(String[] args) throws Exception {
        MappedByteBuffer m = MappedTruncation.mapTruncated(Path.of(args[0]));
        MappedTruncation.report(() -> Inflate.inflate(m, 0, m.limit(), true, new ByteSink(4 << 20)));
    }
}
