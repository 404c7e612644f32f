package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RawNames: valid UTF-8 decodes as usual; any other bytes survive decode, bytes, path and fileName exactly. */
class RawNamesTest {
    @TempDir Path tmp;

    @Test
    void bytesSurviveTheRoundTrip() throws Exception {
        String text = "caf\u00e9 \u4e2d \ud83d\ude00 plain";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(text, RawNames.decode(utf8, 0, utf8.length));
        assertFalse(RawNames.escaped(text));
        for (byte[] raw : new byte[][] {{'l', 'a', 't', (byte) 0xE9}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF, '%', '2', '0'},
                {(byte) 0xC3}, {'a', (byte) 0xC3, (byte) 0xA9, (byte) 0x80, ' ', '#', '?'}}) {
            String s = RawNames.decode(raw, 0, raw.length);
            assertTrue(RawNames.escaped(s));
            assertArrayEquals(raw, RawNames.bytes(s));
            Path dir = Files.createTempDirectory(tmp, "d");
            Path p = RawNames.path(dir + "/" + s);
            Files.writeString(p, "x");
            try (var l = Files.list(dir)) {
                Path found = l.findFirst().orElseThrow();
                assertArrayEquals(raw, RawNames.bytes(RawNames.fileName(found)));
                assertTrue(Files.isSameFile(p, found));
            }
        }
    }
}
