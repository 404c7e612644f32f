package dev.bulwark.engine.formats.iso9660;

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
import java.util.Arrays;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(300) // hang guard only
class Iso9660ExtractorTest {
    static byte[] image(Path dir, boolean joliet) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/Sub Dir"));
        Files.write(root.resolve("clam.exe"), Samples.read("clam.exe"));
        Files.write(dir.resolve("root/readme.txt"), "read me".getBytes());
        if (joliet) Tools.run(dir, null, "genisoimage", "-quiet", "-J", "-o", "out.iso", "root");
        else Tools.run(dir, null, "genisoimage", "-quiet", "-o", "out.iso", "root");
        return Files.readAllBytes(dir.resolve("out.iso"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void imagesFromGenisoimage(boolean joliet, @TempDir Path dir) throws Exception {
        byte[] iso = image(dir, joliet);
        RecordingContext ctx = RecordingContext.defaults();
        new Iso9660Extractor().extract(TestLayer.of(iso, FileType.ISO9660), ctx);
        assertEquals(2, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("README.TXT", ctx.extracted().get(0).info().name()); // primary tree first, as ClamAV
        assertArrayEquals("read me".getBytes(), ctx.extracted().get(0).data());
        assertEquals("CLAM.EXE", ctx.extracted().get(1).info().name());
        Samples.assertClamExe(ctx.extracted().get(1).data());
        assertTrue(ctx.children().stream().anyMatch(c -> c.announced() && c.info().name().equals("SUB_DIR")));
        // the Joliet tree is listed too, its files announced since their extents were scanned already
        assertEquals(joliet, ctx.children().stream().anyMatch(c -> c.announced() && c.info().name().equals("clam.exe")));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void contract(boolean joliet, @TempDir Path dir) throws Exception {
        byte[] iso = image(dir, joliet);
        // only the descriptors and directories matter: damage the first 40 KiB, keep file data
        int meta = Math.min(iso.length, 20 * 2048 + 4096);
        Contract.truncations(new Iso9660Extractor(), FileType.ISO9660, Arrays.copyOf(iso, meta));
        Contract.flips(new Iso9660Extractor(), FileType.ISO9660, iso, 9);
        Contract.lyingSizes(new Iso9660Extractor(), FileType.ISO9660, Arrays.copyOf(iso, meta));
    }
}
