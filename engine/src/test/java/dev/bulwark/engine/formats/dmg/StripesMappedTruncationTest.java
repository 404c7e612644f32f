package dev.bulwark.engine.formats.dmg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.MappedTruncation;
import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (sigbus) A DMG's zlib stripe ({@link Stripes#inflate}) in a mapped image truncated under the scan: zlib read the
 * direct buffer in native code, a SIGBUS that ended the JVM; fed heap copies, the fault is Java's InternalError.
 */
class StripesMappedTruncationTest {
    @Test
    void aTruncatedMappedStripeFailsInJavaNotInZlib(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("stripe.zlib"), MappedTruncation.deflated(1 << 20, true));
        String out = MappedTruncation.runChild(tmp, StripesMappedTruncationTest.class, f.toString());
        assertTrue(out.contains("threw java.lang.InternalError"), out);
    }

    @Test
    void aDirectStripeInflatesAsTheHeapOne() {
        byte[] packed = MappedTruncation.deflated(300_000, true);
        for (int cut : new int[] {0, 1000}) {
            ByteSink heap = new ByteSink(1 << 20), direct = new ByteSink(1 << 20);
            // from offset 10: not a zlib header, corrupt at once; from 0: the whole stream
            for (int off : new int[] {0, 10}) {
                heap.clear();
                direct.clear();
                ByteBuffer h = ByteBuffer.wrap(packed).position(off).limit(packed.length - cut);
                ByteBuffer d = MappedTruncation.direct(packed).position(off).limit(packed.length - cut);
                assertEquals(Stripes.inflate(h, 300_000, heap), Stripes.inflate(d, 300_000, direct));
                assertArrayEquals(heap.toArray(), direct.toArray());
                if (off == 0) assertTrue(heap.size() > 250_000, "" + heap.size());
            }
        }
    }

    /** Child: maps FILE, truncates it, inflates it as a stripe; prints what that threw. */
    public static void main(String[] args) throws Exception {
        MappedByteBuffer m = MappedTruncation.mapTruncated(Path.of(args[0]));
        MappedTruncation.report(() -> Stripes.inflate(m, 4 << 20, new ByteSink(4 << 20)));
    }
}
