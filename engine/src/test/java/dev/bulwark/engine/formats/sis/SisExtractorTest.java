package dev.bulwark.engine.formats.sis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(300) // hang guard only
class SisExtractorTest {
    @Test
    void clamSis() {
        byte[] data = Samples.read("clam.sis");
        RecordingContext ctx = RecordingContext.defaults();
        new SisExtractor().extract(TestLayer.of(data, FileType.SIS), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.children() + " " + ctx.notes());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        assertEquals(544, ctx.extracted().get(0).info().declaredSize());
        Contract.all(new SisExtractor(), FileType.SIS, data);
    }
}
