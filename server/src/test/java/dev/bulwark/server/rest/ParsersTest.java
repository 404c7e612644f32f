package dev.bulwark.server.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bulwark.server.Spool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParsersTest {
    @TempDir Path tmp;

    @Test
    void jsonRoundTripAndErrors() throws Exception {
        Object v = Json.parse("{\"a\":[1,2.5,true,null,\"x\\n\\u0041\"],\"b\":{}}");
        assertEquals(Map.of("a", java.util.Arrays.asList(1.0, 2.5, true, null, "x\nA"), "b", Map.of()), v);
        assertEquals("{\"k\":\"q\\\"\\\\\\u0001\"}", Json.write(Json.obj("k", "q\"\\\u0001")));
        for (String bad : new String[] {"", "{", "{\"a\"}", "[1,]", "\"abc", "{\"a\":1}x", "tru", "\"\\u12\"", "[".repeat(100)}) {
            assertThrows(Json.ParseException.class, () -> Json.parse(bad), bad);
        }
    }

    static final String BODY = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\nfirst\r\n--XyQ not a boundary\r\n--XyZ\r\n"
            + "Content-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--XyZ--\r\n";

    List<String> parts(String body, long max) throws IOException {
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)), "XyZ");
        List<String> out = new ArrayList<>();
        while (true) {
            try (Spool s = new Spool(tmp)) {
                MultipartReader.Part p = r.next(s, max);
                if (p == null) return out;
                String content = new String(s.inMemory() ? toArray(s) : Files.readAllBytes(s.file()), StandardCharsets.ISO_8859_1);
                out.add(p.field() + "|" + p.filename() + "|" + content);
            }
        }
    }

    static byte[] toArray(Spool s) {
        var b = s.memory();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test
    void multipartPartsAreStreamed() throws Exception {
        assertEquals(List.of("f|a.bin|first\r\n--XyQ not a boundary", "note|null|hello"), parts(BODY, 1000));
        assertThrows(MultipartReader.TooLarge.class, () -> parts(BODY, 10));
        assertEquals("abc", MultipartReader.boundary("multipart/form-data; boundary=\"abc\""));
        assertNull(MultipartReader.boundary("application/json"));
    }

    @Test
    void multipartTruncatedAtEveryLengthFailsCleanly() {
        int end = BODY.indexOf("--XyZ--");
        for (int len = 0; len < end; len++) {
            String cut = BODY.substring(0, len);
            assertThrows(IOException.class, () -> parts(cut, 1000), "length " + len);
        }
    }

    @Test
    void largePartGoesToDiskAndHashes() throws Exception {
        byte[] big = new byte[Spool.MEMORY_LIMIT * 3];
        new java.util.Random(5).nextBytes(big);
        String body = "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big\"\r\n\r\n"
                + new String(big, StandardCharsets.ISO_8859_1) + "\r\n--B--\r\n";
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)), "B");
        try (Spool s = new Spool(tmp)) {
            assertEquals(big.length, r.next(s, Long.MAX_VALUE).size());
            assertEquals(false, s.inMemory());
            org.junit.jupiter.api.Assertions.assertArrayEquals(big, Files.readAllBytes(s.file()));
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(big)), s.sha256());
        }
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "spool file deleted on close");
        }
    }
}
