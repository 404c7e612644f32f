package dev.bulwark.engine.exe;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Jazzer fuzz tests for the three header parsers. The internal parse methods are called directly so that a
 * runtime exception (which the public API would swallow) fails the test; results must be internally sane.
 */
class ExeFuzzTest {
    @FuzzTest
    void fuzzPe(byte[] data) {
        ExeInfoTest.check(PeParser.parse(ByteBuffer.wrap(data).asReadOnlyBuffer()));
    }

    @FuzzTest
    void fuzzElf(byte[] data) {
        ExeInfoTest.check(ElfParser.parse(ByteBuffer.wrap(data).asReadOnlyBuffer()));
    }

    @FuzzTest
    void fuzzMacho(byte[] data) {
        ExeInfoTest.check(MachoParser.parse(ByteBuffer.wrap(data).asReadOnlyBuffer()));
    }
}
