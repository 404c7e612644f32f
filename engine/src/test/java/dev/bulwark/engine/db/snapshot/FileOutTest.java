package dev.bulwark.engine.db.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.match.FlatBuffers;
import dev.bulwark.engine.match.FlatIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming snapshot writer lays out every record exactly as the in-memory writer does. */
class FileOutTest {
    /** One sequence of every record kind, arrays and views, some larger than the staging buffer. */
    private static void writeAll(FlatIO.Writer w, long seed) {
        Random r = new Random(seed);
        byte[] big = new byte[FileOut.BUFFER * 2 + 77];
        r.nextBytes(big);
        int[] ints = r.ints(FileOut.BUFFER / 3 + 5).toArray();
        long[] longs = r.longs(FileOut.BUFFER / 7 + 3).toArray();
        ByteBuffer le = ByteBuffer.allocate(4 * 1000 + 8 * 500).order(ByteOrder.LITTLE_ENDIAN);
        r.nextBytes(le.array());
        w.i32(-5);
        w.i64(Long.MIN_VALUE + 3);
        w.bool(true);
        w.bool(false);
        w.string("Ünïcødé name");
        w.bytes(new byte[0]);
        w.bytes(big);
        w.ints(ints);
        w.longs(longs);
        w.bytes(ByteBuffer.wrap(big, 100, 5000).slice());
        w.ints(le.slice(0, 4000).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer());
        w.longs(le.slice(4000, 4000).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer());
        for (int i = 0; i < 100_000; i++) w.i32(r.nextInt()); // many small records across flushes
        w.string("end");
    }

    @Test
    void streamedBytesEqualTheInMemoryLayout(@TempDir Path dir) throws Exception {
        FlatBuffers.Out mem = new FlatBuffers.Out();
        writeAll(mem, 3);
        ByteBuffer expected = mem.finish();
        byte[] want = new byte[expected.remaining()];
        expected.get(want);
        Path f = dir.resolve("out.bin");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.position(24); // as the snapshot writer does: room for the header
            FileOut out = new FileOut(ch);
            writeAll(out, 3);
            out.flush();
            assertEquals(want.length, out.size());
        }
        byte[] got = Files.readAllBytes(f);
        assertEquals(24 + want.length, got.length);
        assertArrayEquals(want, java.util.Arrays.copyOfRange(got, 24, got.length));
    }
}
