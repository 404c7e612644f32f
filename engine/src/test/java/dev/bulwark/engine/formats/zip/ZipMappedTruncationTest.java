package dev.bulwark.engine.formats.zip;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.MappedTruncation;
import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (review18) A deflated ZIP member of a mapped archive (above the scanner's read limit) whose file is truncated under
 * the scan: zlib read the mapping in native code (Inflater.setInput of a direct buffer), and the page fault was a
 * SIGBUS that ended the JVM (hs_err; a daemon with it). Read through Java, it is an InternalError, which
 * {@code Scanner} answers as a file that shrank. Run in a child JVM, which the crash would end.
 */
class ZipMappedTruncationTest {
    @Test
    void aTruncatedMappedMemberFailsInJavaNotInZlib(@TempDir Path tmp) throws Exception {
        byte[] plain = new byte[4 << 20];
        new Random(7).nextBytes(plain);
        Deflater d = new Deflater(1, true);
        d.setInput(plain);
        d.finish();
        byte[] packed = new byte[plain.length + (1 << 16)];
        int n = 0;
        while (!d.finished()) n += d.deflate(packed, n, packed.length - n);
        Path f = Files.write(tmp.resolve("member.deflate"), java.util.Arrays.copyOf(packed, n));
        String out = MappedTruncation.runChild(tmp, ZipMappedTruncationTest.class, f.toString());
        assertTrue(out.contains("java.lang.InternalError"), out);
    }

    /** Child: maps FILE, truncates it, reads the member through ZipMethods; prints what the read threw. */
    public static void main(String[] args) throws Exception {
        MappedByteBuffer m = MappedTruncation.mapTruncated(Path.of(args[0]));
        MappedTruncation.report(() -> {
            try (InputStream in = ZipMethods.open(ZipMethods.DEFLATED, 0, m, 4 << 20)) {
                byte[] b = new byte[1 << 16];
                while (in.read(b) >= 0) { }
            }
        });
    }
}
