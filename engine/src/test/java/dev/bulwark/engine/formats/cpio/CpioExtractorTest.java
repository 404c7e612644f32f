package dev.bulwark.engine.formats.cpio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(300) // hang guard only
class CpioExtractorTest {
    @ParameterizedTest
    @CsvSource({"clam.bin-be.cpio,CPIO_OLD", "clam.bin-le.cpio,CPIO_OLD", "clam.newc.cpio,CPIO_NEWC", "clam.odc.cpio,CPIO_ODC"})
    void clamCpioVariants(String file, FileType type) {
        byte[] data = Samples.read(file);
        RecordingContext ctx = RecordingContext.defaults();
        new CpioExtractor().extract(TestLayer.of(data, type), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("clam.exe", ctx.extracted().get(0).info().name());
        assertEquals(544, ctx.extracted().get(0).info().compressedSize());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        Contract.all(new CpioExtractor(), type, data);
    }

    @ParameterizedTest
    @CsvSource({"newc", "crc", "odc", "bin"})
    void cpioToolFormats(String format, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.write(dir.resolve("clam.exe"), Samples.read("clam.exe"));
        java.nio.file.Files.write(dir.resolve("odd.txt"), "odd".getBytes());
        java.nio.file.Files.createDirectory(dir.resolve("sub"));
        byte[] list = "sub\nodd.txt\nclam.exe\n".getBytes();
        byte[] cpio;
        try {
            cpio = dev.bulwark.engine.formats.archivetest.Tools.run(dir, list, "cpio", "-o", "-H", format);
        } catch (org.opentest4j.TestAbortedException e) {
            throw e;
        }
        RecordingContext ctx = RecordingContext.defaults();
        new CpioExtractor().extract(TestLayer.of(cpio, FileType.CPIO_NEWC), ctx);
        assertEquals(2, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("odd", new String(ctx.extracted().get(0).data()));
        Samples.assertClamExe(ctx.extracted().get(1).data());
        assertEquals(3, ctx.extracted().get(1).info().position());
    }
}
