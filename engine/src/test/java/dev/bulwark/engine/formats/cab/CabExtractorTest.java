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
import java.nio.file.Files;
import java.nio.file.Path;
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
}
