package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Fuzz target for reading compiled rule sets ({@link YaraRuleSet#fromBytes}). The input gets a valid checksum
 * appended, so the fuzzer reaches the parser behind it: anything but a rule set or an IOException fails, and a
 * rule set that was read writes bytes that read back to the same bytes. Seeds (entries of real rule sets, cut before their
 * checksum) under RuleSetCodecFuzzTestInputs/read replay in the normal build.
 */
class RuleSetCodecFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void read(byte[] payload) {
        byte[] data = Arrays.copyOf(payload, payload.length + 8);
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer.wrap(data, payload.length, 8).putLong(crc.getValue());
        YaraRuleSet rs;
        try {
            rs = YaraRuleSet.fromBytes(data);
        } catch (IOException expected) {
            return; // refused: the CLI compiles the rules instead
        }
        byte[] canonical;
        try {
            canonical = rs.toBytes(); // decodes every variant and condition (format 4 leaves them for first use)
        } catch (DamagedRuleSetException expected) {
            return; // a part decoded on first use was malformed: a scan would compile the rules instead
        }
        // canonical equals data unless data wrote something in a longer form than needed
        try {
            assertArrayEquals(canonical, YaraRuleSet.fromBytes(canonical).toBytes());
        } catch (IOException e) {
            throw new AssertionError("a rule set's own bytes were refused", e);
        }
    }
}
