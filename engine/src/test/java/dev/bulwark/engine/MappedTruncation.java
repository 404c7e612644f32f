package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * (review18, sigbus) Tests of code that reads a memory-mapped file (the scanner maps files above its read limit)
 * truncated under the scan. Native code reading the mapping (zlib, CRC32, CRC32C, Adler32) gets a SIGBUS that ends
 * the JVM; Java code gets an InternalError, which {@code Scanner} answers as a file that shrank. The reading runs in
 * a child JVM, which the crash would end.
 */
public final class MappedTruncation {
    private MappedTruncation() {}

    /** Maps all of FILE read-only, then truncates the file to nothing: every page of the mapping now faults. */
    public static MappedByteBuffer mapTruncated(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            ch.truncate(0);
            return m;
        }
    }

    /**
     * Runs {@code main.main(args)} in a child JVM (no core dump, its hs_err file under TMP); asserts that the child
     * exits normally within a minute and that no hs_err file was written. Returns its output (stdout and stderr).
     */
    public static String runChild(Path tmp, Class<?> main, String... args) throws Exception {
        Path hsErr = tmp.resolve("hs_err.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + hsErr, "-cp", System.getProperty("java.class.path"),
                main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "the JVM survives: " + out);
        assertFalse(Files.exists(hsErr), "no hs_err file: " + out);
        return out;
    }

    /** SIZE random (incompressible) bytes, deflated: with a zlib header (RFC 1950) when ZLIB, else raw. */
    public static byte[] deflated(int size, boolean zlib) {
        byte[] plain = new byte[size];
        new java.util.Random(7).nextBytes(plain);
        java.util.zip.Deflater d = new java.util.zip.Deflater(1, !zlib);
        d.setInput(plain);
        d.finish();
        byte[] packed = new byte[size + (1 << 16)];
        int n = 0;
        while (!d.finished()) n += d.deflate(packed, n, packed.length - n);
        d.end();
        return java.util.Arrays.copyOf(packed, n);
    }

    /** The same bytes in a direct buffer (as a mapped file's are), for a test that the direct path decodes alike. */
    public static java.nio.ByteBuffer direct(byte[] b) {
        return java.nio.ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    /** For a child's main: runs R, prints "threw X" for what it threw or "no fault", then "done". */
    public static void report(ThrowingRunnable r) {
        try {
            r.run();
            System.out.println("no fault");
        } catch (Throwable t) {
            System.out.println("threw " + t);
        }
        System.out.println("done");
    }

    /** A body that may throw. */
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
