package dev.bulwark.engine.formats.bzip2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // hang guard only
class Bzip2ExtractorTest {
    static RecordingContext run(byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        new Bzip2Extractor().extract(TestLayer.of(data, FileType.BZ), ctx);
        return ctx;
    }

    @Test
    void clamExeBz2() {
        RecordingContext ctx = run(Samples.read("clam.exe.bz2"));
        assertEquals(1, ctx.extracted().size());
        Samples.assertClamExe(ctx.extracted().get(0).data());
    }

    @Test
    void onlyTheFirstOfConcatenatedStreamsAsLibclamav(@TempDir Path dir) throws Exception {
        // (compat17) cli_scanbzip stops at the first stream's end (bunzip2 would go on): the first 200 bytes only
        byte[] exe = Samples.read("clam.exe");
        byte[] a = Tools.run(dir, Arrays.copyOf(exe, 200), "bzip2", "-c");
        byte[] b = Tools.run(dir, Arrays.copyOfRange(exe, 200, exe.length), "bzip2", "-c");
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        byte[] out = run(both).extracted().get(0).data();
        assertArrayEquals(Arrays.copyOf(exe, 200), out);
    }

    @Test
    void zeroBombStopsAtTheLimit(@TempDir Path dir) throws Exception {
        byte[] bomb = Tools.run(dir, new byte[64 << 20], "bzip2", "-c"); // 64 MiB of zeros, ~50 bytes
        RecordingContext ctx = Contract.run(new Bzip2Extractor(), FileType.BZ, bomb);
        RecordingContext.Child c = ctx.extracted().get(0);
        assertTrue(c.skipped()); // over MaxFileSize (1 MiB) and over the ratio guard
        assertTrue(c.pulled() <= (1 << 20) + (64 << 10), "read " + c.pulled());
    }

    @Test
    void contract() {
        Contract.all(new Bzip2Extractor(), FileType.BZ, Samples.read("clam.exe.bz2"));
    }
}
