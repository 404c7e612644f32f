package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code User} and {@code LocalSocketGroup}: the real clamd 1.4 and Bulwark (in a child JVM: dropping root
 * changes the whole process) started as root with {@code User nobody} end up with the same credentials in
 * /proc/PID/status, the same socket and log file ownership, and the same replies for a file only root may
 * read. Needs root (skipped otherwise).
 */
class UserPrivilegesTest {
    private static final int NOBODY = 65534;
    @TempDir Path tmp;
    private Fixtures fx;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Privileges.effectiveUid() == 0, "needs root");
        Assumptions.assumeTrue(Runtime.version().feature() >= 22, "dropping root needs the Java 22 part");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody must reach the files
        fx = new Fixtures(tmp);
        Files.writeString(fx.files.resolve("secret.com"), Fixtures.EICAR, StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(fx.files.resolve("secret.com"), PosixFilePermissions.fromString("rw-------"));
    }

    /** A directory the daemon may write as nobody (socket, temporary files), as clamd's run directory. */
    private Path runDir(String name) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.setAttribute(d, "unix:uid", NOBODY);
        Files.setAttribute(d, "unix:gid", NOBODY);
        return d;
    }

    /**
     * The child JVM's class path: nobody cannot read the Maven repository under /root, and the daemon loads
     * classes after dropping root, so jars from there are copied next to the test files.
     */
    private String classPath() throws IOException {
        Path jars = Files.createDirectories(tmp.resolve("cp"));
        StringBuilder cp = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (e.startsWith(System.getProperty("user.home")) && Files.isRegularFile(p)) {
                p = Files.copy(p, jars.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            cp.append(cp.isEmpty() ? "" : File.pathSeparator).append(p);
        }
        return cp.toString();
    }

    private Process bulwark(Path dir, String extra) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath(), DaemonMain.class.getName(),
                "--config", dir.resolve("bulwark.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
    }

    private Path conf(Path dir, int port, String extra) throws IOException {
        return Files.writeString(dir.resolve("bulwark.conf"), "TCPSocket " + port + "\nTCPAddr 127.0.0.1\nLocalSocket "
                + dir.resolve("bulwark.sock") + "\nDatabaseDirectory " + fx.db + "\nTemporaryDirectory " + dir
                + "\nSelfCheck 0\nLogFile " + dir.resolve("bulwark.log") + "\nPidFile " + dir.resolve("bulwark.pid") + "\n" + extra);
    }

    /** Uid, Gid and Groups lines of /proc/PID/status. */
    private static String credentials(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("Uid:") || l.startsWith("Gid:") || l.startsWith("Groups:"))
                .map(l -> l.replaceAll("\\s+", " ").strip()).collect(Collectors.joining("\n"));
    }

    private static String owner(Path p) throws IOException {
        return Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":" + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)
                + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static String ask(int port, String cmd) throws IOException {
        return new String(RealClamd.exchange(port, ("z" + cmd + "\0").getBytes(StandardCharsets.UTF_8), 10_000), StandardCharsets.UTF_8);
    }

    private static void awaitPong(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!p.isAlive()) throw new AssertionError("daemon exited: " + Files.readString(log));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("zPING\0".getBytes(StandardCharsets.US_ASCII));
                if (new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).equals("PONG\0")) return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw new AssertionError("daemon did not come up: " + Files.readString(log), e);
                Thread.sleep(50);
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }

    @Test
    void dropsRootLikeClamd() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        String extra = "User nobody\nLocalSocketGroup nogroup\nLocalSocketMode 660\n";
        Path cdir = runDir("c"), bdir = runDir("b");
        int port = Fixtures.freePort();
        conf(bdir, port, extra);
        Process b = bulwark(bdir, extra);
        try (RealClamd clamd = new RealClamd(cdir, fx.db, extra + "PidFile " + cdir.resolve("clamd.pid") + "\nTemporaryDirectory " + cdir + "\n")) {
            awaitPong(port, b, bdir.resolve("out.log"));
            String want = credentials(clamd.pid());
            assertTrue(want.startsWith("Uid: 65534 65534 65534 65534\nGid: 65534 65534 65534 65534"), want);
            assertEquals(want, credentials(b.pid()));
            assertEquals(owner(cdir.resolve("clamd.sock")), owner(bdir.resolve("bulwark.sock")), "socket owner, group and mode");
            assertEquals(owner(cdir.resolve("clamd.log")).split(" ")[0], owner(bdir.resolve("bulwark.log")).split(" ")[0], "log file owner");
            assertEquals(owner(cdir.resolve("clamd.pid")).split(" ")[0], owner(bdir.resolve("bulwark.pid")).split(" ")[0], "pid file owner");
            for (String f : List.of("eicar.com", "secret.com", "clean.txt")) {
                String cmd = "SCAN " + fx.file(f);
                assertEquals(ask(clamd.port, cmd), ask(port, cmd), cmd);
            }
            assertNotEquals(ask(port, "SCAN " + fx.file("eicar.com")), ask(port, "SCAN " + fx.file("secret.com")),
                    "the root-only file is not readable any more");
            assertTrue(Files.readString(bdir.resolve("bulwark.log")).contains("privileges dropped"), Files.readString(bdir.resolve("bulwark.log")));
        } finally {
            stop(b);
        }
    }

    /** LocalSocketGroup without User: set by root, by name or number, as clamd does. */
    @Test
    void socketGroupWithoutUserLikeClamd() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        for (String group : List.of("users", "100")) {
            String extra = "LocalSocketGroup " + group + "\nLocalSocketMode 660\n";
            Path cdir = Files.createDirectories(tmp.resolve("c" + group)), bdir = Files.createDirectories(tmp.resolve("b" + group));
            try (RealClamd clamd = new RealClamd(cdir, fx.db, extra); TestDaemon b = new TestDaemon(bdir, fx.db, extra)) {
                assertEquals(owner(cdir.resolve("clamd.sock")), owner(b.socket), "socket owner, group and mode with " + group);
                assertTrue(owner(b.socket).startsWith("0:100 "), owner(b.socket));
            }
        }
    }

    /** An unknown user, and a socket group the user is not in (clamd sets it as the user), stop the start. */
    @Test
    void refusalsLikeClamd() throws Exception {
        String[][] cases = {{"User no-such-user-bulwark\n", "Can't get information about user no-such-user-bulwark."},
            {"User nobody\nLocalSocketGroup users\n", "Failed to change socket ownership to group users"}};
        int n = 0;
        for (String[] c : cases) {
            Path bdir = runDir("b" + n);
            conf(bdir, Fixtures.freePort(), c[0]);
            Process b = bulwark(bdir, c[0]);
            assertTrue(b.waitFor(60, TimeUnit.SECONDS), "daemon did not exit");
            String out = Files.readString(bdir.resolve("out.log"));
            assertEquals(1, b.exitValue(), out);
            assertTrue(out.contains(c[1]), out);
            if (RealClamd.available()) {
                Path cdir = runDir("c" + n);
                IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                        () -> new RealClamd(cdir, fx.db, c[0]).close());
                assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            }
            n++;
        }
    }

    /** Entry point for the child JVM. */
    public static final class DaemonMain {
        private DaemonMain() {}

        public static void main(String[] args) {
            System.exit(DaemonCommand.run(args));
        }
    }
}
