package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database files larger than the loader's read chunk are parsed in chunks; they must load exactly like
 * the same text read whole (lines split across chunk boundaries, CRLF, comments, a last line without a
 * newline, and the line numbers of errors).
 */
class StreamedLoadTest {
    @TempDir
    Path dir;

    /** Larger than the loader's 16 MiB chunk, so lines straddle at least one boundary. */
    private static final int SIZE = (16 << 20) + (3 << 20);

    private static String hashDb(Random r) {
        StringBuilder sb = new StringBuilder(SIZE + 100);
        byte[] d = new byte[16];
        int i = 0;
        while (sb.length() < SIZE) {
            r.nextBytes(d);
            if (i % 1000 == 0) sb.append("# comment ").append(i).append('\n');
            sb.append(HexFormat.of().formatHex(d)).append(':').append(1 + r.nextInt(100000)).append(":Test.Stream-").append(i++);
            sb.append(i % 7 == 0 ? "\r\n" : "\n");
        }
        r.nextBytes(d);
        sb.append(HexFormat.of().formatHex(d)).append(":42:Test.Stream.Last"); // no trailing newline
        return sb.toString();
    }

    @Test
    void chunkedFileLoadsLikeTheWholeText() throws Exception {
        String text = hashDb(new Random(3));
        Path f = dir.resolve("big.hdb");
        Files.writeString(f, text, StandardCharsets.ISO_8859_1);
        Database streamed = DatabaseLoader.load(List.of(f), LoadOptions.defaults());
        Database whole = DatabaseLoader.loadText("big.hdb", text, LoadOptions.defaults());
        assertEquals(whole.signatureCount(), streamed.signatureCount());
        assertTrue(streamed.signatureCount() > 300_000, "count " + streamed.signatureCount());
        SignatureSet a = whole.signatures(), b = streamed.signatures();
        assertEquals(a.hashNames.size(), b.hashNames.size());
        for (int i = 0; i < a.hashNames.size(); i += 997) assertEquals(a.hashName(i), b.hashName(i));
        assertEquals("Test.Stream.Last.UNOFFICIAL", b.hashName(b.hashNames.size() - 1));
        // (textload4) ~340,000 MD5s, between one run (262,144) and two: sized from the first MiB (at its file
        // offset, not its offset in the read chunk, which counted the sample twice and asked for ~680,000), the
        // builder holds them all on the heap instead of spilling two runs and merging them into a mapped file
        assertTrue(b.hashes[0].onHeap(), "MD5 index spilled");
    }

    @Test
    void errorsInAChunkedFileNameTheirLine() throws Exception {
        String text = hashDb(new Random(4));
        int cut = text.indexOf('\n', 16 << 20) + 1; // first line that starts after the first chunk boundary
        int lineNo = (int) text.substring(0, cut).chars().filter(c -> c == '\n').count() + 1;
        String broken = text.substring(0, cut) + "not-a-hash-line\n" + text.substring(cut);
        Path f = dir.resolve("broken.hdb");
        Files.writeString(f, broken, StandardCharsets.ISO_8859_1);
        DatabaseLoadException e = assertThrows(DatabaseLoadException.class, () -> DatabaseLoader.load(List.of(f), LoadOptions.defaults()));
        DatabaseLoadException w = assertThrows(DatabaseLoadException.class, () -> DatabaseLoader.loadText("broken.hdb", broken, LoadOptions.defaults()));
        assertEquals(1, e.diagnostics().size(), e.diagnostics().toString());
        assertEquals(w.diagnostics().get(0).line(), e.diagnostics().get(0).line());
        assertEquals(lineNo, e.diagnostics().get(0).line());
    }
}
