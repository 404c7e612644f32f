package dev.bulwark.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The real clamd 1.4, started on a loopback port and a private UNIX socket for differential tests. */
public final class RealClamd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/clamd");
    private final Process process;
    public final int port;
    public final Path socket;
    public final long startMillis;

    public RealClamd(Path dir, Path db, String extraConfig) throws IOException, InterruptedException {
        port = Fixtures.freePort();
        socket = dir.resolve("clamd.sock");
        Path conf = dir.resolve("clamd.conf");
        Files.writeString(conf, "TCPSocket " + port + "\nTCPAddr 127.0.0.1\nLocalSocket " + socket
                + "\nDatabaseDirectory " + db + "\nForeground yes\nLogFile " + dir.resolve("clamd.log") + "\n" + extraConfig);
        long t0 = System.nanoTime();
        process = new ProcessBuilder(BINARY.toString(), "--config-file=" + conf)
                .redirectErrorStream(true).redirectOutput(dir.resolve("clamd.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive()) throw new IOException("clamd exited: " + Files.readString(dir.resolve("clamd.out")));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("zPING\0".getBytes(StandardCharsets.US_ASCII));
                if (new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).equals("PONG\0")) break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw new IOException("clamd did not come up", e);
                Thread.sleep(20);
            }
        }
        startMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    public long pid() { return process.pid(); }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Sends {@code request} in one write, then reads until the server closes (or {@code waitMillis} of silence). */
    public static byte[] exchange(int port, byte[] request, int waitMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(waitMillis);
            OutputStream o = s.getOutputStream();
            // write from another thread: a server may answer and close before it has read everything
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    o.write(request);
                    o.flush();
                } catch (IOException e) {
                    // the server closed first; its reply is what we compare
                }
            });
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] b = new byte[8192];
            try {
                int n;
                while ((n = in.read(b)) > 0) out.write(b, 0, n);
            } catch (java.net.SocketTimeoutException e) {
                out.writeBytes("<TIMEOUT>".getBytes(StandardCharsets.US_ASCII));
            } catch (java.net.SocketException e) {
                out.writeBytes("<RESET>".getBytes(StandardCharsets.US_ASCII));
            }
            try {
                writer.join(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return out.toByteArray();
        }
    }

    /** As {@link #exchange} over a UNIX socket. */
    public static byte[] exchangeUnix(Path socket, byte[] request, int waitMillis) throws IOException {
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(request);
                    while (b.hasRemaining()) ch.write(b);
                } catch (IOException e) {
                    // the server closed first
                }
            });
            java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
            Thread timer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(waitMillis);
                    timedOut.set(true);
                    ch.close();
                } catch (InterruptedException | IOException e) {
                    // finished in time
                }
            });
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8192);
            try {
                while (ch.read(buf.clear()) > 0) out.write(buf.array(), 0, buf.position());
            } catch (IOException e) {
                out.writeBytes((timedOut.get() ? "<TIMEOUT>" : "<RESET>").getBytes(StandardCharsets.US_ASCII));
            }
            timer.interrupt();
            try {
                writer.join(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return out.toByteArray();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
