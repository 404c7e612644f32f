package dev.bulwark.engine.formats.macho;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Jazzer: any input must extract without throwing, and every slice must lie inside the input. */
class MachoUniversalFuzzTest {
    @FuzzTest
    void fuzz(byte[] data) {
        RecordingContext ctx = new RecordingContext(true);
        new MachoUniversalExtractor().extract(RecordingContext.layer(data), ctx);
        assertTrue(ctx.children.size() <= 32);
        for (RecordingContext.Child c : ctx.children) assertTrue(c.bytes().length <= data.length);
    }
}
