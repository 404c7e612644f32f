package dev.bulwark.engine.formats.uuencode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UuencodedExtractorTest {
    private static final UuencodedExtractor X = new UuencodedExtractor();

    private static byte[] uuBody() {
        String s = new String(Samples.read("clam.exe.mbox.uu"), StandardCharsets.ISO_8859_1);
        return s.substring(s.indexOf("begin 644")).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void decodesClamExe() {
        RecordingContext ctx = Contract.run(X, uuBody(), FileType.UUENCODED);
        assertEquals(1, ctx.children.size());
        assertEquals("clam.exe", ctx.children.get(0).info().name());
        assertTrue(Samples.isClamExe(ctx.children.get(0).data()));
    }

    @Test
    void twoBlocksAndBadLines() {
        String s = "begin 644 a\n%:&5L;&\\`\n`\nend\nnoise\nbegin 600 b\n%=V]R;&0`\n!!!!not uu at all, far too long for a length char of this value\nend\n";
        RecordingContext ctx = Contract.run(X, s.getBytes(StandardCharsets.US_ASCII), FileType.UUENCODED);
        assertEquals("hello", new String(ctx.children.get(0).data(), StandardCharsets.US_ASCII));
        assertTrue(new String(ctx.children.get(1).data(), StandardCharsets.US_ASCII).startsWith("world"));
    }

    @Test
    void truncatedAndCorrupted() {
        Contract.truncations(X, uuBody(), FileType.UUENCODED);
        Contract.flips(X, uuBody(), FileType.UUENCODED, 2000);
    }
}
