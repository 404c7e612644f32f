package dev.bulwark.server.rest;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.server.Spool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

class ParsersFuzzTest {
    /** JSON, multipart and scanmemory bodies from arbitrary bytes: a clean error or a result, nothing else. */
    @FuzzTest
    void fuzz(FuzzedDataProvider data) throws IOException {
        String json = data.consumeString(2000);
        try {
            Json.parse(json);
        } catch (Json.ParseException expected) {
            // rejected with a position
        }
        byte[] body = data.consumeRemainingAsBytes();
        Path tmp = Files.createTempDirectory("fuzz");
        try {
            MultipartReader r = new MultipartReader(new ByteArrayInputStream(body), "b");
            for (int i = 0; i < 100; i++) {
                try (Spool s = new Spool(tmp)) {
                    if (r.next(s, 1 << 20) == null) break;
                }
            }
        } catch (IOException expected) {
            // malformed multipart
        }
        // the same bytes as a Kaspersky scanmemory body (streamed JSON + base64): a request or a typed rejection
        try (KavMemoryRequest r = KavMemoryRequest.read(new ByteArrayInputStream(body), 1 << 16, tmp)) {
            if (r.object != null && r.object.size() > 1 << 16) throw new AssertionError("decoded more than the body");
        } catch (KavMemoryRequest.Rejected expected) {
            if (expected.status != 400 && expected.status != 413) throw new AssertionError("status " + expected.status);
        } finally {
            try (var l = Files.list(tmp)) {
                if (l.findAny().isPresent()) throw new AssertionError("spool file left behind");
            }
            Files.delete(tmp);
        }
    }
}
