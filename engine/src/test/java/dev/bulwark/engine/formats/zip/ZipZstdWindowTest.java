package dev.bulwark.engine.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** (fuzz19) ZIP's zstd members (method 93) get the .zst layers' window rewrite (ZstdFrames). */
class ZipZstdWindowTest {
    @Test
    void memberDeclaringALargeWindowDecodesInEightMiB() throws Exception {
        // a frame declaring a 320 MiB window, 200 raw blocks of 128 KiB
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, (byte) 0x92});
        for (int i = 0; i < 200; i++) {
            int bh = 131072 << 3 | (i == 199 ? 1 : 0);
            out.write(bh);
            out.write(bh >>> 8);
            out.write(bh >>> 16);
            out.writeBytes(new byte[131072]);
        }
        byte[] frame = out.toByteArray();
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
        long n = 0;
        try (InputStream in = ZipMethods.open(ZipMethods.ZSTD, 0, ByteBuffer.wrap(frame), -1)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) n += r;
        }
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
        assertEquals(200L * 131072, n);
        assertTrue(allocated < 128L << 20, "allocated " + allocated + " bytes for 25 MB of raw blocks"); // 2.47 GB before
    }
}
