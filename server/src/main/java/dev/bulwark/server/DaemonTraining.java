package dev.bulwark.server;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.snapshot.SnapshotWriter;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The training run behind {@code bin/bulwark}'s daemon AOT cache ({@code cli/target/bulwark-daemon.aot}): the
 * launcher runs {@code java -cp bulwark-cli.jar dev.bulwark.server.DaemonTraining --prepare DIR} and then
 * {@code java -XX:AOTCacheOutput=… -cp bulwark-cli.jar dev.bulwark.server.DaemonTraining DIR} once
 * per build, on the first {@code bulwark daemon} start, and the classes this run loads and links, with their
 * profiles, start pre-loaded in every later daemon. It runs the daemon as {@code bulwark daemon} does (its
 * command, configuration file, text database and then the same database compiled to a snapshot), and drives it
 * over TCP and the UNIX socket as clamdscan does: PING, VERSION, MULTISCAN (cold and from the clean-file cache),
 * CONTSCAN, SCAN, INSTREAM and STATS, over samples of varied types (text, HTML, mail, gzip, zip, ELF, the JDK's
 * own small files, random bytes). Writes only under DIR (which must exist, and be empty or prepared); fails (exit status
 * 1) when a reply is not what the daemon must answer, so a broken training is noticed, not cached.
 */
public final class DaemonTraining {
    /** Rounds of the whole clamd workload per database: enough for the per-file paths to be profiled. */
    private static final int ROUNDS = 2;
    /** Random-byte samples (1-64 KiB): the kernel's non-matching path. */
    private static final int RANDOM_SAMPLES = 60;
    /** JDK files copied as real samples, each at most this large: real ELF objects, jars, texts. */
    private static final int JDK_SAMPLES = 120;
    private static final long JDK_SAMPLE_MAX = 256 << 10;
    /** Synthetic signatures (as a small gen_sigs database: about 1/3 of its hashes, all its kinds). */
    private static final int SYNTH_HASHES = 4_000;
    private static final int SYNTH_BODIES = 1_000;
    private static final int SYNTH_LOGICAL = 100;
    /** How long the daemon may take to answer its first PING. */
    private static final long START_TIMEOUT_MS = 120_000;
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private DaemonTraining() {}

