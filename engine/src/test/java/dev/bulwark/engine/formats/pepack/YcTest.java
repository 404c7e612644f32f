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
class YcTest {
    @Test
    void clamYcExe() {
        byte[] file = Samples.read("clam-yc.exe");
        PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(file));
        assertTrue(Yc.matches(ByteBuffer.wrap(file), h));
        byte[] out = Yc.unpack(ByteBuffer.wrap(file), h);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(out));
        assertEquals(h.sections() - 1, u.sections(), "yC section dropped");
        assertEquals("UPX0", u.name(0), "clam-yc.exe wraps a UPX file");
        Contract.all(new PeUnpackExtractor(), FileType.MSEXE, file);
    }

    @Test
    void sameBytesAsClamav(@TempDir Path tmp) throws Exception {
        byte[] file = Samples.read("clam-yc.exe");
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        byte[] ours = ctx.extracted().get(0).data();
        List<Path> theirs = ClamavUnpacked.files("clam-yc.exe", ours.length, tmp);
        assertEquals(1, theirs.size(), "ClamAV's unpacked file among " + theirs);
        assertArrayEquals(Files.readAllBytes(theirs.get(0)), ours);
    }
}
