package dev.bulwark.engine.formats.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(300) // hang guard only
class TarExtractorTest {
    static RecordingContext run(byte[] tar, RecordingContext ctx) {
        FileType t = TarExtractor.detect(ByteBuffer.wrap(tar));
        new TarExtractor().extract(TestLayer.of(tar, t == null ? FileType.OLD_TAR : t), ctx);
        return ctx;
    }

    static byte[] clamTar() throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(Samples.read("clam.tar.gz")))) {
            return in.readAllBytes();
        }
    }

    @Test
    void clamTarMember() throws Exception {
        RecordingContext ctx = run(clamTar(), RecordingContext.defaults());
        assertEquals(1, ctx.extracted().size());
        assertEquals("clam.exe", ctx.extracted().get(0).info().name());
        assertEquals(1, ctx.extracted().get(0).info().position());
        assertEquals(544, ctx.extracted().get(0).info().declaredSize());
        Samples.assertClamExe(ctx.extracted().get(0).data());
    }

    /** Archives written by GNU tar in each format; long names, directories and symlinks included. */
    @ParameterizedTest
    @ValueSource(strings = {"gnu", "oldgnu", "posix", "ustar", "v7"})
    void gnuTarFormats(String format, @TempDir Path dir) throws Exception {
        boolean longNames = !format.equals("v7") && !format.equals("ustar"); // those two cannot store a 120-byte directory
        Path sub = Files.createDirectories(dir.resolve("d/" + "long".repeat(longNames ? 30 : 3)));
        Files.write(sub.resolve("clam.exe"), Samples.read("clam.exe"));
        Files.write(dir.resolve("d/small.txt"), "hello".getBytes());
        Files.createSymbolicLink(dir.resolve("d/link"), dir.resolve("d/small.txt"));
        byte[] tar = Tools.run(dir, null, "tar", "--format=" + format, "--sort=name", "-cf", "-", "d");
        FileType t = TarExtractor.detect(ByteBuffer.wrap(tar));
        assertEquals(format.equals("gnu") || format.equals("oldgnu") || format.equals("posix") || format.equals("ustar") ? FileType.POSIX_TAR : FileType.OLD_TAR, t);
        RecordingContext ctx = run(tar, RecordingContext.defaults());
        var files = ctx.extracted();
        assertEquals(2, files.size(), ctx.notes().toString());
        Samples.assertClamExe(files.get(0).data());
        assertArrayEquals("hello".getBytes(), files.get(1).data());
        assertEquals(2, files.get(1).info().position());
    }

    @Test
    void badChecksumBlocksAreSkippedLikeClamAv() throws Exception {
        byte[] tar = clamTar();
        byte[] junk = new byte[512 * 3];
        java.util.Arrays.fill(junk, (byte) 'x');
        byte[] both = new byte[junk.length + tar.length];
        System.arraycopy(junk, 0, both, 0, junk.length);
        System.arraycopy(tar, 0, both, junk.length, tar.length);
        RecordingContext ctx = new RecordingContext(ScanOptions.defaults());
        new TarExtractor().extract(TestLayer.of(both, FileType.OLD_TAR), ctx);
        assertEquals(1, ctx.extracted().size());
        Samples.assertClamExe(ctx.extracted().get(0).data());
    }

    @Test
    void detectFollowsIsTar() throws Exception {
        assertNull(TarExtractor.detect(ByteBuffer.wrap(new byte[1024])));
        byte[] tar = clamTar();
        tar[257] = 'X'; // no magic: checksum now wrong too
        assertNull(TarExtractor.detect(ByteBuffer.wrap(tar)));
    }

    @Test
    void hundredThousandEntriesStopAtMaxFiles() {
        int n = 100_000;
        byte[] tar = new byte[n * 1024 + 1024];
        for (int i = 0; i < n; i++) {
            int p = i * 1024;
            byte[] name = ("f" + i).getBytes();
            System.arraycopy(name, 0, tar, p, name.length);
            System.arraycopy("00000000001\0".getBytes(), 0, tar, p + 124, 12);
            tar[p + 156] = '0';
            long sum = 0;
            for (int k = 0; k < 512; k++) sum += (k >= 148 && k < 156) ? ' ' : tar[p + k] & 0xff;
            System.arraycopy(String.format("%06o\0 ", sum).getBytes(), 0, tar, p + 148, 8);
            tar[p + 512] = 'x';
        }
        RecordingContext ctx = run(tar, RecordingContext.defaults());
        assertEquals(Limits.DEFAULTS.maxFiles() - 1, ctx.extracted().size());
        assertTrue(ctx.stopped());
    }

    @Test
    void contract() throws Exception {
        Contract.all(new TarExtractor(), FileType.POSIX_TAR, java.util.Arrays.copyOf(clamTar(), 2048));
    }
}
