package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptor passing ({@code FILDES}): the real {@code clamdscan --fdpass} and a Python client passing
 * descriptors with {@code SCM_RIGHTS} get the same replies from Bulwark as from the real clamd on the same
 * database and files (descriptor numbers in {@code fd[N]} are each daemon's own and are masked), verdicts
 * agree with clamscan, and without the Java 22 part of the jar FILDES answers as a clamd built without
 * descriptor passing.
 */
class ClamdFdPassTest {
    /** Bigger than FildesScan's copy limit, so the mapped path is exercised. */
    private static final int LARGE = 20 << 20;
    @TempDir static Path tmp;
    static Fixtures fx;
    static RealClamd clamd;
    static TestDaemon bulwark;
    static Path clamdUnix, bulwarkUnix;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        assertTrue(ClamdServer.fdPassing(), "the test JVM runs Java 22+ with the FFM part on the class path: "
                + ClamdServer.fdPassingStatus());
        fx = new Fixtures(tmp);
        byte[] large = new byte[LARGE];
        byte[] marker = ("  " + Fixtures.BODY_MARKER).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, large, LARGE - marker.length - 100, marker.length);
        Files.write(fx.file("large.bin"), large);
        Path cd = Files.createDirectories(tmp.resolve("clamd"));
        Path bd = Files.createDirectories(tmp.resolve("bulwark"));
        clamd = new RealClamd(cd, fx.db, "");
        bulwark = new TestDaemon(bd, fx.db, "");
        clamdUnix = Files.writeString(cd.resolve("c-unix.conf"), "LocalSocket " + clamd.socket + "\n");
        bulwarkUnix = bulwark.clientConf(bd, true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (bulwark != null) bulwark.close();
        if (clamd != null) clamd.close();
    }

    record Run(int exit, String out) {}

    static Run run(List<String> cmd, Path stdin) throws IOException, InterruptedException {
        ClamdClientsTest.Run r = ClamdClientsTest.run(cmd, stdin);
        return new Run(r.exit(), mask(r.out()));
    }

    /** Descriptor numbers are the daemon's own: {@code fd[12]} becomes {@code fd[N]}. */
    static String mask(String s) {
        return s.replaceAll("fd\\[\\d+\\]", "fd[N]");
    }

    static Run clamdscan(Path conf, Path stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("clamdscan", "--config-file=" + conf, "--no-summary", "--fdpass"));
        cmd.addAll(List.of(args));
        return run(cmd, stdin);
    }

    static boolean have(String tool) {
        return Files.isExecutable(Path.of("/usr/bin", tool));
    }

    @Test
    void clamdscanFdpassSameAsClamd() throws Exception {
        Assumptions.assumeTrue(have("clamdscan"));
        String f = fx.files.toString();
        List<String[]> cases = List.of(new String[] {f + "/eicar.com"}, new String[] {f + "/clean.txt"},
                new String[] {f + "/sub/body.bin"}, new String[] {f + "/empty"}, new String[] {f + "/large.bin"},
                new String[] {f + "/sub"}, new String[] {f + "/cleandir"}, new String[] {f + "/nonexistent"},
                new String[] {f + "/eicar.com", f + "/clean.txt", f + "/sub/e2.com"}, new String[] {"-m", f + "/cleandir"});
        for (String[] c : cases) {
            Run want = clamdscan(clamdUnix, null, c);
            Run got = clamdscan(bulwarkUnix, null, c);
            assertEquals(want, got, String.join(" ", c));
        }
        // multiscan with detections: same lines, any order
        Run want = clamdscan(clamdUnix, null, "-m", f + "/sub");
        Run got = clamdscan(bulwarkUnix, null, "-m", f + "/sub");
        assertEquals(want.exit(), got.exit());
        assertEquals(want.out().lines().sorted().toList(), got.out().lines().sorted().toList());
        // standard input that is a file is passed as descriptor 0 and named fd[N]
        for (String name : List.of("eicar.com", "clean.txt", "sub/body.bin")) {
            Run w = clamdscan(clamdUnix, fx.file(name), "-");
            Run g = clamdscan(bulwarkUnix, fx.file(name), "-");
            assertEquals(w, g, "stdin " + name);
            assertTrue(g.out().startsWith("fd[N]: "), g.out());
        }
    }

    @Test
    void verdictsMatchClamscan() throws Exception {
        Assumptions.assumeTrue(have("clamscan") && have("clamdscan"));
        for (String name : List.of("eicar.com", "clean.txt", "sub/body.bin", "sub/e2.com", "empty", "large.bin")) {
            String file = fx.file(name).toString();
            Run cs = run(List.of("clamscan", "--no-summary", "-d", fx.db.toString(), file), null);
            Run ds = clamdscan(bulwarkUnix, null, file);
            assertEquals(cs.exit(), ds.exit(), name + "\n" + cs.out() + ds.out());
            assertEquals(cs.out().replace("Empty file", "OK"), ds.out(), name);
        }
    }

    @Test
    void rawFildesCasesSameAsClamd() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")));
        Path script = Path.of(ClamdFdPassTest.class.getResource("fildes_cases.py").toURI());
        Run want = run(List.of("/usr/bin/python3", script.toString(), clamd.socket.toString(), String.valueOf(clamd.port),
                fx.files.toString()), null);
        Run got = run(List.of("/usr/bin/python3", script.toString(), bulwark.socket.toString(), String.valueOf(bulwark.port()),
                fx.files.toString()), null);
        assertEquals(0, want.exit(), want.out());
        List<String> w = want.out().lines().toList();
        List<String> g = got.out().lines().toList();
        assertEquals(34, w.size(), want.out());
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            if (!w.get(i).equals(i < g.size() ? g.get(i) : null)) diffs.add("clamd:   " + w.get(i) + "\nbulwark: " + (i < g.size() ? g.get(i) : "-"));
        }
        assertTrue(diffs.isEmpty(), String.join("\n", diffs));
        assertTrue(g.stream().anyMatch(l -> l.startsWith("infected\t") && l.contains("fd[N]: Eicar-Test-Signature.UNOFFICIAL FOUND")), got.out());
    }

    /**
     * Without the multi-release part (a Java 21 runtime ignores META-INF/versions/22; here the directory is
     * left off the class path of a child JVM), FILDES answers as clamd built without descriptor passing.
     */
    @Test
    void withoutTheJava22PartFildesIsNotCompiledIn() throws Exception {
        Assumptions.assumeTrue(have("clamdscan"));
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("META-INF" + File.separator + "versions"))
                .collect(Collectors.joining(File.pathSeparator));
        Path dir = Files.createDirectories(tmp.resolve("nofd"));
        int port = Fixtures.freePort();
        Path sock = dir.resolve("s.sock");
        Path conf = Files.writeString(dir.resolve("d.conf"), "TCPSocket " + port + "\nTCPAddr 127.0.0.1\nLocalSocket " + sock
                + "\nDatabaseDirectory " + fx.db + "\nTemporaryDirectory " + dir + "\nSelfCheck 0\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                DaemonMain.class.getName(), "--config", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        try {
            awaitPong(port, p, dir.resolve("out.log"));
            assertTrue(Files.readString(dir.resolve("out.log")).contains("fildes=\"off: FFM implementation not in this build\""),
                    Files.readString(dir.resolve("out.log")));
            Path client = Files.writeString(dir.resolve("c.conf"), "LocalSocket " + sock + "\n");
            Run r = clamdscan(client, null, fx.file("eicar.com").toString());
            assertEquals(2, r.exit(), r.out());
            assertTrue(r.out().contains("FILDES support not compiled in"), r.out());
            assertEquals("FILDES support not compiled in. ERROR\0",
                    new String(RealClamd.exchange(port, "zFILDES\0\0".getBytes(StandardCharsets.US_ASCII), 5000), StandardCharsets.ISO_8859_1));
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    private static void awaitPong(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!p.isAlive()) throw new AssertionError("daemon exited: " + Files.readString(log));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("zPING\0".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                if (new String(in.readAllBytes(), StandardCharsets.US_ASCII).equals("PONG\0")) return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw new AssertionError("daemon did not come up: " + Files.readString(log), e);
                Thread.sleep(50);
            }
        }
    }

    /** Entry point for the child JVM. */
    public static final class DaemonMain {
        private DaemonMain() {}

        public static void main(String[] args) {
            System.exit(dev.bulwark.server.DaemonCommand.run(args));
        }
    }
}
