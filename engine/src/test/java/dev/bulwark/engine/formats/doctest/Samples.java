package dev.bulwark.engine.formats.doctest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Access to ClamAV's test files (Debian package clamav-testfiles). */
public final class Samples {
    public static final Path DIR = Path.of("/usr/share/clamav-testfiles");
    /**
     * SHA-256 of the 544-byte clam.exe shipped by clamav-testfiles 1.4 (verified with sha256sum; the
     * value 586a8c0d… quoted in the task brief is not the hash of this file).
     */
    public static final String CLAM_EXE_SHA256 = "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495";

    private Samples() {}

    /** Reads a test file; skips the test when the package is not installed. */
    public static byte[] read(String name) {
        Path p = DIR.resolve(name);
        assumeTrue(Files.isReadable(p), "clamav-testfiles not installed: " + p);
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isClamExe(byte[] b) {
        return b.length == 544 && CLAM_EXE_SHA256.equals(sha256(b));
    }
}
