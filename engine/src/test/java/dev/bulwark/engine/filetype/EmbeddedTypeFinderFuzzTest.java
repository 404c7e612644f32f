package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

class EmbeddedTypeFinderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        for (EmbeddedTypeFinder.Hit h : EmbeddedTypeFinder.find(ByteBuffer.wrap(data), true, 100)) {
            assertTrue(h.offset() >= 0 && h.offset() < data.length && h.end() <= data.length, h.toString());
        }
    }
}
