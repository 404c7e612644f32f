package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.TestDaemon;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (toctou20) A local user who can write inside a scan root swaps a path component, or the file itself, for a symbolic
 * link to a file outside the roots while the daemon scans it (docs/benchmarks/daemon.md "harden19": 1,079 of 21,970 SCANs
 * answered the outside file's FOUND). Here a thread swaps with atomic renames for a few seconds while SCAN, CONTSCAN,
 * ALLMATCHSCAN, MULTISCAN and REST scan-path ask about the inside names; the outside file is EICAR, every inside file
 * clean, so any FOUND (and any outside size or digest over REST) is the outside file leaking.
 */
class ScanRootRaceTest {
    static final String EICAR_SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
    /** Per race; a few seconds in all. */
    static final long MILLIS = 1_500;

    @TempDir Path tmp;

    /** Swaps until stopped: each step atomically renames a prepared entry over {@code target}. */
    static Thread swapper(AtomicBoolean stop, AtomicInteger swaps, Path target, Step... steps) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    Path prepared = target.resolveSibling(".swap");
                    Files.deleteIfExists(prepared);
                    steps[i % steps.length].make(prepared);
                    Files.move(prepared, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    swaps.incrementAndGet();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    interface Step {
        void make(Path p) throws IOException;
    }

    /** Asks {@code command} over and over on one session-less connection each, for {@link #MILLIS}; the replies. */
    static List<String> ask(int port, String command) throws IOException {
        List<String> replies = new ArrayList<>();
        long end = System.nanoTime() + MILLIS * 1_000_000;
        while (System.nanoTime() < end) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write(("n" + command + "\n").getBytes(StandardCharsets.UTF_8));
                InputStream in = s.getInputStream();
                replies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return replies;
    }

    @Test
    void aSwappedComponentNeverLeadsAScanOutOfTheRoots() throws Exception {
        // on a Java 21 runtime (no FFM) path scans open by name and the race stays open (docs/DAEMON.md)
        org.junit.jupiter.api.Assumptions.assumeTrue(OpenedFiles.available() || Boolean.getBoolean("bulwark.noOpenOnce"),
                "path scans open files once only with the FFM part (Java 22+, 64-bit Linux)");
        Fixtures fx = new Fixtures(tmp);
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("x"), Fixtures.EICAR, StandardCharsets.ISO_8859_1);
        Path race = Files.createDirectories(root.resolve("race"));
        Path in = Files.createDirectories(race.resolve("in"));
        Files.writeString(in.resolve("x"), "clean\n");
        Path walked = Files.createDirectories(race.resolve("walked"));
        Files.writeString(walked.resolve("x"), "clean\n");
        Path d = Files.createSymbolicLink(race.resolve("d"), in);
        Path t = Files.writeString(race.resolve("t"), "clean\n");
        Step toIn = p -> Files.createSymbolicLink(p, in), toOutside = p -> Files.createSymbolicLink(p, outside);
        Step clean = p -> Files.writeString(p, "clean\n"), toSecret = p -> Files.createSymbolicLink(p, outside.resolve("x"));
        String token = "s3cret-token";
        HttpClient http = HttpClient.newHttpClient();
        List<String> leaks = new ArrayList<>();
        int asked = 0, swapped = 0;
        try (TestDaemon daemon = new TestDaemon(Files.createDirectories(tmp.resolve("d")), fx.db,
                "BulwarkScanRoot " + root + "\nBulwarkRestPort 0\nBulwarkRestToken " + token + "\n")) {
            String base = "http://127.0.0.1:" + daemon.daemon.restPort();
            Object[][] races = {
                    {d, new Step[] {toIn, toOutside}, "SCAN " + d.resolve("x")},
                    {d, new Step[] {toIn, toOutside}, "CONTSCAN " + d.resolve("x")},
                    {d, new Step[] {toIn, toOutside}, "ALLMATCHSCAN " + d.resolve("x")},
                    {t, new Step[] {clean, toSecret}, "SCAN " + t},
                    {walked.resolve("x"), new Step[] {clean, toSecret}, "MULTISCAN " + walked},
                    {walked.resolve("x"), new Step[] {clean, toSecret}, "CONTSCAN " + walked},
                    {d, new Step[] {toIn, toOutside}, "REST " + d.resolve("x")},
                    {t, new Step[] {clean, toSecret}, "REST " + t},
            };
            for (Object[] r : races) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger swaps = new AtomicInteger();
                Thread s = swapper(stop, swaps, (Path) r[0], (Step[]) r[1]);
                String command = (String) r[2];
                List<String> replies;
                try {
                    if (command.startsWith("REST ")) {
                        replies = new ArrayList<>();
                        String path = command.substring(5);
                        long end = System.nanoTime() + MILLIS * 1_000_000;
                        for (int i = 0; System.nanoTime() < end; i++) {
                            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/scan-path?path=" + path));
                            boolean withToken = i % 2 == 1;
                            if (withToken) b.header("Authorization", "Bearer " + token);
                            String body = http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
                            // no verdict, digest or size of the outside file; without the token no size or digest at all
                            if (body.contains("INFECTED") || body.contains(EICAR_SHA256) || body.contains("\"size\":68")
                                    || !withToken && (body.contains("\"size\"") || body.contains("sha256"))) {
                                leaks.add(command + (withToken ? " (token)" : "") + ": " + body);
                            }
                            replies.add(body);
                        }
                    } else {
                        replies = ask(daemon.port(), command);
                        for (String reply : replies) if (reply.contains("FOUND")) leaks.add(command + ": " + reply.strip());
                    }
                } finally {
                    stop.set(true);
                    s.join();
                }
                asked += replies.size();
                swapped += swaps.get();
                assertTrue(swaps.get() > 10, command + ": the swapper ran");
            }
            // the daemon still answers the inside names, once the swapping stopped
            Files.deleteIfExists(d);
            Files.createSymbolicLink(d, in);
            assertEquals(d.resolve("x") + ": OK\n", ask1(daemon.port(), "SCAN " + d.resolve("x")));
        }
        assertFalse(asked == 0);
        assertTrue(leaks.isEmpty(), leaks.size() + " of " + asked + " replies (" + swapped + " swaps) told of the outside file: "
                + leaks.subList(0, Math.min(5, leaks.size())));
    }

    static String ask1(int port, String command) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("n" + command + "\n").getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
