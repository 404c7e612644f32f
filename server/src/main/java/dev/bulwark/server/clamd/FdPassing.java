package dev.bulwark.server.clamd;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

/**
 * Descriptor passing ({@code FILDES}, {@code clamdscan --fdpass}): receiving a descriptor needs
 * {@code recvmsg} with {@code SCM_RIGHTS}, which no Java API offers. On Java 22+ the jar's multi-release
 * part ({@code META-INF/versions/22}) holds {@code FfmUnixSockets}, which owns the UNIX listening socket
 * and its connections through the Foreign Function and Memory API. On Java 21, or on a platform it does not
 * know, that class is absent or declines, and the daemon answers {@code FILDES} as a clamd built without
 * descriptor passing.
 *
 * <p>The class is looked up by name because the Java 21 part of the module cannot refer to it.
 */
final class FdPassing {
    /** The FFM implementation; present only in META-INF/versions/22 of the jar. */
    private static final String IMPLEMENTATION = "dev.bulwark.server.clamd.FfmUnixSockets";
    /** First Java release whose FFM API is final (JEP 454). */
    private static final int FFM_RELEASE = 22;

    /** Binds UNIX listening sockets whose connections can receive descriptors. */
    interface Provider {
        /** Binds {@code path} (which must not exist) and listens with {@code backlog}. */
        Listener listen(Path path, int backlog) throws IOException;
    }

    /** A listening UNIX socket; {@link #close()} wakes a thread blocked in {@link #accept()}. */
    interface Listener extends Closeable {
        ClientChannel accept() throws IOException;
    }

    private static final Provider PROVIDER = load();
    private static final String UNAVAILABLE_REASON = PROVIDER != null ? null : reason();

    private FdPassing() {}

    /** The provider, or null when descriptors cannot be received here. */
    static Provider provider() {
        return PROVIDER;
    }

    static boolean available() {
        return PROVIDER != null;
    }

    /** Why descriptor passing is off (for the start-up log), or null. */
    static String unavailableReason() {
        return UNAVAILABLE_REASON;
    }

    private static Provider load() {
        if (Runtime.version().feature() < FFM_RELEASE || Boolean.getBoolean("bulwark.noFdPassing")) return null;
        try {
            Class<?> c = Class.forName(IMPLEMENTATION);
            Object p = c.getDeclaredConstructor().newInstance();
            return p instanceof Provider pr && supportedPlatform() ? pr : null;
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
                 | InvocationTargetException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** The structure layouts in FfmUnixSockets are those of 64-bit Linux. */
    private static boolean supportedPlatform() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        return os.equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64"));
    }

    private static String reason() {
        if (Runtime.version().feature() < FFM_RELEASE) return "Java " + Runtime.version().feature() + " (needs 22+)";
        if (Boolean.getBoolean("bulwark.noFdPassing")) return "disabled by -Dbulwark.noFdPassing";
        if (!supportedPlatform()) return "not on 64-bit Linux";
        return "FFM implementation not in this build";
    }
}
