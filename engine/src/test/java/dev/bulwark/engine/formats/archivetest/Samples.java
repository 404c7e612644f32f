package dev.bulwark.engine.formats.archivetest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;

/** Access to the ClamAV test corpus (Debian package clamav-testfiles). */
public final class Samples {
    public static final Path DIR = Path.of("/usr/share/clamav-testfiles");
    /**
     * sha256 of the 544-byte clam.exe shipped in clamav-testfiles 1.4.6 (md5 aa15bcf4…, the hash ClamAV's
     * own .hdb test uses). The value 586a8c0d… quoted in the task belongs to a 1024-byte file, not clam.exe.
     */
    public static final String CLAM_EXE_SHA256 = "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495";
    public static final int CLAM_EXE_SIZE = 544;

    private Samples() {}

    /** The bytes of a test file; skips the test when the package is not installed. */
    public static byte[] read(String name) {
        Path p = DIR.resolve(name);
        Assumptions.assumeTrue(Files.isReadable(p), "clamav-testfiles not installed: " + p);
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void assertClamExe(byte[] b) {
        assertEquals(CLAM_EXE_SIZE, b.length, "size of extracted clam.exe");
        assertEquals(CLAM_EXE_SHA256, sha256(b), "sha256 of extracted clam.exe");
    }

    /** Text-like data that spans many blocks and back-references across block boundaries. */
    public static byte[] wordSoup(int size, long seed) {
        String[] words = {"alpha ", "beta ", "gamma ", "delta ", "epsilon ", "zeta\n", "eta ", "theta "};
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < size) sb.append(words[r.nextInt(words.length)]);
        return sb.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** First index of {@code needle} in {@code hay}, or -1. */
    public static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
