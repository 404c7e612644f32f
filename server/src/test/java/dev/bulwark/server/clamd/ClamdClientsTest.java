package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xyz.capybara.clamav.ClamavClient;
import xyz.capybara.clamav.commands.scan.result.ScanResult;

/**
 * Real clamd clients (clamdscan, python3-pyclamd, Perl ClamAV::Client, the capybara Java client) run
 * against the real clamd and against Bulwark on the same database and files: same output, same exit code;
 * and the verdicts agree with clamscan.
 */
class ClamdClientsTest {
    @TempDir static Path tmp;
    static Fixtures fx;
    static RealClamd clamd;
    static TestDaemon bulwark;
    static Path clamdTcp, clamdUnix, bulwarkTcp, bulwarkUnix;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        fx = new Fixtures(tmp);
        Path cd = Files.createDirectories(tmp.resolve("clamd"));
        Path bd = Files.createDirectories(tmp.resolve("bulwark"));
        clamd = new RealClamd(cd, fx.db, "");
        bulwark = new TestDaemon(bd, fx.db, "");
        clamdTcp = Files.writeString(cd.resolve("c-tcp.conf"), "TCPSocket " + clamd.port + "\nTCPAddr 127.0.0.1\n");
        clamdUnix = Files.writeString(cd.resolve("c-unix.conf"), "LocalSocket " + clamd.socket + "\n");
        bulwarkTcp = bulwark.clientConf(bd, false);
        bulwarkUnix = bulwark.clientConf(bd, true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (bulwark != null) bulwark.close();
        if (clamd != null) clamd.close();
    }

    record Run(int exit, String out) {}

