package dev.bulwark.engine.formats.chm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(300) // hang guard only
class ChmExtractorTest {
    @Test
    void clamChmHoldsClamExeAsTxt() {
        byte[] data = Samples.read("clam.chm");
        RecordingContext ctx = RecordingContext.defaults();
        new ChmExtractor().extract(TestLayer.of(data, FileType.MSCHM), ctx);
        var exe = ctx.extracted().stream().filter(c -> c.info().name().equals("/clam.exe.txt")).findFirst().orElseThrow(
                () -> new AssertionError(ctx.children() + " " + ctx.notes()));
        Samples.assertClamExe(exe.data());
        assertTrue(ctx.children().stream().noneMatch(c -> c.info().name().startsWith("::")));
        assertTrue(ctx.notes().isEmpty(), ctx.notes().toString());
    }

    @Test
    void contract() {
        Contract.all(new ChmExtractor(), FileType.MSCHM, Samples.read("clam.chm"));
    }
}
