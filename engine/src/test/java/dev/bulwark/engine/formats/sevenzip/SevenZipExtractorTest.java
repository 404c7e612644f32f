package dev.bulwark.engine.formats.sevenzip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // hang guard only
class SevenZipExtractorTest {
    static final ScanOptions ALERT = ScanOptions.defaults().withAlert(ScanOptions.Alert.ENCRYPTED_ARCHIVE, true);

    static RecordingContext run(byte[] data, RecordingContext ctx) {
        new SevenZipExtractor().extract(TestLayer.of(data, FileType.SEVENZIP), ctx);
        return ctx;
    }

    @Test
    void clam7z() {
        RecordingContext ctx = run(Samples.read("clam.7z"), RecordingContext.defaults());
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("clam.exe", ctx.extracted().get(0).info().name());
        assertEquals(544, ctx.extracted().get(0).info().declaredSize());
        Samples.assertClamExe(ctx.extracted().get(0).data());
    }

    static byte[] sevenZ(Path dir, String... opts) throws Exception {
        Files.write(dir.resolve("clam.exe"), Samples.read("clam.exe"));
        Files.write(dir.resolve("a.txt"), "alpha".getBytes());
        Files.createDirectories(dir.resolve("sub"));
        List<String> cmd = new java.util.ArrayList<>(List.of("7z", "a", "-bd", "out.7z"));
        cmd.addAll(List.of(opts));
        cmd.addAll(List.of("a.txt", "clam.exe", "sub"));
        Tools.run(dir, null, cmd.toArray(String[]::new));
        return Files.readAllBytes(dir.resolve("out.7z"));
    }

    @Test
    void solidArchiveFromThe7zTool(@TempDir Path dir) throws Exception {
        byte[] a = sevenZ(dir, "-ms=on", "-m0=lzma2");
        RecordingContext ctx = run(a, RecordingContext.defaults());
        assertEquals(2, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("alpha", new String(ctx.extracted().get(0).data()));
        Samples.assertClamExe(ctx.extracted().get(1).data());
        assertTrue(ctx.children().stream().noneMatch(c -> c.info().name().equals("sub"))); // directories: no metadata, as ClamAV
        Contract.all(new SevenZipExtractor(), FileType.SEVENZIP, a);
    }

    @Test
    void encryptedMembersAreAnnouncedWithHeuristic(@TempDir Path dir) throws Exception {
        byte[] a = sevenZ(dir, "-psecret");
        RecordingContext quiet = run(a, RecordingContext.defaults());
        assertTrue(quiet.extracted().isEmpty());
        assertTrue(quiet.children().stream().anyMatch(c -> c.info().encrypted() && c.info().name().equals("clam.exe")));
        assertTrue(quiet.heuristics().isEmpty());
        RecordingContext loud = run(a, new RecordingContext(ALERT));
        assertTrue(loud.heuristics().contains("Heuristics.Encrypted.7Zip"));
    }

    @Test
    void encryptedHeadersAreAnnouncedWithHeuristic(@TempDir Path dir) throws Exception {
        byte[] a = sevenZ(dir, "-psecret", "-mhe=on");
        RecordingContext loud = run(a, new RecordingContext(ALERT));
        assertEquals(List.of("Heuristics.Encrypted.7Zip"), loud.heuristics());
        assertEquals(1, loud.children().size());
        assertTrue(loud.children().get(0).announced() && loud.children().get(0).info().encrypted());
        Contract.all(new SevenZipExtractor(), FileType.SEVENZIP, a);
    }

    @Test
    void zeroBombStopsAtTheLimit(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("zeros"), new byte[256 << 20]);
        Tools.run(dir, null, "7z", "a", "-bd", "bomb.7z", "zeros");
        byte[] bomb = Files.readAllBytes(dir.resolve("bomb.7z"));
        RecordingContext ctx = Contract.run(new SevenZipExtractor(), FileType.SEVENZIP, bomb);
        assertTrue(ctx.extracted().get(0).truncated());
        assertTrue(ctx.extracted().get(0).pulled() <= (1 << 20) + (64 << 10));
    }

    @Test
    void contractOnClam7z() {
        Contract.all(new SevenZipExtractor(), FileType.SEVENZIP, Samples.read("clam.7z"));
    }

    /**
     * (fuzz16) SevenZipFuzzTestInputs/fuzz/lzma2-20-folders-64m: the 20 files "member NN\n" (NN 10-29) as one-file
     * LZMA2 folders (7z a -m0=LZMA2 -ms=off -mhc=off), each coder's dictionary patched to 64 MiB (header CRC fixed).
     * Commons Compress decodes them with xz's default cache, which the extraction lends a shared dictionary: before,
     * each folder allocated and zeroed its own (1.3 GB here, past Contract's bound; 300 folders in 13 KB: 1.9 s CPU).
     */
    @Test
    void lzma2FoldersShareOneDictionary() throws Exception {
        byte[] archive;
        try (java.io.InputStream in = SevenZipExtractorTest.class.getResourceAsStream("SevenZipFuzzTestInputs/fuzz/lzma2-20-folders-64m")) {
            archive = in.readAllBytes();
        }
        RecordingContext ctx = Contract.run(new SevenZipExtractor(), FileType.SEVENZIP, archive);
        assertEquals(20, ctx.extracted().size(), ctx.notes().toString());
        for (int i = 0; i < 20; i++) {
            assertEquals("m" + (i + 10), ctx.extracted().get(i).info().name());
            assertEquals("member " + (i + 10) + "\n", new String(ctx.extracted().get(i).data(), java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