    static Run run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, null);
    }

    /** Runs a client to completion (60 s at most) with standard input from {@code stdin}, or none. */
    static Run run(List<String> cmd, Path stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (stdin != null) pb.redirectInput(stdin.toFile());
        Process p = pb.start();
        if (stdin == null) p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Run clamdscan(Path conf, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("clamdscan", "--config-file=" + conf, "--no-summary"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static boolean have(String tool) {
        return Files.isExecutable(Path.of("/usr/bin", tool));
    }

    @Test
    void clamdscanSameOutputAsWithClamd() throws Exception {
        Assumptions.assumeTrue(have("clamdscan"));
        String f = fx.files.toString();
        List<String[]> cases = List.of(
                new String[] {"--ping", "1"}, new String[] {"-V"},
                new String[] {"--stream", f + "/eicar.com"}, new String[] {"--stream", f + "/clean.txt"},
                new String[] {f + "/eicar.com"}, new String[] {f + "/clean.txt"}, new String[] {f + "/sub"},
                new String[] {"--allmatch", f + "/eicar.com"}, new String[] {"--allmatch", f + "/sub/body.bin"},
                new String[] {"-m", f + "/cleandir"}, new String[] {f + "/nonexistent"},
                new String[] {"--stream", f + "/sub/e2.com", f + "/clean.txt", f + "/sub/body.bin"});
        for (String[] c : cases) {
            for (boolean unix : new boolean[] {false, true}) {
                Run want = clamdscan(unix ? clamdUnix : clamdTcp, c);
                Run got = clamdscan(unix ? bulwarkUnix : bulwarkTcp, c);
                assertEquals(want, got, (unix ? "unix " : "tcp ") + String.join(" ", c));
            }
        }
        // multiscan of a directory with detections: same lines, any order
        Run want = clamdscan(clamdTcp, "-m", f + "/sub");
        Run got = clamdscan(bulwarkTcp, "-m", f + "/sub");
        assertEquals(want.exit(), got.exit());
        assertEquals(want.out().lines().sorted().toList(), got.out().lines().sorted().toList());
    }

    @Test
    void clamdscanStdinAndReload() throws Exception {
        Assumptions.assumeTrue(have("clamdscan"));
        Process p = new ProcessBuilder("clamdscan", "--config-file=" + bulwarkTcp, "--no-summary", "-")
                .redirectErrorStream(true).start();
        p.getOutputStream().write(Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertEquals("stream: Eicar-Test-Signature.UNOFFICIAL FOUND\n", out);
        Run r = clamdscan(bulwarkTcp, "--reload");
        assertEquals(0, r.exit(), r.out());
        assertEquals(clamdscan(clamdTcp, "--reload").out(), r.out());
    }

    @Test
    void verdictsMatchClamscan() throws Exception {
        Assumptions.assumeTrue(have("clamscan"));
        for (String name : List.of("eicar.com", "clean.txt", "sub/body.bin", "sub/e2.com", "empty")) {
            String file = fx.file(name).toString();
            Run cs = run(List.of("clamscan", "--no-summary", "-d", fx.db.toString(), file));
            Run ds = clamdscan(bulwarkTcp, "--stream", file);
            assertEquals(cs.exit(), ds.exit(), name + "\n" + cs.out() + ds.out());
            String verdict = cs.out().replace("Empty file", "OK").replace(file, "");
            assertEquals(verdict, ds.out().replace(file, ""), name);
        }
    }

    @Test
    void pyclamdSameResults() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/lib/python3/dist-packages/pyclamd")));
        String f = fx.files.toString();
        String script = """
                import sys, pyclamd
                kind, where = sys.argv[1], sys.argv[2]
                c = pyclamd.ClamdUnixSocket(where) if kind == 'unix' else pyclamd.ClamdNetworkSocket('127.0.0.1', int(where))
                print(c.ping())
                print(c.version())
                print(c.scan_stream(open('%1$s/eicar.com','rb').read()))
                print(c.scan_stream(b'clean bytes'))
                print(c.scan_file('%1$s/eicar.com'))
                print(c.scan_file('%1$s/clean.txt'))
                print(sorted(c.contscan_file('%1$s/sub').items()))
                print(sorted(c.multiscan_file('%1$s/sub').items()))
                print(c.allmatchscan('%1$s/eicar.com'))
                print(c.stats().split(chr(10))[0])
                """.formatted(f);
        Path py = Files.writeString(tmp.resolve("client.py"), script);
        for (String kind : List.of("tcp", "unix")) {
            Run want = run(List.of("/usr/bin/python3", py.toString(), kind, kind.equals("tcp") ? "" + clamd.port : clamd.socket.toString()));
            Run got = run(List.of("/usr/bin/python3", py.toString(), kind, kind.equals("tcp") ? "" + bulwark.port() : bulwark.socket.toString()));
            assertEquals(0, want.exit(), want.out());
            assertEquals(want, got, kind);
        }
    }

    @Test
    void perlClamavClientSameResults() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/share/perl5/ClamAV/Client.pm")));
        String f = fx.files.toString();
        String script = """
                use ClamAV::Client;
                my $c = ClamAV::Client->new(socket_host => '127.0.0.1', socket_port => $ARGV[0]);
                print "ping=", ($c->ping ? 1 : 0), "\\n";
                print "version=", $c->version, "\\n";
                my %%r = $c->scan_path('%1$s/eicar.com');
                print map { "$_ => $r{$_}\\n" } sort keys %%r;
                %%r = $c->scan_path('%1$s/clean.txt');
                print "clean=", scalar(keys %%r), "\\n";
                """.formatted(f);
        Path pl = Files.writeString(tmp.resolve("client.pl"), script);
        Run want = run(List.of("perl", pl.toString(), "" + clamd.port));
        Run got = run(List.of("perl", pl.toString(), "" + bulwark.port()));
        assertEquals(0, want.exit(), want.out());
        assertTrue(want.out().contains("Eicar-Test-Signature"), want.out());
        assertEquals(want, got);
    }

    @Test
    void clamdtopParsesStats() throws Exception {
        Assumptions.assumeTrue(have("clamdtop") && have("tmux"));
        String session = "bulwark-clamdtop-" + ProcessHandle.current().pid();
        Path err = tmp.resolve("clamdtop.err");
        run(List.of("tmux", "new", "-d", "-s", session, "-x", "150", "-y", "30",
                "TERM=xterm clamdtop --config-file=" + bulwarkTcp + " 2>" + err + "; sleep 10"));
        try {
            String screen = "";
            for (int i = 0; i < 50 && !screen.contains("Primary threads"); i++) {
                Thread.sleep(100);
                screen = run(List.of("tmux", "capture-pane", "-p", "-t", session)).out();
            }
            assertTrue(screen.contains("Primary threads: live"), screen);
            assertTrue(screen.contains("ClamAV 1.4.6"), screen);
            assertTrue(!Files.exists(err) || Files.readString(err).isEmpty(), Files.exists(err) ? Files.readString(err) : "");
        } finally {
            run(List.of("tmux", "kill-session", "-t", session));
        }
    }

    @Test
    void capybaraJavaClient() throws Exception {
        ClamavClient c = new ClamavClient("127.0.0.1", bulwark.port());
        c.ping();
        assertEquals(new ClamavClient("127.0.0.1", clamd.port).version(), c.version());
        ScanResult r = c.scan(new ByteArrayInputStream(Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1)));
        ScanResult.VirusFound v = assertInstanceOf(ScanResult.VirusFound.class, r);
        assertEquals(List.of("Eicar-Test-Signature.UNOFFICIAL"), List.copyOf(v.getFoundViruses().get("stream")));
        assertInstanceOf(ScanResult.OK.class, c.scan(new ByteArrayInputStream("fine".getBytes(StandardCharsets.US_ASCII))));
        ScanResult.VirusFound dir = assertInstanceOf(ScanResult.VirusFound.class, c.parallelScan(fx.file("sub")));
        assertEquals(2, dir.getFoundViruses().size(), dir.toString());
        assertInstanceOf(ScanResult.OK.class, c.scan(fx.file("cleandir"), true));
        assertTrue(c.stats().startsWith("POOLS: 1"));
        c.reloadVirusDatabases();
        c.ping();
    }
}
