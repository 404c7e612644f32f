package dev.bulwark.server.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.TestDaemon;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kaspersky {@code scanmemory} body is streamed: a request near StreamMaxLength must not be held in the heap
 * (it was held as the body bytes, a String, the parsed String and the decoded array, ~5x the object: a few
 * concurrent requests of a 100 MB StreamMaxLength exhausted a small daemon heap). Decoding follows
 * {@code Base64.getMimeDecoder().decode(String)}, which the whole-body reader used.
 */
class KavScanMemoryStreamingTest {
    @TempDir static Path tmp;
    static TestDaemon bulwark;
    static final int DECODED = 16 << 20;

    @BeforeAll
    static void start() throws Exception {
        Fixtures fx = new Fixtures(tmp);
        bulwark = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db,
                "BulwarkRestPort 0\nStreamMaxLength 24M\n");
    }

    @AfterAll
    static void stop() {
        if (bulwark != null) bulwark.close();
    }

    /** Sends the JSON envelope around base64 produced chunk by chunk (no copy of the body in this JVM). */
    static String post(byte[] head, int chunks, byte[] chunk, byte[] tail) throws IOException {
        try (Socket s = new Socket("127.0.0.1", bulwark.daemon.restPort())) {
            long len = head.length + (long) chunks * chunk.length + tail.length;
            OutputStream o = s.getOutputStream();
            o.write(("POST /api/v3.0/scanmemory HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + len + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.write(head);
            for (int i = 0; i < chunks; i++) o.write(chunk);
            o.write(tail);
            o.flush();
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return r;
        }
    }

    static String postRaw(int chunks, byte[] chunk, byte[] tail) throws IOException {
        try (Socket s = new Socket("127.0.0.1", bulwark.daemon.restPort())) {
            long len = (long) chunks * chunk.length + tail.length;
            OutputStream o = s.getOutputStream();
            o.write(("POST /api/v1/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + len + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < chunks; i++) o.write(chunk);
            o.write(tail);
            o.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static long allocatedEverywhere() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    @Test
    void largeObjectIsNotHeldInTheHeap() throws Exception {
        byte[] raw = new byte[3 * 1024];
        for (int i = 0; i < raw.length; i++) raw[i] = (byte) (i * 7 % 251); // binary: no text normalisation copy
        // base64 lines of 76 characters with JSON-escaped CRLF, as MIME encoders write them
        byte[] chunk = Base64.getMimeEncoder().encodeToString(raw).replace("\r\n", "\\r\\n").concat("\\r\\n")
                .getBytes(StandardCharsets.US_ASCII);
        int chunks = DECODED / raw.length;
        byte[] head = "{\"timeout\":\"10000\", \"object\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = (Base64.getEncoder().encodeToString((" " + Fixtures.BODY_MARKER).getBytes(StandardCharsets.US_ASCII))
                + "\", \"omitCleanSubobjectResults\": true}").getBytes(StandardCharsets.US_ASCII);
        byte[] clean = (Base64.getEncoder().encodeToString("end".getBytes(StandardCharsets.US_ASCII))
                + "\", \"omitCleanSubobjectResults\": true}").getBytes(StandardCharsets.US_ASCII);
        String small = post(head, 1, chunk, tail); // also warms up the handler's code paths
        Map<?, ?> j = (Map<?, ?>) Json.parse(small.substring(small.indexOf("\r\n\r\n") + 4));
        assertEquals("DETECT", j.get("scanResult"), small);
        assertEquals("Bulwark.Test.Body.UNOFFICIAL", j.get("detectionName"), small);
        post(head, 1, chunk, clean);
        long a0 = allocatedEverywhere();
        String r = post(head, chunks, chunk, clean);
        long allocated = allocatedEverywhere() - a0;
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertEquals("CLEAN", ((Map<?, ?>) Json.parse(r.substring(r.indexOf("\r\n\r\n") + 4))).get("scanResult"), r);
        // the same bytes through the raw-body endpoint (streamed into a spool since it exists): the scan's own cost
        byte[] end = "end".getBytes(StandardCharsets.US_ASCII);
        postRaw(1, raw, end);
        long b0 = allocatedEverywhere();
        String raw1 = postRaw(chunks, raw, end);
        long rawAllocated = allocatedEverywhere() - b0;
        assertTrue(raw1.startsWith("HTTP/1.1 200") && raw1.contains("\"infected\":false"), raw1);
        // the whole JVM (server and this client) allocated less beyond that than a quarter of the object
        assertTrue(allocated < rawAllocated + DECODED / 4, "scanmemory allocated " + allocated + " bytes, a raw upload of the same "
                + DECODED + " bytes " + rawAllocated);
    }

    @Test
    void tooLargeIsRefused() throws Exception {
        long max = 1 << 20;
        InputStream endless = new InputStream() {
            long n;

            @Override
            public int read() {
                return n++ < 11 ? "{\"object\":\"".charAt((int) n - 1) : 'Q';
            }
        };
        try (KavMemoryRequest r = KavMemoryRequest.read(endless, max, tmp)) {
            throw new AssertionError("accepted an endless body");
        } catch (KavMemoryRequest.Rejected e) {
            assertEquals(413, e.status);
        }
    }

    /** The streamed decoder accepts and refuses what Base64.getMimeDecoder().decode(String) did, with equal bytes. */
    @Test
    void base64AsTheMimeDecoder() throws Exception {
        String[] objects = {"", "QQ", "QQ=", "QQ==", "QUI", "QUI=", "QUJD", "Q", "Q=", "Q===", "=", "==", "QQ==QQ==",
                "QQ== \\r\\n", "QQ==\\u0051", "QQ=\\r\\n=", "QUJD\\nRA==", "QU JD", "QU\\u00e9JD", "QU\\u0100JD",
                "QUJD!!", "QUJDRA", "QUJDRA=", "QUJDRA==x", "QUJDR", "QUI==", "QUI=A", "\\/\\/\\/\\/", "QUJD\\\\",
                "QUJD\u00e9RA=="};
        for (String o : objects) {
            String json = "{\"object\":\"" + o + "\"}";
            String plain = (String) ((Map<?, ?>) Json.parse(json)).get("object");
            byte[] expected;
            try {
                expected = Base64.getMimeDecoder().decode(plain);
            } catch (IllegalArgumentException e) {
                expected = null;
            }
            byte[] got;
            try (KavMemoryRequest r = KavMemoryRequest.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    1 << 20, tmp)) {
                got = bytes(r);
            } catch (KavMemoryRequest.Rejected e) {
                assertTrue(e.badBase64, o + ": " + e.getMessage());
                got = null;
            }
            assertEquals(expected == null ? null : Arrays.toString(expected), got == null ? null : Arrays.toString(got), o);
        }
    }

    /** JSON the whole-body parser accepted or refused is accepted or refused; other members are kept. */
    @Test
    void envelopeAsTheJsonParser() throws Exception {
        String[] bodies = {"{\"object\":\"QUJD\"}", " { \"a\" : [1, {\"b\":\"}\"}], \"object\" : \"QUJD\" , \"c\":null } ",
                "{\"object\":\"QUJD\",\"object\":\"RA==\"}", "{\"object\":\"QUJD\",\"object\":5}", "{\"object\":5}", "{}",
                "{\"object\":\"QUJD\"", "{\"object\":\"QUJD\"} x", "{not json", "", "[\"object\"]", "{\"obj\\u0065ct\":\"QUJD\"}",
                "{\"object\":\"QUJD\",}", "{\"object\":\"QUJD\" \"x\":1}", "{\"omitCleanSubobjectResults\":false,\"object\":\"QUJD\"}",
                "{\"object\":\"QU\\x\"}", "{\"x\":tru,\"object\":\"QUJD\"}"};
        for (String b : bodies) {
            Map<?, ?> expected;
            try {
                Object o = Json.parse(b);
                expected = o instanceof Map<?, ?> m && m.get("object") instanceof String ? m : null;
            } catch (Json.ParseException e) {
                expected = null;
            }
            Map<Object, Object> got;
            try (KavMemoryRequest r = KavMemoryRequest.read(new ByteArrayInputStream(b.getBytes(StandardCharsets.UTF_8)),
                    1 << 20, tmp)) {
                got = new java.util.LinkedHashMap<>(r.fields);
                got.put("object", Base64.getEncoder().encodeToString(bytes(r)));
            } catch (KavMemoryRequest.Rejected e) {
                assertEquals(400, e.status, b);
                got = null;
            }
            if (expected == null) assertEquals(null, got, b);
            else {
                Map<Object, Object> e = new java.util.LinkedHashMap<>(expected);
                e.put("object", Base64.getEncoder().encodeToString(Base64.getMimeDecoder().decode((String) expected.get("object"))));
                assertEquals(new java.util.TreeMap<>(e), new java.util.TreeMap<>(got), b);
            }
        }
    }

    private static byte[] bytes(KavMemoryRequest r) throws IOException {
        if (r.object.inMemory()) {
            var m = r.object.memory();
            byte[] b = new byte[m.remaining()];
            m.get(b);
            return b;
        }
        try (InputStream in = Files.newInputStream(r.object.file())) {
            return in.readAllBytes();
        }
    }
}
