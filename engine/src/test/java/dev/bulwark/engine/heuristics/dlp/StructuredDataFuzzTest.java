package dev.bulwark.engine.heuristics.dlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

class StructuredDataFuzzTest {
    /**
     * Any bytes, any settings: the check ends without an exception, reads the same from a heap, a direct
     * and an offset slice of a buffer, and a lower threshold (from 1) never finds less than a higher one.
     */
    @FuzzTest(maxDuration = "60s")
    void scan(FuzzedDataProvider in) {
        int minCards = in.consumeInt(0, 6), minSsn = in.consumeInt(0, 6);
        boolean normal = in.consumeBoolean(), stripped = in.consumeBoolean(), creditOnly = in.consumeBoolean();
        byte[] data = in.consumeRemainingAsBytes();
        DlpOptions o = new DlpOptions(minCards, minSsn, normal, stripped, creditOnly);
        int heap = StructuredData.scan(ByteBuffer.wrap(data), o);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        assertEquals(heap, StructuredData.scan(direct, o));
        byte[] shifted = new byte[data.length + 3];
        System.arraycopy(data, 0, shifted, 3, data.length);
        assertEquals(heap, StructuredData.scan(ByteBuffer.wrap(shifted).position(3).slice(), o));
        if (minCards >= 1 && (heap & StructuredData.FOUND_CREDIT_CARDS) != 0) {
            int lower = StructuredData.scan(ByteBuffer.wrap(data), o.withMinCreditCards(minCards - 1 == 0 ? 1 : minCards - 1));
            assertTrue((lower & StructuredData.FOUND_CREDIT_CARDS) != 0, "a lower card threshold finds less");
        }
        if (minSsn >= 1 && (heap & StructuredData.FOUND_SSN) != 0) {
            int lower = StructuredData.scan(ByteBuffer.wrap(data), o.withMinSsn(minSsn - 1 == 0 ? 1 : minSsn - 1));
            assertTrue((lower & StructuredData.FOUND_SSN) != 0, "a lower SSN threshold finds less");
        }
    }
}
