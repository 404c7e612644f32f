package dev.bulwark.engine.formats.cab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // hang guard only
class CabExtractorTest {
    static RecordingContext run(byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        new CabExtractor().extract(TestLayer.of(data, FileType.MSCAB), ctx);
        return ctx;
    }

    @Test
    void clamCab() {
        RecordingContext ctx = run(Samples.read("clam.cab"));
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("clam.exe", ctx.extracted().get(0).info().name());
        assertEquals(544, ctx.extracted().get(0).info().declaredSize());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        Contract.all(new CabExtractor(), FileType.MSCAB, Samples.read("clam.cab"));
    }

    @Test
    void msZipCabinetFromGcabMatchesCabextract(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("clam.exe"), Samples.read("clam.exe"));
        Files.write(dir.resolve("soup.txt"), Samples.wordSoup(300_000, 7));
        Files.write(dir.resolve("tail.txt"), Samples.wordSoup(1000, 8));
        Tools.run(dir, null, "gcab", "-c", "-z", "out.cab", "clam.exe", "soup.txt", "tail.txt");
        byte[] cab = Files.readAllBytes(dir.resolve("out.cab"));
        RecordingContext ctx = run(cab);
        assertEquals(3, ctx.extracted().size(), ctx.notes().toString());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        Path x = Files.createDirectories(dir.resolve("x"));
        Tools.run(x, null, "cabextract", "-q", dir.resolve("out.cab").toString());
        assertArrayEquals(Files.readAllBytes(x.resolve("soup.txt")), ctx.extracted().get(1).data());
        assertArrayEquals(Files.readAllBytes(x.resolve("tail.txt")), ctx.extracted().get(2).data());
        assertTrue(ctx.notes().isEmpty(), ctx.notes().toString());
    }

    @Test
    void contractOnMsZip(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("clam.exe"), Samples.read("clam.exe"));
        Tools.run(dir, null, "gcab", "-c", "-z", "out.cab", "clam.exe");
        byte[] cab = Files.readAllBytes(dir.resolve("out.cab"));
        Samples.assertClamExe(run(cab).extracted().get(0).data());
        Contract.all(new CabExtractor(), FileType.MSCAB, cab);
    }

    @Test
    void zeroBombStopsAtTheLimit(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("zeros"), new byte[64 << 20]);
        Tools.run(dir, null, "gcab", "-c", "-z", "bomb.cab", "zeros");
        RecordingContext ctx = Contract.run(new CabExtractor(), FileType.MSCAB, Files.readAllBytes(dir.resolve("bomb.cab")));
        assertTrue(ctx.extracted().get(0).truncated());
    }

    /**
     * fuzz17: a cabinet of many folders, each one tiny damaged block, cycling LZX and Quantum with 2 MiB
     * windows and MSZIP. A fresh decoder per folder allocated (and cleared) its window each time: 1,500
     * folders allocated ~3.9 GB (65,535 in 1.7 MB: 66 s of CPU under the default limits, clamscan 8 s).
     * One decoder per window size per extraction keeps it to a few MiB.
     */
    @Test
    void manyFoldersShareTheirDecoders() {
        byte[] cab = manyFolders(1500, 0x1503, 0x1502, 0x0001);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
        RecordingContext ctx = run(cab);
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
        assertEquals(1500, ctx.children().size(), ctx.notes().toString());
        assertTrue(allocated < 64L << 20, "allocated " + allocated + " bytes for 1,500 one-block folders");
        Contract.run(new CabExtractor(), FileType.MSCAB, cab);
    }

    /** Reused decoders start each folder afresh: every copy of libmspack's three folders decodes alike. */
    @Test
    void reusedDecodersDecodeEachFolderAsNew() {
        byte[] sample = QuantumDecoderTest.resource("mszip_lzx_qtm.cab"); // the repository's copy of libmspack's test cabinet
        RecordingContext one = run(sample);
        assertEquals(3, one.extracted().size(), one.notes().toString());
        RecordingContext three = run(repeatFolders(sample, 3));
        assertEquals(9, three.extracted().size(), three.notes().toString());
        for (int i = 0; i < 9; i++) {
            assertArrayEquals(one.extracted().get(i % 3).data(), three.extracted().get(i).data(), "file " + i);
        }
    }

    /** {@code n} folders of the given compression types in turn, each one damaged 16-byte block, one 1-byte file each. */
    static byte[] manyFolders(int n, int... types) {
        int filesAt = 36 + 8 * n, dataAt = filesAt + 18 * n;
        ByteBuffer b = ByteBuffer.allocate(dataAt + 8 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'M', 'S', 'C', 'F'}).putInt(0).putInt(b.capacity()).putInt(0).putInt(filesAt).putInt(0);
        b.put((byte) 3).put((byte) 1).putShort((short) n).putShort((short) n).putShort((short) 0).putInt(0);
        for (int i = 0; i < n; i++) b.putInt(dataAt).putShort((short) 1).putShort((short) types[i % types.length]);
        for (int i = 0; i < n; i++) b.putInt(1).putInt(0).putShort((short) i).putInt(0).putShort((short) 0).put((byte) 'a').put((byte) 0);
        b.putInt(0).putShort((short) 16).putShort((short) 1);
        Arrays.fill(b.array(), b.position(), b.capacity(), (byte) 0xff);
        return b.array();
    }

    /** The cabinet with its folder and file tables repeated {@code copies} times (each copy reading the same data). */
    static byte[] repeatFolders(byte[] cab, int copies) {
        ByteBuffer in = ByteBuffer.wrap(cab).order(ByteOrder.LITTLE_ENDIAN);
        int nFolders = in.getShort(26) & 0xffff, nFiles = in.getShort(28) & 0xffff;
        int p = 36 + 8 * nFolders, dataStart = Integer.MAX_VALUE;
        for (int i = 0; i < nFolders; i++) dataStart = Math.min(dataStart, in.getInt(36 + 8 * i));
        ByteBuffer files = ByteBuffer.allocate(copies * (dataStart - p)).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < copies; k++) {
            for (int i = 0, q = p; i < nFiles; i++) {
                int end = q + 16;
                while (cab[end] != 0) end++;
                files.put(cab, q, 8).putShort((short) ((in.getShort(q + 8) & 0xffff) + k * nFolders)).put(cab, q + 10, end + 1 - q - 10);
                q = end + 1;
            }
        }
        int filesAt = 36 + 8 * nFolders * copies, dataAt = filesAt + files.position();
        ByteBuffer b = ByteBuffer.allocate(dataAt + cab.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        b.put(cab, 0, 36).putInt(8, b.capacity()).putInt(16, filesAt).putShort(26, (short) (nFolders * copies))
                .putShort(28, (short) (nFiles * copies));
        for (int k = 0; k < copies; k++) {
            for (int i = 0; i < nFolders; i++) {
                b.putInt(in.getInt(36 + 8 * i) - dataStart + dataAt).put(cab, 36 + 8 * i + 4, 4);
            }
        }
        b.put(files.array(), 0, files.position()).put(cab, dataStart, cab.length - dataStart);
        return b.array();
    }
}
