package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (sigbus) The layer key (CRC-32C and CRC-32 of the layer, computed for clamscan's summary, the CLI's default) of a
 * mapped file truncated under the scan: both checksums read a direct buffer in native code or an intrinsic stub, a
 * SIGBUS that ended the JVM; from heap copies, the fault is Java's InternalError.
 */
class LayerKeyMappedTruncationTest {
    @Test
    void aTruncatedMappedLayerFailsInJavaNotInTheChecksum(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("layer.bin"), new byte[1 << 20]);
        String out = MappedTruncation.runChild(tmp, LayerKeyMappedTruncationTest.class, f.toString());
        assertTrue(out.contains("threw java.lang.InternalError"), out);
    }

    @Test
    void aDirectLayerHasTheHeapLayersKey() {
        byte[] b = MappedTruncation.deflated(100_000, false); // any bytes; several 16 KiB slices
        assertEquals(new LayerImpl(ByteBuffer.wrap(b), null, "", null).key(),
                new LayerImpl(MappedTruncation.direct(b), null, "", null).key());
    }

    /** Child: maps FILE, truncates it, computes its layer key; prints what that threw. */
    public static void main(String[] args) throws Exception {
        MappedByteBuffer m = MappedTruncation.mapTruncated(Path.of(args[0]));
        MappedTruncation.report(() -> new LayerImpl(m, null, "", null).key());
    }
}
