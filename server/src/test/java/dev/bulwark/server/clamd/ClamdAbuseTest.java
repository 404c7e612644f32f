package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.PeakSampler;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misbehaving clients on loopback, bounded in count and time: many concurrent INSTREAM clients, streams over
 * the limit, clients that stop or stall mid-chunk, slow clients and garbage. Each gets clamd's answer and
 * the daemon keeps serving everyone else.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClamdAbuseTest {
    /** Concurrent clients: ten times MaxQueue, so most of them wait in the listen backlog. */
    static final int CLIENTS = 500;
    static final int MAX_QUEUE = 50;
    /** Threads besides the local sessions that may appear during a run (sampler, carriers, JDK helpers). */
    static final int THREAD_SLACK = 24;
    @TempDir static Path tmp;
    static Fixtures fx;
    static TestDaemon bulwark;
    /**
     * The floods run against a daemon with clamd's default timeouts (on a loaded 2-CPU machine a client
     * may wait seconds for its turn) and a listen backlog that holds every waiting client: the JDK
     * connects UNIX sockets from virtual threads without blocking, so a full backlog would refuse them.
     */
    static TestDaemon flood;

    @BeforeAll
    static void start() throws Exception {
        fx = new Fixtures(tmp);
        bulwark = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db,
                "StreamMaxLength 1M\nCommandReadTimeout 2\nReadTimeout 3\nMaxQueue " + MAX_QUEUE + "\nMaxThreads 4\n");
        flood = new TestDaemon(Files.createDirectories(tmp.resolve("f")), fx.db,
                "StreamMaxLength 1M\nMaxQueue " + MAX_QUEUE + "\nMaxThreads 4\nMaxConnectionQueueLength " + (2 * CLIENTS) + "\n");
    }

    @AfterAll
    static void stop() {
        if (bulwark != null) bulwark.close();
        if (flood != null) flood.close();
    }

    static byte[] chunk(byte[] d) {
        return ByteBuffer.allocate(4 + d.length).putInt(d.length).put(d).array();
    }

    static void assertServing() throws Exception {
        assertEquals("PONG\0", new String(RealClamd.exchange(bulwark.port(), "zPING\0".getBytes(StandardCharsets.US_ASCII), 10_000),
                StandardCharsets.ISO_8859_1));
    }

    /** Sends {@code request} over the UNIX socket in one write, then reads until the server closes. */
    static byte[] exchangeUnix(TestDaemon d, byte[] request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(d.socket))) {
            ch.write(ByteBuffer.wrap(request));
            return Channels.newInputStream(ch).readAllBytes();
        }
    }

    static long spoolFiles(TestDaemon d) throws Exception {
        try (var s = Files.list(d.conf.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("bulwark-stream-")).count();
        }
    }

    @Test
    void manyConcurrentInstreamClientsTcp() throws Exception {
        try (PeakSampler ps = new PeakSampler(CLIENTS + " concurrent INSTREAM clients x 64 KiB, TCP")) {
            manyConcurrentInstreamClients(false);
        }
    }

    /** The UNIX socket is served through FFM on platform threads: at most MaxQueue of them at once. */
    @Test
    void manyConcurrentInstreamClientsUnix() throws Exception {
        PeakSampler ps = new PeakSampler(CLIENTS + " concurrent INSTREAM clients x 64 KiB, UNIX socket");
        try (ps) {
            manyConcurrentInstreamClients(true);
        }
        if (ClamdServer.fdPassing()) {
            assertTrue(ps.figures().peakThreads() - ps.figures().threads0() <= MAX_QUEUE + THREAD_SLACK, ps.figures().line());
        }
    }

    void manyConcurrentInstreamClients(boolean unix) throws Exception {
        byte[] eicar = Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1);
        byte[] filler = new byte[64 * 1024];
        new Random(3).nextBytes(filler);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                boolean infected = i % 2 == 0;
                replies.add(ex.submit(() -> {
                    ByteArrayOutputStream req = new ByteArrayOutputStream();
                    req.writeBytes("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
                    req.writeBytes(chunk(filler));
                    if (infected) req.writeBytes(chunk(("xx" + Fixtures.BODY_MARKER).getBytes(StandardCharsets.US_ASCII)));
                    req.writeBytes(new byte[4]);
                    byte[] reply = unix ? exchangeUnix(flood, req.toByteArray()) : RealClamd.exchange(flood.port(), req.toByteArray(), 120_000);
                    return new String(reply, StandardCharsets.ISO_8859_1);
                }));
            }
            for (int i = 0; i < CLIENTS; i++) {
                String want = i % 2 == 0 ? "stream: Bulwark.Test.Body.UNOFFICIAL FOUND\0" : "stream: OK\0";
                assertEquals(want, replies.get(i).get(3, TimeUnit.MINUTES), "client " + i);
            }
            assertTrue(eicar.length == 68);
        }
        assertEquals("PONG\0", new String(RealClamd.exchange(flood.port(), "zPING\0".getBytes(StandardCharsets.US_ASCII), 10_000),
                StandardCharsets.ISO_8859_1));
        assertEquals(0, spoolFiles(flood), "every spooled stream was deleted");
    }

    @Test
    void streamOverTheLimitIsRefusedAndReplyArrives() throws Exception {
        try (PeakSampler ps = new PeakSampler("stream over StreamMaxLength")) {
            byte[] big = new byte[700_000];
            byte[] req = ByteBuffer.allocate(10 + 2 * (4 + big.length) + 4).put("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII))
                    .put(chunk(big)).put(chunk(big)).putInt(0).array();
            assertEquals("INSTREAM size limit exceeded. ERROR\0",
                    new String(RealClamd.exchange(bulwark.port(), req, 10_000), StandardCharsets.ISO_8859_1));
            assertServing();
        }
    }

    @Test
    void clientStoppingMidChunk() throws Exception {
        try (PeakSampler ps = new PeakSampler("client stopping / stalling mid-chunk")) {
            try (Socket s = new Socket("127.0.0.1", bulwark.port())) {
                OutputStream o = s.getOutputStream();
                o.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
                o.write(new byte[] {0, 0, 3, (byte) 0xe8});
                o.write(new byte[10]);
                o.flush();
            } // closed with 990 bytes of the chunk missing
            assertServing();
            // the same client, but stalling instead of closing: ReadTimeout answers it
            try (Socket s = new Socket("127.0.0.1", bulwark.port())) {
                s.setSoTimeout(20_000);
                OutputStream o = s.getOutputStream();
                o.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
                o.write(new byte[] {0, 0, 3, (byte) 0xe8, 1, 2, 3});
                o.flush();
                assertEquals("COMMAND READ TIMED OUT\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            assertServing();
        }
    }

    @Test
    void slowClients() throws Exception {
        try (PeakSampler ps = new PeakSampler("one byte a second (slowloris)")) {
            // one byte a second of a command: CommandReadTimeout counts from the connection, not per byte
            try (Socket s = new Socket("127.0.0.1", bulwark.port())) {
                s.setSoTimeout(20_000);
                OutputStream o = s.getOutputStream();
                InputStream in = s.getInputStream();
                try {
                    for (byte b : "zPING".getBytes(StandardCharsets.US_ASCII)) {
                        o.write(b);
                        o.flush();
                        Thread.sleep(1000);
                    }
                } catch (java.net.SocketException closed) {
                    // the server gave up on us, as it should
                }
                assertEquals("COMMAND READ TIMED OUT\n", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            // a slow stream that keeps sending stays alive (ReadTimeout restarts with each piece of data)
            try (Socket s = new Socket("127.0.0.1", bulwark.port())) {
                s.setSoTimeout(20_000);
                OutputStream o = s.getOutputStream();
                o.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
                byte[] body = ("a" + Fixtures.BODY_MARKER).getBytes(StandardCharsets.US_ASCII);
                o.write(ByteBuffer.allocate(4).putInt(body.length).array());
                for (int i = 0; i < body.length; i += 6) {
                    o.write(body, i, Math.min(6, body.length - i));
                    o.flush();
                    Thread.sleep(1000);
                }
                o.write(new byte[4]);
                o.flush();
                assertEquals("stream: Bulwark.Test.Body.UNOFFICIAL FOUND\0", new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            assertServing();
        }
    }

    /** The FFM-served UNIX socket honours the same deadlines: the watchdog's shutdown wakes recvmsg. */
    @Test
    void slowAndStallingClientsUnixSocket() throws Exception {
        try (PeakSampler ps = new PeakSampler("one byte a second + stall mid-chunk, UNIX socket")) {
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bulwark.socket))) {
                try {
                    for (byte b : "zPING".getBytes(StandardCharsets.US_ASCII)) {
                        ch.write(ByteBuffer.wrap(new byte[] {b}));
                        Thread.sleep(1000);
                    }
                } catch (java.io.IOException closed) {
                    // the server gave up on us, as it should
                }
                assertEquals("COMMAND READ TIMED OUT\n", new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bulwark.socket))) {
                ch.write(ByteBuffer.wrap("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII)));
                ch.write(ByteBuffer.wrap(new byte[] {0, 0, 3, (byte) 0xe8, 1, 2, 3}));
                assertEquals("COMMAND READ TIMED OUT\n", new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            assertEquals("PONG\0", new String(exchangeUnix(bulwark, "zPING\0".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void garbageAndMalformedFraming() throws Exception {
        try (PeakSampler ps = new PeakSampler("100 garbage connections + bad session")) {
            Random r = new Random(11);
            for (int i = 0; i < 100; i++) {
                byte[] junk = new byte[r.nextInt(1, 9000)];
                r.nextBytes(junk);
                if (i % 3 == 0) junk[0] = 'z';
                if (i % 3 == 1) junk[0] = 'n';
                byte[] reply = RealClamd.exchange(bulwark.port(), junk, 5_000);
                String s = new String(reply, StandardCharsets.ISO_8859_1);
                assertTrue(s.isEmpty() || s.startsWith("UNKNOWN COMMAND") || s.equals("COMMAND READ TIMED OUT\n")
                        || s.contains("ERROR") || s.endsWith("<TIMEOUT>") || s.contains(": OK"), "reply to junk: " + s);
            }
            // a session that sends garbage between commands is ended, others are not affected
            byte[] sess = "zIDSESSION\0zPING\0\u0001\u0002junk\nzPING\0".getBytes(StandardCharsets.ISO_8859_1);
            assertEquals("1: PONG\0", new String(RealClamd.exchange(bulwark.port(), sess, 5_000), StandardCharsets.ISO_8859_1)
                    .substring(0, 8));
            assertServing();
        }
    }
}
