package dev.bulwark.engine.formats.rtf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RtfExtractorTest {
    private static final RtfExtractor X = new RtfExtractor();

    @Test
    void packageObject() {
        RecordingContext ctx = Contract.run(X, Samples.read("clam.exe.rtf"), FileType.RTF);
        assertEquals(1, ctx.children.size());
        assertTrue(Samples.isClamExe(ctx.children.get(0).data()));
        assertEquals("Clam.exe", ctx.children.get(0).info().name()); // the package label
    }

    @Test
    void nonPackageObjectKeepsNativeData() {
        byte[] nat = "native-ole2-bytes".getBytes(StandardCharsets.US_ASCII);
        String cls = "Word.Document.8\0";
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(12 + cls.length() + 8 + 4 + nat.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x0501).putInt(2).putInt(cls.length()).put(cls.getBytes(StandardCharsets.US_ASCII)).putInt(0).putInt(0).putInt(nat.length).put(nat);
        String hex = HexFormat.of().formatHex(h.array());
        String rtf = "{\\rtf1{\\object\\objemb{\\*\\objclass Word.Document.8}{\\*\\objdata \n" + hex.substring(0, 20) + "\n" + hex.substring(20) + "}}}";
        RecordingContext ctx = Contract.run(X, rtf.getBytes(StandardCharsets.US_ASCII), FileType.RTF);
        assertEquals(1, ctx.children.size());
        assertEquals("Word.Document.8", ctx.children.get(0).info().name());
        assertEquals("native-ole2-bytes", new String(ctx.children.get(0).data(), StandardCharsets.US_ASCII));
    }

    @Test
    void lyingNativeSize() {
        String hex = "0105000002000000080000005061636b6167650000000000000000007f7f7f7f" + "41".repeat(40);
        RecordingContext ctx = Contract.run(X, ("{\\rtf1{\\objdata " + hex + "}}").getBytes(StandardCharsets.US_ASCII), FileType.RTF);
        assertTrue(ctx.children.size() <= 1);
    }

    @Test
    void truncatedAndCorrupted() {
        Contract.truncations(X, Samples.read("clam.exe.rtf"), FileType.RTF);
        Contract.flips(X, Samples.read("clam.exe.rtf"), FileType.RTF, 2000);
    }
}
