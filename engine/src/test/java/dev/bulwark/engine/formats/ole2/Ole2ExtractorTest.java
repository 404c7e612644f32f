package dev.bulwark.engine.formats.ole2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ole2ExtractorTest {
    private static final Ole2Extractor X = new Ole2Extractor();

    private static String names(RecordingContext ctx) {
        return ctx.children.stream().map(c -> c.info().name() + ":" + c.data().length).toList().toString();
    }

    @Test
    void ole10NativeOfWordDocument() {
        RecordingContext ctx = Contract.run(X, Samples.read("clam.ole.doc"), FileType.MSOLE2);
        assertTrue(ctx.children.stream().anyMatch(c -> Samples.isClamExe(c.data())), names(ctx));
        assertTrue(ctx.children.stream().anyMatch(c -> c.info().name().equals("WordDocument")), names(ctx));
    }

    @Test
    void powerPointEmbeddedObject() {
        RecordingContext ctx = Contract.run(X, Samples.read("clam.ppt"), FileType.MSOLE2);
        RecordingContext.Child doc = ctx.children.stream().filter(c -> c.info().name().startsWith("ppt") && c.info().name().endsWith(".doc"))
                .findFirst().orElseThrow(() -> new AssertionError(names(ctx)));
        assertTrue(Ole2File.isOle2(java.nio.ByteBuffer.wrap(doc.data())));
        RecordingContext inner = Contract.run(X, doc.data(), FileType.MSOLE2);
        assertTrue(inner.children.stream().anyMatch(c -> Samples.isClamExe(c.data())), names(inner));
    }

    @Test
    void truncatedAndCorrupted() {
        Contract.truncations(X, Samples.read("clam.ole.doc"), FileType.MSOLE2);
        Contract.flips(X, Samples.read("clam.ole.doc"), FileType.MSOLE2, 3000);
        Contract.flips(X, Samples.read("clam.ppt"), FileType.MSOLE2, 500);
    }
}
