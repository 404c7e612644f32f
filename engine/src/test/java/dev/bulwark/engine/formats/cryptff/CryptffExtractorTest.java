package dev.bulwark.engine.formats.cryptff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** (review21) CryptFF on a file shorter than its 16-byte header when the limits refuse the child. */
class CryptffExtractorTest {
    @Test
    void aFileShorterThanTheHeaderWithTheLimitsReachedDoesNotThrow() {
        byte[] ten = {(byte) 0xB6, (byte) 0xB9, (byte) 0xAC, (byte) 0xAE, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2};
        RecordingContext ctx = new RecordingContext(ScanOptions.defaults().withLimits(Limits.DEFAULTS.withMaxFiles(1)));
        ctx.child(new ChildInfo("", null, 0, 0, false, 0, -1), ByteBuffer.allocate(0)); // MaxFiles reached: stopped
        new CryptffExtractor().extract(TestLayer.of(ten, FileType.CRYPTFF), ctx); // threw IndexOutOfBoundsException
        assertEquals(0, ctx.extracted().size());
    }
}
