package dev.bulwark.engine.formats.binhex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BinHexExtractorTest {
    private static final BinHexExtractor X = new BinHexExtractor();

    @Test
    void dataFork() {
        RecordingContext ctx = Contract.run(X, Samples.read("clam.exe.binhex"), FileType.BINHEX);
        assertTrue(Samples.isClamExe(ctx.children.get(0).data()));
        assertEquals("clam.exe", ctx.children.get(0).info().name());
    }

    @Test
    void runLengthBombIsBounded() {
        // 0x90 repeats: every 2 encoded bytes expand to 255; the budget caps the decoded stream
        StringBuilder sb = new StringBuilder("(This file must be converted with BinHex 4.0)\n:");
        String alphabet = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
        // encode bytes: header name len 0, then 'A' and (0x90, 0xff) repeated
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        raw.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 'A'});
        for (int i = 0; i < 30000; i++) { raw.write(0x90); raw.write(0xff); raw.write('A'); }
        byte[] r = raw.toByteArray();
        int acc = 0, bits = 0;
        for (byte x : r) {
            acc = acc << 8 | (x & 0xff);
            bits += 8;
            while (bits >= 6) { bits -= 6; sb.append(alphabet.charAt((acc >> bits) & 63)); }
        }
        sb.append(":\n");
        RecordingContext ctx = Contract.run(X, sb.toString().getBytes(StandardCharsets.US_ASCII), FileType.BINHEX, Contract.smallBudget(1 << 20));
        assertEquals(1, ctx.children.size());
        assertTrue(ctx.children.get(0).data().length <= 1 << 20);
    }

    @Test
    void truncatedAndCorrupted() {
        Contract.truncations(X, Samples.read("clam.exe.binhex"), FileType.BINHEX);
        Contract.flips(X, Samples.read("clam.exe.binhex"), FileType.BINHEX, 3000);
    }
}
