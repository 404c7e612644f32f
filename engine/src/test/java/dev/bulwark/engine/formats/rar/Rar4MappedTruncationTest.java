package dev.bulwark.engine.formats.rar;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.MappedTruncation;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (sigbus) A RAR header CRC (here RAR4's; ARJ's and RAR5's go through the same NativeInput.update) over a mapped
 * archive truncated under the scan: CRC32 read the direct buffer in native code, a SIGBUS that ended the JVM; from a
 * heap copy, the fault is Java's InternalError. (In a scan the header's first bytes are read through Java just
 * before, so the window is the header's own length; the test calls the check directly.)
 */
class Rar4MappedTruncationTest {
    @Test
    void aTruncatedMappedHeaderFailsInJavaNotInTheChecksum(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("header.bin"), new byte[1 << 16]);
        String out = MappedTruncation.runChild(tmp, Rar4MappedTruncationTest.class, f.toString());
        assertTrue(out.contains("threw java.lang.InternalError"), out);
    }

    @Test
    void aDirectHeaderChecksAsTheHeapOne() throws Exception {
        byte[] h = MappedTruncation.deflated(40_000, false); // a 40 KB "header": several 16 KiB slices
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(h, 2, h.length - 2);
        h[0] = (byte) c.getValue();
        h[1] = (byte) (c.getValue() >> 8);
        assertTrue(crcOk(ByteBuffer.wrap(h), 0, h.length));
        assertTrue(crcOk(MappedTruncation.direct(h), 0, h.length));
        h[h.length - 1] ^= 1;
        assertFalse(crcOk(ByteBuffer.wrap(h), 0, h.length));
        assertFalse(crcOk(MappedTruncation.direct(h), 0, h.length));
    }

    private static boolean crcOk(ByteBuffer b, long pos, int size) throws Exception {
        Method m = Rar4.class.getDeclaredMethod("crcOk", ByteBuffer.class, long.class, int.class);
        m.setAccessible(true);
        return (boolean) m.invoke(null, b, pos, size);
    }

    /** Child: maps FILE, truncates it, checks a header CRC at 0; prints what that threw. */
    public static void main(String[] args) throws Exception {
        MappedByteBuffer m = MappedTruncation.mapTruncated(Path.of(args[0]));
        MappedTruncation.report(() -> {
            try {
                crcOk(m, 0, 4096);
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof Error err) throw err;
                throw (Exception) e.getCause();
            }
        });
    }
}
