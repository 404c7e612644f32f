package dev.bulwark.engine.formats.zstd;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // hang guard only
class ZstdExtractorTest {
    static RecordingContext run(byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        new ZstdExtractor().extract(TestLayer.of(data, FileType.ZSTD), ctx);
        return ctx;
    }

    @Test
    void framesFromTheZstdTool(@TempDir Path dir) throws Exception {
        byte[] exe = Samples.read("clam.exe");
        byte[] packed = Tools.run(dir, exe, "zstd", "-19", "-c");
        Samples.assertClamExe(run(packed).extracted().get(0).data());
        byte[] two = new byte[packed.length * 2];
        System.arraycopy(packed, 0, two, 0, packed.length);
        System.arraycopy(packed, 0, two, packed.length, packed.length);
        assertArrayEquals(Tools.run(dir, two, "zstd", "-dc"), run(two).extracted().get(0).data());
        Contract.all(new ZstdExtractor(), FileType.ZSTD, packed);
    }

    @Test
    void zeroBombStopsAtTheLimit(@TempDir Path dir) throws Exception {
        byte[] bomb = Tools.run(dir, new byte[64 << 20], "zstd", "-c");
        RecordingContext ctx = Contract.run(new ZstdExtractor(), FileType.ZSTD, bomb);
        assertTrue(ctx.extracted().get(0).skipped());
    }

    /** aircompressor refuses windows above 8 MiB (zstd --long, --ultra): a note, nothing extracted, no failure. */
    @Test
    void windowsAboveEightMebibytesAreRefused(@TempDir Path dir) throws Exception {
        byte[] big = Tools.run(dir, new byte[64 << 20], "zstd", "--long=27", "-c");
        RecordingContext ctx = Contract.run(new ZstdExtractor(), FileType.ZSTD, big);
        assertEquals(0, ctx.extracted().get(0).data().length);
        assertTrue(ctx.notes().stream().anyMatch(n -> n.contains("damaged")), ctx.notes().toString());
    }
}
