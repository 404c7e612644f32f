package dev.bulwark.engine.formats.szdd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(300) // hang guard only
class SzddExtractorTest {
    @Test
    void clamExeSzdd() {
        byte[] data = Samples.read("clam.exe.szdd");
        RecordingContext ctx = RecordingContext.defaults();
        new SzddExtractor().extract(TestLayer.of(data, FileType.MSSZDD), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        assertEquals(544, ctx.extracted().get(0).info().declaredSize());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        Contract.all(new SzddExtractor(), FileType.MSSZDD, data);
    }

    @Test
    void lyingSizeOnlyYieldsWhatTheDataEncodes() {
        byte[] data = Samples.read("clam.exe.szdd").clone();
        data[10] = data[11] = data[12] = (byte) 0xff;
        data[13] = 0x7f;
        RecordingContext ctx = Contract.run(new SzddExtractor(), FileType.MSSZDD, data);
        byte[] out = ctx.extracted().get(0).data();
        Samples.assertClamExe(java.util.Arrays.copyOf(out, 544));
    }
}
