package dev.bulwark.server.clamd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * (toctou20) Files a path scan opens once, for SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN and REST {@code scan-path}.
 * Checking a name against the scan roots and then letting the engine open the name again raced with a local user
 * who swaps a component for a link to the outside in between (docs/benchmarks/daemon.md "harden19"). Here the
 * name is opened once ({@code open(O_PATH|O_NONBLOCK|O_NOCTTY|O_CLOEXEC)}, with {@code O_NOFOLLOW} unless the
 * caller follows a final link; {@code O_PATH} reads nothing and opens no device: a FIFO swapped in does not block, a
 * terminal or tape is not touched), the descriptor is {@code statx}ed (its type and size), and what was actually
 * opened is read back from {@code /proc/self/fd/N}. The caller checks that real path against the roots and that it
 * is a regular file, and only then does the engine open {@code /proc/self/fd/N} for reading: the kernel resolves
 * that magic link to the open file itself (checking read permission on it, as an open by name did), never by the
 * name again.
 *
 * <p>The calls need the FFM API (Java 22+, 64-bit Linux): the implementation, {@code FfmOpener}, lives in the jar's
 * {@code META-INF/versions/22} as the descriptor passing does ({@link FdPassing}). Without it (Java 21)
 * {@link #available()} is false and path scans open by name as before (the race stays open there).
 */
public final class OpenedFiles {
    /** A file opened for one scan; its descriptor stays open until {@link #close()}. */
    public interface Opened extends AutoCloseable {
        /** {@code /proc/self/fd/N}: opening or stat-ing it reaches this open file, whatever the name now names. */
        Path procPath();

        /** What was opened, as the kernel names it now ({@code readlink /proc/self/fd/N}). */
        Path real() throws IOException;

        boolean regular();

        long size();

        @Override
        void close();
    }

    /** Implemented by {@code FfmOpener} (looked up by name: the Java 21 part cannot refer to it). */
    interface Opener {
        Opened open(byte[] path, Path shown, boolean noFollow) throws IOException;
    }

    private static final Opener OPENER = load();

    private OpenedFiles() {}

    private static Opener load() {
        if (Runtime.version().feature() < 22 || Boolean.getBoolean("bulwark.noOpenOnce")) return null;
        String os = System.getProperty("os.name", ""), arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) return null;
        try {
            Object o = Class.forName("dev.bulwark.server.clamd.FfmOpener").getDeclaredConstructor().newInstance();
            return o instanceof Opener op ? op : null;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** Whether path scans open each file once (else they open by name, as before toctou20). */
    public static boolean available() {
        return OPENER != null;
    }

    /**
     * Opens {@code p} for reading, once; {@code noFollow}: a final symbolic link is not followed (ELOOP).
     *
     * @throws NoSuchFileException, AccessDeniedException, or a FileSystemException with the C library's wording
     */
    public static Opened open(Path p, boolean noFollow) throws IOException {
        return OPENER.open(nativeBytes(p), p, noFollow);
    }

    /** The failure of open(2) or statx(2) with {@code errno}, as the JDK would word it. */
    static IOException failure(Path p, int errno) {
        String f = p.toString();
        return switch (errno) {
            case 2 -> new NoSuchFileException(f);
            case 13, 1 -> new AccessDeniedException(f);
            case 40 -> new FileSystemException(f, null, "Too many levels of symbolic links");
            case 20 -> new FileSystemException(f, null, "Not a directory");
            case 36 -> new FileSystemException(f, null, "File name too long");
            case 24 -> new FileSystemException(f, null, "Too many open files");
            default -> new FileSystemException(f, null, "errno " + errno);
        };
    }

    /**
     * The bytes the kernel is given for {@code p}: its text when that is ASCII or (with UTF-8 file names) free of
     * U+FFFD, else the raw bytes from its {@code file:} URI (a name that is not UTF-8, {@code RawNames.path}).
     */
    static byte[] nativeBytes(Path p) {
        String s = p.toString();
        boolean ascii = true;
        for (int i = 0; i < s.length() && ascii; i++) ascii = s.charAt(i) < 0x80;
        if (ascii) return s.getBytes(StandardCharsets.ISO_8859_1);
        if (s.indexOf('\uFFFD') < 0 && "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return dev.bulwark.engine.RawNames.uriPathBytes(p);
    }

}
