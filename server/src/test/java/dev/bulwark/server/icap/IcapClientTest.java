package dev.bulwark.server.icap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.TestDaemon;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ICAP server driven by c-icap-client (OPTIONS, RESPMOD, REQMOD, preview, 204, -no204) and by raw sockets. */
class IcapClientTest {
    @TempDir static Path tmp;
    static Fixtures fx;
    static TestDaemon bulwark;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        fx = new Fixtures(tmp);
        bulwark = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db, "BulwarkIcapPort 0\nReadTimeout 5\n");
        port = bulwark.daemon.icapPort();
    }

    @AfterAll
    static void stop() {
        if (bulwark != null) bulwark.close();
    }

    record Run(int exit, String out) {}

    static Run client(String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/c-icap-client")), "c-icap-client not installed");
        List<String> cmd = new ArrayList<>(List.of("c-icap-client", "-i", "127.0.0.1", "-p", "" + port, "-s", "avscan"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    static String istag(String out) {
        Matcher m = Pattern.compile("ISTag: (\"[^\"]*\")").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    @Test
    void options() throws Exception {
        Run r = client();
        assertTrue(r.out().contains("ICAP/1.0 200 OK"), r.out());
        assertTrue(r.out().contains("Methods: RESPMOD, REQMOD"), r.out());
        assertTrue(r.out().contains("Allow 204: Yes"), r.out());
        assertTrue(r.out().contains("Preview: 1024"), r.out());
        assertTrue(istag(r.out()).length() <= 34);
    }

    @Test
    void respmodInfectedGetsBlockPage() throws Exception {
        Path out = tmp.resolve("blocked.html");
        Run r = client("-f", fx.file("eicar.com").toString(), "-v", "-o", out.toString());
        assertTrue(r.out().contains("ICAP/1.0 200 OK"), r.out());
        assertTrue(r.out().contains("X-Infection-Found: Type=0; Resolution=2; Threat=Eicar-Test-Signature.UNOFFICIAL;"), r.out());
        assertTrue(r.out().contains("X-Violations-Found: 1"), r.out());
        assertTrue(r.out().contains("X-Virus-ID: Eicar-Test-Signature.UNOFFICIAL"), r.out());
        String page = Files.readString(out);
        assertTrue(page.contains("VIRUS FOUND") && page.contains("Eicar-Test-Signature.UNOFFICIAL"), page);
    }

    @Test
    void respmodCleanIs204() throws Exception {
        Run r = client("-f", fx.file("clean.txt").toString(), "-v");
        assertTrue(r.out().contains("ICAP/1.0 204"), r.out());
        assertFalse(r.out().contains("X-Infection-Found"), r.out());
    }

    @Test
    void reqmodUploadInfectedAndClean() throws Exception {
        Run bad = client("-req", "http://upload.example/submit", "-method", "POST", "-f", fx.file("sub/body.bin").toString(), "-v");
        assertTrue(bad.out().contains("Threat=Bulwark.Test.Body.UNOFFICIAL;"), bad.out());
        Run good = client("-req", "http://upload.example/submit", "-method", "POST", "-f", fx.file("clean.txt").toString(), "-v");
        assertTrue(good.out().contains("ICAP/1.0 204"), good.out());
    }

    @Test
    void previewThen100ContinueForLargeBodies() throws Exception {
        byte[] big = new byte[200_000];
        new Random(1).nextBytes(big);
        byte[] eicar = Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1);
        Path clean = Files.write(tmp.resolve("big.bin"), big);
        // the infected one carries the body signature past the preview
        byte[] marked = big.clone();
        byte[] marker = Fixtures.BODY_MARKER.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(marker, 0, marked, 150_000, marker.length);
        Path bad = Files.write(tmp.resolve("big-bad.bin"), marked);
        assertTrue(client("-f", clean.toString(), "-w", "1024", "-v").out().contains("ICAP/1.0 204"));
        assertTrue(client("-f", bad.toString(), "-w", "1024", "-v").out().contains("Threat=Bulwark.Test.Body.UNOFFICIAL;"));
        assertTrue(client("-f", bad.toString(), "-nopreview", "-v").out().contains("Threat=Bulwark.Test.Body.UNOFFICIAL;"));
        assertTrue(eicar.length > 0);
    }

    @Test
    void without204TheBodyIsEchoedUnchanged() throws Exception {
        byte[] data = new byte[50_000];
        new Random(2).nextBytes(data);
        Path in = Files.write(tmp.resolve("echo.bin"), data);
        Path out = tmp.resolve("echo.out");
        Run r = client("-f", in.toString(), "-no204", "-nopreview", "-o", out.toString(), "-v");
        assertTrue(r.out().contains("ICAP/1.0 200 OK"), r.out());
        assertArrayEquals(data, Files.readAllBytes(out));
    }

    @Test
    void without204ABodyLongerThanThePreviewIsEchoedAfter100Continue() throws Exception {
        // RFC 3507 4.6: without "Allow: 204" the server must not answer 204 once it has the whole message
        // (c-icap-client -no204: "Do not allow204 outside preview"; Squid omits Allow: 204 for bodies it cannot buffer)
        byte[] data = new byte[60_000];
        new Random(3).nextBytes(data);
        Path in = Files.write(tmp.resolve("echo-preview.bin"), data);
        Path out = tmp.resolve("echo-preview.out");
        Run r = client("-f", in.toString(), "-no204", "-w", "1024", "-o", out.toString(), "-v");
        assertTrue(r.out().contains("ICAP/1.0 200 OK"), r.out());
        assertFalse(r.out().contains("ICAP/1.0 204"), r.out());
        assertArrayEquals(data, Files.readAllBytes(out));
        // a body that fits in the preview (ieof) may still get 204: that is an answer to the preview
        Path small = Files.write(tmp.resolve("small-preview.bin"), java.util.Arrays.copyOf(data, 100));
        assertTrue(client("-f", small.toString(), "-no204", "-w", "1024", "-v").out().contains("ICAP/1.0 204"));
    }

    @Test
    void istagChangesWhenTheDatabaseChanges() throws Exception {
        String before = istag(client().out());
        Files.writeString(fx.db.resolve("extra.ndb"), "Bulwark.Extra:0:*:" + Fixtures.hex("another-marker") + "\n");
        try {
            bulwark.daemon.reload();
            String after = istag(client().out());
            assertNotEquals(before, after);
        } finally {
            Files.delete(fx.db.resolve("extra.ndb"));
            bulwark.daemon.reload();
        }
        assertEquals(before, istag(client().out()));
    }

    @Test
    void malformedRequestsGetIcapErrorsAndServerKeepsServing() throws Exception {
        assertTrue(raw("GARBAGE\r\n\r\n").startsWith("ICAP/1.0 400"));
        assertTrue(raw("OPTIONS icap://127.0.0.1/avscan ICAP/9.9\r\n\r\n").startsWith("ICAP/1.0 505"));
        assertTrue(raw("OPTIONS icap://127.0.0.1/nosuch ICAP/1.0\r\n\r\n").startsWith("ICAP/1.0 404"));
        assertTrue(raw("DELETE icap://127.0.0.1/avscan ICAP/1.0\r\n\r\n").startsWith("ICAP/1.0 405"));
        assertTrue(raw("RESPMOD icap://127.0.0.1/avscan ICAP/1.0\r\nEncapsulated: res-body=0\r\n\r\nzz\r\n").startsWith("ICAP/1.0 400"));
        assertTrue(raw("OPTIONS icap://127.0.0.1/avscan ICAP/1.0\r\n" + "X: y\r\n".repeat(20_000) + "\r\n").startsWith("ICAP/1.0 400"));
        assertTrue(client().out().contains("ICAP/1.0 200 OK"));
    }

    @Test
    void bodiesOverStreamMaxLengthAreScannedUpToTheLimit() throws Exception {
        try (TestDaemon small = new TestDaemon(Files.createDirectories(tmp.resolve("small")), fx.db,
                "BulwarkIcapPort 0\nStreamMaxLength 1K\n")) {
            int saved = port;
            port = small.daemon.icapPort();
            try {
                byte[] body = new byte[5000];
                byte[] eicar = Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1);
                byte[] marker = Fixtures.BODY_MARKER.getBytes(StandardCharsets.ISO_8859_1);
                System.arraycopy(marker, 0, body, 10, marker.length);
                Path early = Files.write(tmp.resolve("early.bin"), body);
                body = new byte[5000];
                System.arraycopy(marker, 0, body, 4000, marker.length);
                Path late = Files.write(tmp.resolve("late.bin"), body);
                assertTrue(client("-f", early.toString(), "-v").out().contains("Threat=Bulwark.Test.Body.UNOFFICIAL;"));
                assertTrue(client("-f", late.toString(), "-v").out().contains("ICAP/1.0 204"), "beyond the limit: not scanned, as clamdscan truncates");
                assertTrue(client("-f", late.toString(), "-v", "-no204", "-nopreview").out().contains("ICAP/1.0 500"),
                        "a body we did not keep whole cannot be echoed");
                assertTrue(client().out().contains("ICAP/1.0 200 OK"), "still serving");
                assertTrue(eicar.length > 0);
            } finally {
                port = saved;
            }
        }
    }

    static String raw(String req) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            try {
                o.write(req.getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // the server may answer and close before we finish sending an oversized head
            }
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(200), StandardCharsets.ISO_8859_1);
        }
    }
}
