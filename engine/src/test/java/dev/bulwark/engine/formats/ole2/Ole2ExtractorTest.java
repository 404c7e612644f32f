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
    void lyingStreamSizesAndCyclicChains() {
        byte[] doc = new Ole2Builder().add("Big", new byte[9000]).add("small", "tiny stream".getBytes()).build();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(doc).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int dirSector = b.getInt(0x30);
        int dirOff = (dirSector + 1) * 512;
        b.putInt(dirOff + 128 + 0x78, 0x7fffffff);      // "Big" claims 2 GiB
        b.putInt(dirOff + 256 + 0x78, 4095);            // "small" claims more than its mini chain holds
        RecordingContext ctx = Contract.run(X, doc, FileType.MSOLE2);
        assertEquals(2, ctx.children.size(), names(ctx));
        assertEquals(64, ctx.children.get(1).data().length, "a mini stream is cut at the end of its chain");
        assertTrue(ctx.children.get(0).data().length <= doc.length);
        // make the FAT chain of "Big" point to itself
        int fatSector = b.getInt(0x4C);
        int bigStart = b.getInt(dirOff + 128 + 0x74);
        b.putInt((fatSector + 1) * 512 + 4 * bigStart, bigStart);
        RecordingContext cyc = Contract.run(X, doc, FileType.MSOLE2, Contract.smallBudget(1 << 20));
        assertTrue(cyc.children.get(0).data().length <= 1 << 20);
    }

    @Test
    void truncatedAndCorrupted() {
        Contract.truncations(X, Samples.read("clam.ole.doc"), FileType.MSOLE2);
        Contract.flips(X, Samples.read("clam.ole.doc"), FileType.MSOLE2, 3000);
        Contract.flips(X, Samples.read("clam.ppt"), FileType.MSOLE2, 500);
    }
}
