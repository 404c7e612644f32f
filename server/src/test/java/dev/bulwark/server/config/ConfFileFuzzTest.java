package dev.bulwark.server.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

class ConfFileFuzzTest {
    /** Any text: a configuration or a ConfigError with a position, never another exception. */
    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            DaemonConfig.from(ConfFile.parse("fuzz.conf", text));
        } catch (ConfFile.ConfigError expected) {
            if (expected.line() < 0) throw new AssertionError("negative line");
        }
    }
}
