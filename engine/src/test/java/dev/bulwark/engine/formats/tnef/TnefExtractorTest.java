package dev.bulwark.engine.formats.tnef;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TnefExtractorTest {
    private static final TnefExtractor X = new TnefExtractor();

    @Test
    void winmailAttachment() {
        RecordingContext ctx = Contract.run(X, Samples.read("clam.tnef"), FileType.TNEF);
        assertTrue(ctx.children.stream().anyMatch(c -> Samples.isClamExe(c.data()) && c.info().name().equals("clam.exe")),
                ctx.children.stream().map(c -> c.info().name() + ":" + c.data().length).toList().toString());
    }

    private static void attr(ByteBuffer b, int level, int id, byte[] data) {
        b.put((byte) level).putInt(id).putInt(data.length).put(data).putShort((short) 0);
    }

    @Test
    void twoAttachmentsAndALyingLength() {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(TnefExtractor.SIGNATURE).putShort((short) 1);
        attr(b, 2, 0x00069002, new byte[14]);
        attr(b, 2, 0x00018010, "a.txt\0".getBytes(StandardCharsets.US_ASCII));
        attr(b, 2, 0x0006800F, "first".getBytes(StandardCharsets.US_ASCII));
        attr(b, 2, 0x00069002, new byte[14]);
        attr(b, 2, 0x00018010, "b.txt\0".getBytes(StandardCharsets.US_ASCII));
        b.put((byte) 2).putInt(0x0006800F).putInt(0x7fffffff).put("second".getBytes(StandardCharsets.US_ASCII));
        byte[] doc = new byte[b.position()];
        b.get(0, doc);
        RecordingContext ctx = Contract.run(X, doc, FileType.TNEF);
        assertEquals(2, ctx.children.size());
        assertEquals("a.txt", ctx.children.get(0).info().name());
        assertEquals("first", new String(ctx.children.get(0).data(), StandardCharsets.US_ASCII));
        assertEquals("second", new String(ctx.children.get(1).data(), StandardCharsets.US_ASCII));
        assertEquals(2, ctx.children.get(1).info().position());
    }

    @Test
    void truncatedAndCorrupted() {
        Contract.truncations(X, Samples.read("clam.tnef"), FileType.TNEF);
        Contract.flips(X, Samples.read("clam.tnef"), FileType.TNEF, 3000);
    }
}
