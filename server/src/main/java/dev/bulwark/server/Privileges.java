package dev.bulwark.server;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * clamd's {@code User} option: a daemon started as root gives up root for the user's identity once its
 * sockets are bound and its database is loaded, before it serves a single request. As clamd's
 * {@code drop_privileges}: the user's account is looked up ({@code getpwnam}), its groups set
 * ({@code initgroups}), the log file handed to it, then {@code setgid} and {@code setuid}; Bulwark also
 * hands it the UNIX socket file (clamd creates that file as the user already) and checks that root cannot be
 * regained. Any failure stops the start. Not running as root, there is nothing to drop (clamd goes on
 * silently; Bulwark says so in the log).
 *
 * <p>The libc calls need the FFM API: the implementation lives in the jar's Java 22 part
 * ({@code FfmPrivileges}) and is looked up by name. On Java 21 a root daemon with {@code User} refuses to
 * start rather than keep running as root.
 */
public final class Privileges {
    private static final String IMPLEMENTATION = "dev.bulwark.server.FfmPrivileges";

    /** The libc calls, bound through FFM (present on Java 22+, 64-bit Linux). */
    interface Calls {
        /** The account's uid and primary gid, or null when there is no such user. */
        int[] lookup(String user) throws IOException;
        void initgroups(String user, int gid) throws IOException;
        void setgid(int gid) throws IOException;
        void setuid(int uid) throws IOException;
        /** Whether setuid(0) succeeds (it must not after the drop). */
        boolean regainsRoot();
    }

    /** A step that may fail with an IOException. */
    interface IoAction {
        void run() throws IOException;
    }

    /** The identity the daemon now runs as. */
    record Dropped(String user, int uid, int gid) {}

    private Privileges() {}

    /**
     * Drops root for {@code user}; returns null when the process is not root (nothing to do). The files are
     * handed to the user first: the log file and the UNIX socket (user and group, as clamd leaves them);
     * then {@code afterDrop} runs as the user (LocalSocketGroup: clamd changes the socket's group as the
     * user, so a group the user is not in fails there too).
     */
    static Dropped drop(String user, Path logFile, Path socket, IoAction afterDrop) throws IOException {
        if (effectiveUid() != 0) return null;
        Calls c = calls();
        if (c == null) {
            throw new IOException("User " + user + ": cannot drop root privileges on this runtime (needs Java 22+ on 64-bit Linux);"
                    + " run the daemon as that user instead");
        }
        int[] account = c.lookup(user);
        if (account == null) throw new IOException("Can't get information about user " + user + ".");
        int uid = account[0], gid = account[1];
        c.initgroups(user, gid);
        if (logFile != null && Files.exists(logFile, LinkOption.NOFOLLOW_LINKS)) owner(logFile, uid, gid, user);
        if (socket != null) owner(socket, uid, gid, user);
        c.setgid(gid);
        c.setuid(uid);
        if (uid != 0 && c.regainsRoot()) throw new IOException("User " + user + ": root privileges could be regained after setuid");
        afterDrop.run();
        return new Dropped(user, uid, gid);
    }

    private static void owner(Path p, int uid, int gid, String user) throws IOException {
        try {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            if (gid != -1) Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new IOException("lchown to user '" + user + "' failed on '" + p + "': " + e.getMessage());
        }
    }

    /** The effective uid from /proc/self/status (second field of the Uid line); -1 if unknown. */
    public static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (!line.startsWith("Uid:")) continue;
                String[] f = line.substring(4).trim().split("\\s+");
                return f.length > 1 ? Integer.parseInt(f[1]) : -1;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static Calls calls() {
        if (Runtime.version().feature() < 22) return null;
        String os = System.getProperty("os.name", ""), arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) return null; // struct passwd layout
        try {
            Object o = Class.forName(IMPLEMENTATION).getDeclaredConstructor().newInstance();
            return o instanceof Calls c ? c : null;
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
                 | InvocationTargetException | LinkageError | RuntimeException e) {
            return null;
        }
    }
}
