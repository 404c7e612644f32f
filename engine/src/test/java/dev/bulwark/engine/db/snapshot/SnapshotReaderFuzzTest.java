package dev.bulwark.engine.db.snapshot;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Arbitrary payloads, sealed with a valid header, length and checksum so that the fuzzer reaches the
 * structural decoding, must either load or be refused with IllegalArgumentException.
 */
class SnapshotReaderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] payload) {
        byte[] image = new byte[Snapshot.HEADER + payload.length + Snapshot.TRAILER];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Snapshot.MAGIC).putInt(Snapshot.FORMAT).putInt(0).putLong(payload.length).put(payload);
        b.position(image.length - 8);
        b.put(Snapshot.END);
        SnapshotTest.reseal(image);
        try {
            SnapshotReader.parse(ByteBuffer.wrap(image));
        } catch (IllegalArgumentException refused) {
            // a clear refusal is the expected outcome for almost every input
        }
    }
}
