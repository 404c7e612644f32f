package dev.bulwark.engine.formats.pepack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // hang guard only
class WwPackTest {
    @Test
    void clamWwpackExe() {
        byte[] file = Samples.read("clam-wwpack.exe");
        PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(file));
        assertTrue(WwPack.matches(ByteBuffer.wrap(file), h));
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        byte[] image = ctx.extracted().get(0).data();
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(image));
        assertEquals(h.sections() - 1, u.sections(), "packer section dropped");
        // the payload (a zip holding clam.exe in the .clam section) is there, decompressed
        byte[] pk = {'P', 'K', 3, 4};
        assertTrue(Samples.indexOf(image, pk) > 0);
        Contract.all(new PeUnpackExtractor(), FileType.MSEXE, file);
    }

    /** ClamAV keeps its unpacked file with --leave-temps: ours must be the same bytes. */
    @Test
    void sameBytesAsClamav(@TempDir Path tmp) throws Exception {
        byte[] file = Samples.read("clam-wwpack.exe");
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        byte[] ours = ctx.extracted().get(0).data();
        List<Path> theirs = ClamavUnpacked.files("clam-wwpack.exe", ours.length, tmp);
        assertEquals(1, theirs.size(), "ClamAV's unpacked file among " + theirs);
        assertArrayEquals(Files.readAllBytes(theirs.get(0)), ours);
    }

}
