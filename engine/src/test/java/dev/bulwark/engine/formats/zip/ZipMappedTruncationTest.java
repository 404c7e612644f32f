package dev.bulwark.engine.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + tmp.resolve("hs_err.log"),
                "-cp", System.getProperty("java.class.path"), ZipMappedTruncationTest.class.getName(), f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "the JVM survives: " + out);
        assertTrue(out.contains("java.lang.InternalError"), out);
    }

    /** Child: maps FILE, truncates it, reads the member through ZipMethods; prints what the read threw. */
    public static void main(String[] args) throws Exception {
        Path f = Path.of(args[0]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            ch.truncate(0);
            try (InputStream in = ZipMethods.open(ZipMethods.DEFLATED, 0, m, 4 << 20)) {
                byte[] b = new byte[1 << 16];
                while (in.read(b) >= 0) { }
                System.out.println("read to the end");
            } catch (Throwable t) {
                System.out.println("threw " + t);
            }
        }
        System.out.println(List.of("done"));
    }
}
