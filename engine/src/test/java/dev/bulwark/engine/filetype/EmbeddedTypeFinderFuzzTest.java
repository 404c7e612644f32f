package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

class EmbeddedTypeFinderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        for (EmbeddedTypeFinder.Hit h : EmbeddedTypeFinder.find(ByteBuffer.wrap(data), true, 100)) {
            assertTrue(h.offset() >= 0 && h.offset() < data.length && h.end() <= data.length, h.toString());
        }
        // without "MZ…PE" a heap buffer may be searched by anchors: the same hits as byte by byte (direct buffer)
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        assertEquals(EmbeddedTypeFinder.find(direct, false, 3), EmbeddedTypeFinder.find(ByteBuffer.wrap(data), false, 3));
    }
}
