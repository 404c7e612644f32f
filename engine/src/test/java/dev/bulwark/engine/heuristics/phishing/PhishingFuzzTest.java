package dev.bulwark.engine.heuristics.phishing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

class PhishingFuzzTest {
    private static final PhishingDb DB;
    static {
        PhishingDb.Builder b = PhishingDb.builder(216);
        b.addPdbLine("H:paypal.com");
        b.addPdbLine("R:.+\\.bank\\.(com|net)([/?].*)?");
        b.addWdbLine("M:evil.example.net:www.paypal.com");
        b.addGdbLine("S1:F:" + "0".repeat(64));
        DB = b.build();
    }

    @FuzzTest(maxDuration = "60s")
    void links(FuzzedDataProvider in) {
        boolean ssl = in.consumeBoolean(), cloak = in.consumeBoolean();
        byte[] html = in.consumeRemainingAsBytes();
        HtmlLinks.extract(ByteBuffer.wrap(html), (real, text, anchor) -> {
            DB.check(real, text, ssl, cloak);
            return true;
        });
    }

    @FuzzTest(maxDuration = "30s")
    void databaseLines(FuzzedDataProvider in) {
        PhishingDb.Builder b = PhishingDb.builder(216);
        String line = in.consumeString(300);
        int which = in.consumeInt(0, 2);
        try {
            switch (which) {
                case 0 -> b.addPdbLine(line);
                case 1 -> b.addWdbLine(line);
                default -> b.addGdbLine(line);
            }
        } catch (IllegalArgumentException expected) {
            // malformed lines are rejected with a message, nothing else may escape
        }
        b.build().check(in.consumeString(200), in.consumeString(200), true, true);
    }
}
