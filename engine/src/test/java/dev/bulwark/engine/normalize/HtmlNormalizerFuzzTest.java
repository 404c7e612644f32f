package dev.bulwark.engine.normalize;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

class HtmlNormalizerFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        HtmlNormalizer.Result r = HtmlNormalizer.normalize(ByteBuffer.wrap(data), data.length);
        // every view stays within a constant factor of the input (the longest growth: an identifier "a" written n000)
        long bound = 5L * data.length + 32;
        assertTrue(r.noComment().length <= bound && r.noTags().length <= bound && r.scripts().length <= bound);
    }
}
