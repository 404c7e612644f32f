package dev.bulwark.engine.formats.pepack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.TestLayer;

/** Runs the PE extractor on a packed file and returns the one image it unpacked. */
final class Unpacked {
    private Unpacked() {}

    /** @param packer the packer name the child must carry ({@code "(MEW unpacked)"}), or null for any */
    static byte[] image(byte[] file, String packer) {
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        if (packer != null) assertEquals("(" + packer + " unpacked)", ctx.extracted().get(0).info().name());
        return ctx.extracted().get(0).data();
    }
}
