package dev.bulwark.engine.formats.xz;

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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // hang guard only
class XzExtractorTest {
    static RecordingContext run(byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        new XzExtractor().extract(TestLayer.of(data, FileType.XZ), ctx);
        return ctx;
    }

    @Test
    void xzAndLzmaFromTheXzTool(@TempDir Path dir) throws Exception {
        byte[] exe = Samples.read("clam.exe");
        for (String fmt : new String[] {"--format=xz", "--format=lzma"}) {
            byte[] packed = Tools.run(dir, exe, "xz", fmt, "-c");
            RecordingContext ctx = run(packed);
            assertEquals(1, ctx.extracted().size(), fmt + " " + ctx.notes());
            Samples.assertClamExe(ctx.extracted().get(0).data());
            Contract.all(new XzExtractor(), FileType.XZ, packed);
        }
    }

    @Test
    void concatenatedXzStreams(@TempDir Path dir) throws Exception {
        byte[] exe = Samples.read("clam.exe");
        byte[] a = Tools.run(dir, java.util.Arrays.copyOf(exe, 300), "xz", "-c");
        byte[] b = Tools.run(dir, java.util.Arrays.copyOfRange(exe, 300, exe.length), "xz", "-c");
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        byte[] out = run(both).extracted().get(0).data();
        assertArrayEquals(Tools.run(dir, both, "xz", "-dc"), out);
        Samples.assertClamExe(out);
    }

    @Test
    void hugeDictionaryIsRefusedWithClamAvsHeuristic(@TempDir Path dir) throws Exception {
        byte[] lzma = Tools.run(dir, Samples.read("clam.exe"), "xz", "--format=lzma", "-c");
        lzma[1] = 0; lzma[2] = 0; lzma[3] = 0; lzma[4] = 0x60; // dictionary 1.5 GiB in the .lzma header
        RecordingContext ctx = run(lzma);
        assertEquals(List.of("Heuristics.XZ.DicSizeLimit"), ctx.heuristics());
        assertTrue(ctx.extracted().isEmpty());
    }

    @Test
    void zeroBombStopsAtTheLimit(@TempDir Path dir) throws Exception {
        byte[] bomb = Tools.run(dir, new byte[64 << 20], "xz", "-c");
        RecordingContext ctx = Contract.run(new XzExtractor(), FileType.XZ, bomb);
        assertTrue(ctx.extracted().get(0).skipped());
        assertTrue(ctx.extracted().get(0).pulled() <= (1 << 20) + (64 << 10));
    }

    /**
     * (fuzz16) XzFuzzTestInputs/fuzz/blocks-64m-dictionaries: "block NN of twenty." x 20 (380 bytes) packed by
     * {@code xz -9 --block-size=20}, 19 blocks each declaring a 64 MiB dictionary. The blocks share one: before,
     * each allocated and zeroed its own (1.2 GB here, past Contract's bound; 1,000 blocks, 46 KB, took 6 s of CPU).
     */
    @Test
    void blocksShareOneDictionary() throws Exception {
        byte[] packed;
        try (java.io.InputStream in = XzExtractorTest.class.getResourceAsStream("XzFuzzTestInputs/fuzz/blocks-64m-dictionaries")) {
            packed = in.readAllBytes();
        }
        StringBuilder want = new StringBuilder();
        for (int i = 0; i < 20; i++) want.append(String.format("block %02d of twenty.", i));
        RecordingContext ctx = Contract.run(new XzExtractor(), FileType.XZ, packed);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        assertArrayEquals(want.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), ctx.extracted().get(0).data());
    }
}
