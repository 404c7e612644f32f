package dev.bulwark.engine.db.snapshot;

import dev.bulwark.engine.match.FlatBuffers;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Note for active fuzzing (JAZZER_FUZZ=1): Jazzer's regex-injection detector reports any invalid PCRE
 * string the payload smuggles into a logical signature, because the reader compiles the regexes a
 * database carries (as the .ldb text loader does). {@link #matcherTables} fuzzes the matcher tables
 * without that path.
 *
 * Arbitrary payloads, sealed with a valid header, length and checksum so that the fuzzer reaches the
 * structural decoding, must either load or be refused with IllegalArgumentException.
 */
class SnapshotReaderFuzzTest {
    /** A sealed snapshot of the current format whose payload is {@code payload} (header, trailer, checksums). */
    static byte[] image(byte[] payload) {
        byte[] image = new byte[Snapshot.HEADER + payload.length + (int) Snapshot.trailer(payload.length)];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Snapshot.MAGIC).putInt(Snapshot.FORMAT).putInt(0).putLong(payload.length).put(payload);
        b.position(image.length - 8);
        b.put(Snapshot.END);
        SnapshotTest.reseal(image);
        return image;
    }

    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] payload) {
        byte[] image = image(payload);
        try {
            // (format 10: logical signatures decode on first use; decoding them all reaches that path too)
            SnapshotReader.parse(ByteBuffer.wrap(image)).set().lsigs.decodeAll();
        } catch (IllegalArgumentException refused) {
            // a clear refusal is the expected outcome for almost every input
        }
    }

    /** The compiled pattern set and atom index alone (the bulk of a snapshot). */
    @FuzzTest(maxDuration = "60s")
    void matcherTables(byte[] payload) {
        try {
            dev.bulwark.engine.match.PatternSet set = dev.bulwark.engine.match.PatternSet.read(
                    new FlatBuffers.In(ByteBuffer.wrap(payload)), new dev.bulwark.engine.match.Damage(null));
            set.scan(ByteBuffer.wrap(payload), -1, null, (p, o, s, e) -> -1);
        } catch (IllegalArgumentException refused) {
            // refused cleanly
        }
    }
}
