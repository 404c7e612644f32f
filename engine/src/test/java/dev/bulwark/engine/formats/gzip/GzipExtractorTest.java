package dev.bulwark.engine.formats.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import dev.bulwark.engine.formats.tar.TarExtractor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // hang guard only
class GzipExtractorTest {
    private final GzipExtractor gz = new GzipExtractor();

    static byte[] gunzip(byte[] data, RecordingContext ctx) {
        new GzipExtractor().extract(TestLayer.of(data, FileType.GZ), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        return ctx.extracted().get(0).data();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(o)) {
            g.write(plain);
        }
        return o.toByteArray();
    }

    @Test
    void clamTarGzGivesTheTarThatHoldsClamExe() {
        byte[] tar = gunzip(Samples.read("clam.tar.gz"), RecordingContext.defaults());
        assertEquals(10240, tar.length);
        assertEquals(FileType.POSIX_TAR, TarExtractor.detect(ByteBuffer.wrap(tar)));
        RecordingContext t = RecordingContext.defaults();
        new TarExtractor().extract(TestLayer.of(tar, FileType.POSIX_TAR), t);
        assertEquals(1, t.extracted().size());
        Samples.assertClamExe(t.extracted().get(0).data());
    }

    /** Depth (in gz+tar pairs) of the shallowest clam.exe below a .tgz, or -1. */
    static int depthOfClamExe(byte[] tgz, int depth) {
        byte[] tar = gunzip(tgz, RecordingContext.defaults());
        FileType tt = TarExtractor.detect(ByteBuffer.wrap(tar));
        RecordingContext t = RecordingContext.defaults();
        new TarExtractor().extract(TestLayer.of(tar, tt), t);
        int best = -1;
        for (RecordingContext.Child c : t.extracted()) {
            int d = Samples.sha256(c.data()).equals(Samples.CLAM_EXE_SHA256) ? depth
                    : c.data().length > 2 && c.data()[0] == 0x1f ? depthOfClamExe(c.data(), depth + 1) : -1;
            if (d > 0 && (best < 0 || d < best)) best = d;
        }
        return best;
    }

    @Test
    void clamCacheEmaxHoldsClamExeEightGzTarPairsDeep() {
        assertEquals(8, depthOfClamExe(Samples.read("clam_cache_emax.tgz"), 1));
    }

    @Test
    void sameBytesAsGzipTool(@TempDir Path dir) throws Exception {
        byte[] f = Samples.read("clam.tar.gz");
        assertArrayEquals(Tools.run(dir, f, "gzip", "-dc"), gunzip(f, RecordingContext.defaults()));
    }

    @Test
    void multiMemberIsConcatenatedLikeGunzip(@TempDir Path dir) throws Exception {
        byte[] exe = Samples.read("clam.exe");
        byte[] a = gzip(Arrays.copyOf(exe, 100)), b = gzip(Arrays.copyOfRange(exe, 100, exe.length));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        byte[] out = gunzip(both, RecordingContext.defaults());
        Samples.assertClamExe(out);
        assertArrayEquals(Tools.run(dir, both, "gzip", "-dc"), out);
    }

    @Test
    void originalNameIsTheMemberName(@TempDir Path dir) throws Exception {
        java.nio.file.Files.write(dir.resolve("clam.exe"), Samples.read("clam.exe"));
        Tools.run(dir, null, "gzip", "-9", "clam.exe");
        byte[] g = java.nio.file.Files.readAllBytes(dir.resolve("clam.exe.gz"));
        RecordingContext ctx = RecordingContext.defaults();
        Samples.assertClamExe(gunzip(g, ctx));
        assertEquals("clam.exe", ctx.extracted().get(0).info().name());
    }

    /** A gzip stream of {@code gib} GiB of zeros, built from one full-flushed 1 MiB block repeated (~1 KiB each). */
    static byte[] zeroBomb(int gib) {
        Deflater d = new Deflater(9, true);
        d.setInput(new byte[1 << 20]);
        byte[] buf = new byte[1 << 16];
        int n = d.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
        d.end();
        long copies = (long) gib << 10;
        ByteBuffer out = ByteBuffer.allocate((int) (10 + copies * n + 2 + 8)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        for (long i = 0; i < copies; i++) out.put(buf, 0, n);
        out.put(new byte[] {3, 0}); // final empty fixed-Huffman block
        out.putInt(0).putInt(0);
        return out.array();
    }

    @Test
    void tenGibibytesOfZerosStopAtTheLimit() {
        byte[] bomb = zeroBomb(10);
        assertTrue(bomb.length < 16 << 20, "bomb is " + bomb.length + " bytes");
        RecordingContext ctx = new RecordingContext(ScanOptions.defaults().withLimits(Limits.DEFAULTS.withMaxFileSize(32 << 20)));
        new GzipExtractor().extract(TestLayer.of(bomb, FileType.GZ), ctx);
        RecordingContext.Child c = ctx.extracted().get(0);
        assertTrue(c.skipped(), "member over MaxFileSize is skipped");
        assertTrue(c.pulled() > 32 << 20 && c.pulled() <= (32 << 20) + (64 << 10), "read " + c.pulled());
    }

    @Test
    void contractOnRealSamples() throws IOException {
        Contract.all(gz, FileType.GZ, Samples.read("clam.tar.gz"));
        Contract.all(gz, FileType.GZ, gzip(Samples.read("clam.exe")));
    }
}