    public static void main(String[] args) {
        try {
            train(args);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1); // also ends a daemon still running in this JVM
        }
    }

    static void train(String[] args) throws Exception {
        boolean prepareOnly = args.length == 2 && args[0].equals("--prepare");
        if (args.length != 1 && !prepareOnly) throw new IllegalArgumentException("usage: DaemonTraining [--prepare] DIR");
        Path dir = Path.of(args[prepareOnly ? 1 : 0]);
        Path db = dir.resolve("db");
        Path files = dir.resolve("files");
        Path snap = dir.resolve("train.bsnap");
        if (prepareOnly || !Files.exists(snap)) prepare(db, files, snap);
        if (prepareOnly) return;
        serve(dir, db, files, "text");
        serve(dir, snap, files, "snap");
    }

    /**
     * Writes the samples, the database and its snapshot. The launcher runs this step in a JVM of its own
     * ({@code --prepare}): what only the training does (writing samples, generating and compiling signatures)
     * would otherwise be profiled as hot, and every daemon start would compile it again from the cache's profiles.
     */
    private static void prepare(Path db, Path files, Path snap) throws IOException {
        Files.createDirectories(db);
        Files.createDirectories(files);
        writeSamples(files);
        writeDatabase(db, files);
        SnapshotWriter.write(DatabaseLoader.load(List.of(db), LoadOptions.defaults()), List.of(db), snap);
    }

    private static void writeSamples(Path files) throws IOException {
        byte[] text = "#!/bin/sh\n# daemon training sample\necho \"Hello, World\"\nexit 0\n".repeat(60).getBytes(StandardCharsets.US_ASCII);
        byte[] html = ("<html><head><title>t</title><script>var s = unescape('%61%62'); document.write(s);</script></head>"
                + "<body><a href=\"http://example.com/\">example</a><p>text</p></body></html>\n").repeat(20).getBytes(StandardCharsets.US_ASCII);
        Files.write(files.resolve("script.sh"), text);
        Files.write(files.resolve("page.html"), html);
        Files.write(files.resolve("eicar.com"), EICAR.getBytes(StandardCharsets.US_ASCII));
        Files.write(files.resolve("mail.eml"), ("From: a@example.com\r\nTo: b@example.com\r\nSubject: training\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
                + "hello\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString(text) + "\r\n--b1--\r\n").getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write(text);
        }
        Files.write(files.resolve("text.gz"), gz.toByteArray());
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("a/script.sh"));
            z.write(text);
            z.putNextEntry(new ZipEntry("b/page.html"));
            z.write(html);
            z.putNextEntry(new ZipEntry("c/eicar.com"));
            z.write(EICAR.getBytes(StandardCharsets.US_ASCII));
        }
        Files.write(files.resolve("archive.zip"), zip.toByteArray());
        Random r = new Random(5);
        Path rnd = Files.createDirectories(files.resolve("random"));
        for (int i = 0; i < RANDOM_SAMPLES; i++) {
            byte[] b = new byte[1024 + r.nextInt(63 << 10)];
            r.nextBytes(b);
            Files.write(rnd.resolve("r" + i + ".bin"), b);
        }
        // real files of the JDK this runs on: shared objects, jars, licence texts, configuration
        Path home = Path.of(System.getProperty("java.home"));
        Path jdk = Files.createDirectories(files.resolve("jdk"));
        List<Path> real = new java.util.ArrayList<>();
        for (String sub : List.of("lib", "conf", "legal")) { // shared objects and jars first, then texts
            Path d = home.resolve(sub);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.walk(d, 3)) {
                s.filter(DaemonTraining::smallFile).sorted().limit(JDK_SAMPLES - real.size()).forEach(real::add);
            }
        }
        int n = 0;
        for (Path p : real) Files.copy(p, jdk.resolve((n++) + "_" + p.getFileName()));
    }

    private static boolean smallFile(Path p) {
        try {
            return Files.isRegularFile(p) && Files.size(p) > 0 && Files.size(p) <= JDK_SAMPLE_MAX;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeDatabase(Path db, Path files) throws IOException {
        byte[] text = Files.readAllBytes(files.resolve("script.sh"));
        byte[] html = Files.readAllBytes(files.resolve("page.html"));
        HexFormat hex = HexFormat.of();
        Files.writeString(db.resolve("train.hdb"), hex.formatHex(digest("MD5", text)) + ":" + text.length + ":Train.Daemon.Hash\n");
        Files.writeString(db.resolve("train.hsb"), hex.formatHex(digest("SHA-256", html)) + ":" + html.length + ":Train.Daemon.Sha\n");
        Files.writeString(db.resolve("train.ndb"), "Train.Daemon.Eicar:0:*:"
                + hex.formatHex("EICAR-STANDARD-ANTIVIRUS-TEST-FILE".getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "Train.Daemon.Body:0:*:deadbeef{2-8}cafebabe??0102\n"
                + "Train.Daemon.Pe:1:*:4d5a9000{-40}50450000\n"
                + "Train.Daemon.Html:3:*:3c7363726970743e{-20}756e657363617065\n");
        Files.writeString(db.resolve("train.ldb"), "Train.Daemon.Logical;Engine:51-255,Target:0;0&1;6563686f;65786974\n"
                + "Train.Daemon.Other;Engine:51-255,Target:0;(0|1)&2;6576616c28;756e657363617065;646f63756d656e74\n");
        synthetic(db);
    }

    /**
     * A few thousand random signatures of each common kind (hash, body with wildcards, logical), so the
     * text loader's and the index builders' loops are profiled as a real database's load runs them.
     */
    private static void synthetic(Path db) throws IOException {
        Random r = new Random(11);
        HexFormat hex = HexFormat.of();
        StringBuilder md5 = new StringBuilder(), sha = new StringBuilder(), body = new StringBuilder(), ldb = new StringBuilder();
        for (int i = 0; i < SYNTH_HASHES; i++) {
            md5.append(hex.formatHex(bytes(r, 16))).append(':').append(1 + r.nextInt(1 << 20)).append(":Train.Synth.Md5-").append(i).append('\n');
            if (i % 2 == 0) sha.append(hex.formatHex(bytes(r, 32))).append(':').append(1 + r.nextInt(1 << 20)).append(":Train.Synth.Sha-").append(i).append('\n');
        }
        for (int i = 0; i < SYNTH_BODIES; i++) {
            body.append("Train.Synth.Body-").append(i).append(':').append(i % 3).append(":*:").append(pattern(r, hex)).append('\n');
        }
        for (int i = 0; i < SYNTH_LOGICAL; i++) {
            ldb.append("Train.Synth.Logical-").append(i).append(";Engine:51-255,Target:0;0&1&2");
            for (int k = 0; k < 3; k++) ldb.append(';').append(pattern(r, hex));
            ldb.append('\n');
        }
        Files.writeString(db.resolve("synth.hdb"), md5);
        Files.writeString(db.resolve("synth.hsb"), sha);
        Files.writeString(db.resolve("synth.ndb"), body);
        Files.writeString(db.resolve("synth.ldb"), ldb);
    }

    /** Random hex with a few wildcards ({@code ??}, {@code {a-b}}) between static runs of 6-20 bytes. */
    private static String pattern(Random r, HexFormat hex) {
        StringBuilder p = new StringBuilder(hex.formatHex(bytes(r, 6 + r.nextInt(15))));
        int parts = r.nextInt(3);
        for (int k = 0; k < parts; k++) {
            p.append(r.nextBoolean() ? "??" : "{" + (1 + r.nextInt(4)) + "-" + (5 + r.nextInt(20)) + "}");
            p.append(hex.formatHex(bytes(r, 4 + r.nextInt(8))));
        }
        return p.toString();
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] digest(String algorithm, byte[] b) {
        try {
            return MessageDigest.getInstance(algorithm).digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one daemon on {@code database} as {@code bulwark daemon --config} does, drives it, and shuts it down. */
    private static void serve(Path dir, Path database, Path files, String label) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path socket = dir.resolve("s-" + label + ".sock");
        Path tmp = Files.createDirectories(dir.resolve("tmp-" + label));
        Path conf = dir.resolve("clamd-" + label + ".conf");
        Files.writeString(conf, "TCPSocket " + port + "\nTCPAddr 127.0.0.1\nLocalSocket " + socket + "\nDatabaseDirectory " + database
                + "\nTemporaryDirectory " + tmp + "\nForeground yes\nLogFile " + dir.resolve("log-" + label) + "\nMaxThreads 2\n");
        int[] rc = {-1};
        Thread daemon = Thread.ofPlatform().name("training-daemon").start(() -> rc[0] = DaemonCommand.run(new String[] {"--config", conf.toString()}));
        InetSocketAddress tcp = new InetSocketAddress("127.0.0.1", port);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            try {
                expect(tcp(tcp, "zPING\0"), "PONG\0");
                break;
            } catch (IOException e) {
                if (!daemon.isAlive() || System.currentTimeMillis() > deadline) throw new IOException("training daemon did not start", e);
                Thread.sleep(20);
            }
        }
        String f = files.toString();
        for (int round = 0; round < ROUNDS; round++) {
            expect(tcp(tcp, "zVERSION\0"), "ClamAV");
            expect(tcp(tcp, "zMULTISCAN " + f + "\0"), "Train.Daemon.Eicar");
            expect(tcp(tcp, "zMULTISCAN " + f + "\0"), "Train.Daemon.Eicar"); // from the clean-file cache
            expect(tcp(tcp, "zCONTSCAN " + f + "\0"), "Train.Daemon.Eicar");
            expect(tcp(tcp, "zSCAN " + files.resolve("eicar.com") + "\0"), "Train.Daemon.Eicar");
            expect(tcp(tcp, "zSTATS\0"), "POOLS");
            for (String name : List.of("eicar.com", "page.html", "archive.zip", "text.gz", "random/r1.bin")) {
                expect(instream(tcp, Files.readAllBytes(files.resolve(name))), "stream:");
            }
            expect(unix(socket, "zPING\0"), "PONG\0");
            expect(unix(socket, "zMULTISCAN " + f + "\0"), "Train.Daemon.Eicar");
        }
        tcp(tcp, "zSHUTDOWN\0");
        daemon.join(START_TIMEOUT_MS);
        if (daemon.isAlive() || rc[0] != 0) throw new IOException("training daemon did not stop cleanly (status " + rc[0] + ")");
    }

    private static void expect(String reply, String part) throws IOException {
        if (!reply.contains(part)) throw new IOException("unexpected training reply (wanted " + part + "): " + reply);
    }

    /** One command over TCP; the whole reply (the daemon closes the connection after it). */
    private static String tcp(InetSocketAddress addr, String command) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(addr, 5_000);
            s.setSoTimeout((int) START_TIMEOUT_MS);
            s.getOutputStream().write(command.getBytes(StandardCharsets.UTF_8));
            return readAll(s.getInputStream());
        }
    }

    private static String instream(InetSocketAddress addr, byte[] body) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(addr, 5_000);
            s.setSoTimeout((int) START_TIMEOUT_MS);
            OutputStream o = s.getOutputStream();
            o.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
            o.write(ByteBuffer.allocate(4).putInt(body.length).array());
            o.write(body);
            o.write(new byte[4]);
            return readAll(s.getInputStream());
        }
    }

    /** One command over the UNIX socket, as clamdscan sends it there. */
    private static String unix(Path socket, String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(command.getBytes(StandardCharsets.UTF_8)));
            return readAll(Channels.newInputStream(ch));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
