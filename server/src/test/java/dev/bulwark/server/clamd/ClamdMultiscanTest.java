package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MULTISCAN of a tree larger than the work queue between the walk and the workers (so the walk waits for
 * the workers), over TCP (a virtual-thread session) and the UNIX socket, cold and from the clean-file
 * cache: the same lines as the real clamd's, in any order. And a client that leaves in the middle of a
 * MULTISCAN: its workers end, and the daemon keeps answering.
 */
class ClamdMultiscanTest {
    /** Files in the tree: well above PathScan's queue of 256. */
    private static final int FILES = 700;
    @TempDir static Path tmp;
    static Fixtures fx;
    static Path tree;
    static RealClamd clamd;
    static TestDaemon bulwark;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        fx = new Fixtures(tmp);
        tree = Files.createDirectories(tmp.resolve("tree"));
        for (int i = 0; i < FILES; i++) {
            Path dir = Files.createDirectories(tree.resolve("d" + (i % 7)).resolve("e" + (i % 3)));
            String body = switch (i % 50) {
                case 0 -> Fixtures.EICAR;
                case 1 -> "text before " + Fixtures.BODY_MARKER + " and after " + i;
                default -> ("clean file " + i + "\n").repeat(1 + i % 40);
            };
            Files.writeString(dir.resolve("f" + i + ".txt"), body, StandardCharsets.ISO_8859_1);
        }
        Files.write(tree.resolve("d0/empty.bin"), new byte[0]);
        byte[] big = new byte[3 << 20]; // above the engine's 1 MiB read chunk
        Arrays.fill(big, (byte) 'x');
        byte[] marker = Fixtures.BODY_MARKER.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(marker, 0, big, big.length - marker.length - 7, marker.length);
        Files.write(tree.resolve("d1/big.bin"), big);
        clamd = new RealClamd(Files.createDirectories(tmp.resolve("clamd")), fx.db, "MaxThreads 2\n");
        bulwark = new TestDaemon(Files.createDirectories(tmp.resolve("bulwark")), fx.db, "MaxThreads 2\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (bulwark != null) bulwark.close();
        if (clamd != null) clamd.close();
    }

    @Test
    void sameLinesAsClamdOverTcpAndUnixSocketColdAndCached() throws Exception {
        byte[] req = ("zMULTISCAN " + tree + "\0").getBytes(StandardCharsets.ISO_8859_1);
        List<String> want = sortedLines(RealClamd.exchange(clamd.port, req, 30_000));
        assertEquals(FILES / 50 * 2 + 1 + 1, want.size(), String.join("\n", want)); // detections, big.bin, final empty
        for (int round = 0; round < 2; round++) { // the second round comes from the clean-file cache
            assertEquals(want, sortedLines(RealClamd.exchange(bulwark.port(), req, 30_000)), "TCP, round " + round);
            assertEquals(want, sortedLines(RealClamd.exchangeUnix(bulwark.socket, req, 30_000)), "UNIX socket, round " + round);
        }
        assertTrue(bulwark.daemon.service().cache().hits.sum() > 0, "the second round hit the clean-file cache");
    }

    @Test
    void clientLeavingMidScanEndsTheWorkers() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket("127.0.0.1", bulwark.port())) {
                OutputStream o = s.getOutputStream();
                o.write(("zMULTISCAN " + tree + "\0").getBytes(StandardCharsets.ISO_8859_1));
                o.flush();
                s.getInputStream().read(); // the first reply line has started: the scan is under way
            }
        }
        // every worker ends (they drain the queue once a reply cannot be sent, or the walk is done)
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (workers() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(0, workers(), "clamd-multiscan threads left");
        assertEquals("PONG\0", new String(RealClamd.exchange(bulwark.port(), "zPING\0".getBytes(StandardCharsets.US_ASCII), 10_000),
                StandardCharsets.US_ASCII));
        byte[] req = ("zMULTISCAN " + tree + "/d0\0").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(sortedLines(RealClamd.exchange(clamd.port, req, 30_000)), sortedLines(RealClamd.exchange(bulwark.port(), req, 30_000)));
    }

    private static long workers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("clamd-multiscan")).count();
    }

    static List<String> sortedLines(byte[] reply) throws IOException {
        List<String> l = new ArrayList<>(Arrays.asList(new String(reply, StandardCharsets.ISO_8859_1).split("\0", -1)));
        l.sort(null);
        return l;
    }
}
