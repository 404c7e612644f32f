package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code VirusEvent}: the same command runs with the same arguments and environment under the real clamd
 * and under Bulwark for a path scan; only the detection's scan triggers it.
 */
class VirusEventTest {
    @TempDir Path tmp;

    static String handler(Path out) {
        // %v on the command line, the file name only in the environment, %f replaced by clamd's notice
        return "VirusEvent /bin/sh -c 'printf \"%s|%s|%s|%s\\n\" \"$0\" \"$CLAM_VIRUSEVENT_VIRUSNAME\" "
                + "\"$CLAM_VIRUSEVENT_FILENAME\" \"$(env | sort | tr \"\\\\n\" ,)\" >> " + out + "' %v\n";
    }

    @Test
    void sameCommandAndEnvironmentAsClamd() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        Fixtures fx = new Fixtures(tmp);
        Path cOut = tmp.resolve("clamd.events");
        Path bOut = tmp.resolve("bulwark.events");
        try (RealClamd clamd = new RealClamd(Files.createDirectories(tmp.resolve("c")), fx.db, handler(cOut));
             TestDaemon bulwark = new TestDaemon(Files.createDirectories(tmp.resolve("b")), fx.db, handler(bOut))) {
            for (String f : List.of("eicar.com", "clean.txt", "sub/body.bin")) {
                byte[] req = ("zSCAN " + fx.file(f) + "\0").getBytes(StandardCharsets.UTF_8);
                assertEquals(new String(RealClamd.exchange(clamd.port, req, 10_000), StandardCharsets.UTF_8),
                        new String(RealClamd.exchange(bulwark.port(), req, 10_000), StandardCharsets.UTF_8));
            }
        }
        String want = Files.readString(cOut);
        assertEquals(2, want.lines().count(), want);
        assertEquals(want, Files.readString(bOut));
        assertTrue(want.contains("|Eicar-Test-Signature.UNOFFICIAL|" + tmp.resolve("files/eicar.com") + "|"), want);
    }

    private static byte[] instream(String content) {
        byte[] data = content.getBytes(StandardCharsets.ISO_8859_1);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + 4 + data.length + 4);
        b.put("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data).putInt(0);
        return b.array();
    }

    /** Runs clamdscan with {@code args} against the daemon's UNIX socket; returns its output. */
    private static String clamdscan(Path dir, Path socket, String... args) throws Exception {
        Path conf = Files.writeString(dir.resolve("client.conf"), "LocalSocket " + socket + "\n");
        List<String> cmd = new java.util.ArrayList<>(List.of("clamdscan", "--config-file=" + conf, "--no-summary"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /**
     * The file name of a stream ({@code instream(ADDR@PORT)} over TCP, {@code instream(local)} over the UNIX
     * socket) and of a passed descriptor (its path) in the handler's environment, as clamd (client ports masked).
     */
    @Test
    void streamAndDescriptorNamesAsClamd() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        Fixtures fx = new Fixtures(tmp);
        Path cOut = tmp.resolve("clamd.events"), bOut = tmp.resolve("bulwark.events");
        Path cdir = Files.createDirectories(tmp.resolve("c")), bdir = Files.createDirectories(tmp.resolve("b"));
        try (RealClamd clamd = new RealClamd(cdir, fx.db, handler(cOut)); TestDaemon bulwark = new TestDaemon(bdir, fx.db, handler(bOut))) {
            byte[] req = instream(Fixtures.EICAR);
            assertEquals(new String(RealClamd.exchange(clamd.port, req, 10_000), StandardCharsets.UTF_8),
                    new String(RealClamd.exchange(bulwark.port(), req, 10_000), StandardCharsets.UTF_8));
            assertEquals(new String(RealClamd.exchangeUnix(clamd.socket, req, 10_000), StandardCharsets.UTF_8),
                    new String(RealClamd.exchangeUnix(bulwark.socket, req, 10_000), StandardCharsets.UTF_8));
            if (ClamdFdPassAvailable.check()) {
                String f = fx.file("eicar.com").toString();
                assertEquals(clamdscan(cdir, clamd.socket, "--fdpass", f), clamdscan(bdir, bulwark.socket, "--fdpass", f));
            }
        }
        String want = Files.readString(cOut).replaceAll("@[0-9]+\\)", "@PORT)");
        assertTrue(want.contains("|instream(127.0.0.1@PORT)|") && want.contains("|instream(local)|"), want);
        if (ClamdFdPassAvailable.check()) assertTrue(want.contains("|" + fx.file("eicar.com") + "|"), want);
        assertEquals(want, Files.readString(bOut).replaceAll("@[0-9]+\\)", "@PORT)"));
    }

    /** Whether clamdscan is installed and this JVM receives descriptors (the Java 22 part). */
    private static final class ClamdFdPassAvailable {
        static boolean check() {
            return Files.isExecutable(Path.of("/usr/bin/clamdscan")) && Runtime.version().feature() >= 22;
        }
    }

    @Test
    void percentFIsReplacedAsInClamd() {
        assertEquals("x Eicar " + VirusEvent.FILENAME_DISABLED + " %", VirusEvent.expand("x %v %f %", "Eicar"));
    }
}
