package dev.bulwark.engine.formats.zip;

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
class ZipLocalEntryTest {
    static RecordingContext run(byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        new ZipLocalEntry().extract(TestLayer.of(data, FileType.ZIP), ctx);
        return ctx;
    }

    static byte[] twoMembers() {
        byte[] exe = Samples.read("clam.exe");
        return new ZipBuilder().add("clam.exe", 8, 0, ZipExtractorTest.deflate(exe), exe).stored("b.txt", "second".getBytes())
                .finish(true);
    }

    @Test
    void onlyTheFirstLocalEntryIsExtracted() {
        RecordingContext ctx = run(twoMembers());
        assertEquals(1, ctx.children().size());
        assertEquals("clam.exe", ctx.extracted().get(0).info().name());
        assertEquals(0, ctx.extracted().get(0).info().position(), "ClamAV reports single entries as file 0");
        Samples.assertClamExe(ctx.extracted().get(0).data());
    }

    @Test
    void dataDescriptorEntriesAreOnlyAnnounced() {
        byte[] exe = Samples.read("clam.exe");
        byte[] z = new ZipBuilder().add("clam.exe", 8, 8, ZipExtractorTest.deflate(exe), exe).finish(true);
        RecordingContext ctx = run(z);
        assertEquals(1, ctx.children().size());
        assertTrue(ctx.children().get(0).announced());
    }

    @Test
    void contract() {
        Contract.all(new ZipLocalEntry(), FileType.ZIP, twoMembers());
    }
}
