package dev.bulwark.engine.formats.doctest;

/**
 * Access to ClamAV's test files (Debian package clamav-testfiles) for the document and mail tests;
 * one implementation, shared with the archive tests.
 */
public final class Samples {
    public static final java.nio.file.Path DIR = dev.bulwark.engine.formats.archivetest.Samples.DIR;
    public static final String CLAM_EXE_SHA256 = dev.bulwark.engine.formats.archivetest.Samples.CLAM_EXE_SHA256;

    private Samples() {}

    /** Reads a test file; skips the test when the package is not installed. */
    public static byte[] read(String name) {
        return dev.bulwark.engine.formats.archivetest.Samples.read(name);
    }

    public static String sha256(byte[] b) {
        return dev.bulwark.engine.formats.archivetest.Samples.sha256(b);
    }

    public static boolean isClamExe(byte[] b) {
        return b.length == dev.bulwark.engine.formats.archivetest.Samples.CLAM_EXE_SIZE && CLAM_EXE_SHA256.equals(sha256(b));
    }
}
