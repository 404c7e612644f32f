package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (clamd14) Links, FIFOs, sockets, device nodes and dangling links, named in the command or met in a directory,
 * under every combination of FollowDirectorySymlinks and FollowFileSymlinks, in SCAN, CONTSCAN, MULTISCAN and
 * ALLMATCHSCAN: the same replies as clamd 1.4.6 (MULTISCAN: the same lines in any order). Before, a link named in
 * the command was always followed: clamd passes over one it follows neither kind of ("OK", even dangling, even to
 * EICAR), answers "Not supported file type" for a link to a file (a directory) when it follows only directory
 * (file) links, and its MULTISCAN says "OK" only when it handed at least one file to its workers (an empty
 * directory, one holding only a FIFO or a dangling link, a link to a directory not followed: no "OK").
 */
class ClamdSymlinkMatrixTest {
    @TempDir Path tmp;

    @Test
    void sameRepliesAsClamdForEveryFollowSetting() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        Fixtures fx = new Fixtures(tmp);
        Path l = Files.createDirectories(tmp.resolve("links"));
        Files.writeString(l.resolve("f.txt"), "clean\n");
        Files.createDirectories(l.resolve("sub"));
        Files.writeString(l.resolve("sub/s.txt"), "sub clean\n");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", l.resolve("fifo").toString(), tmp.resolve("fifo-only").toString())
                .start().waitFor() == 0, "no mkfifo");
        try (ServerSocketChannel ss = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ss.bind(UnixDomainSocketAddress.of(l.resolve("sock")));
        }
        Files.createSymbolicLink(l.resolve("l_file"), Path.of("f.txt"));
        Files.createSymbolicLink(l.resolve("l_dir"), Path.of("sub"));
        Files.createSymbolicLink(l.resolve("l_fifo"), Path.of("fifo"));
        Files.createSymbolicLink(l.resolve("l_sock"), Path.of("sock"));
        Files.createSymbolicLink(l.resolve("l_dangling"), Path.of("nothere"));
        Files.createSymbolicLink(l.resolve("l_devnull"), Path.of("/dev/null"));
        Path inf = Files.createDirectories(tmp.resolve("inf"));
        Files.createSymbolicLink(inf.resolve("l_eicar"), fx.file("eicar.com"));
        Path ms = Files.createDirectories(tmp.resolve("ms"));
        Files.createDirectories(ms.resolve("empty"));
        Files.createDirectories(ms.resolve("onlyfifo"));
        Files.move(tmp.resolve("fifo-only"), ms.resolve("onlyfifo/f"));
        Files.createDirectories(ms.resolve("onlydangling"));
        Files.createSymbolicLink(ms.resolve("onlydangling/d"), Path.of("nothere"));
        List<String> targets = new ArrayList<>();
        targets.add(l.toString());
        for (String n : List.of("l_file", "l_dir", "l_dir/", "l_fifo", "l_sock", "l_dangling", "l_devnull", "fifo", "sock")) {
            targets.add(l.resolve(n) + (n.endsWith("/") ? "/" : ""));
        }
        targets.addAll(List.of(inf.toString(), inf.resolve("l_eicar").toString(), "/dev/null"));
        for (String n : List.of("empty", "onlyfifo", "onlydangling")) targets.add(ms.resolve(n).toString());

        List<String> diffs = new ArrayList<>();
        int run = 0;
        for (String dirs : List.of("no", "yes")) {
            for (String files : List.of("no", "yes")) {
                String conf = "FollowDirectorySymlinks " + dirs + "\nFollowFileSymlinks " + files + "\n";
                run++;
                try (RealClamd clamd = new RealClamd(Files.createDirectories(tmp.resolve("c" + run)), fx.db, conf);
                     TestDaemon bw = new TestDaemon(Files.createDirectories(tmp.resolve("b" + run)), fx.db, conf)) {
                    for (String cmd : List.of("SCAN", "CONTSCAN", "MULTISCAN", "ALLMATCHSCAN")) {
                        for (String t : targets) {
                            byte[] req = ("z" + cmd + " " + t + "\0").getBytes(StandardCharsets.UTF_8);
                            String want = lines(RealClamd.exchange(clamd.port, req, 5000), cmd);
                            String got = lines(RealClamd.exchange(bw.port(), req, 5000), cmd);
                            if (!want.equals(got)) {
                                diffs.add(conf.replace('\n', ' ') + cmd + " " + t + ":\n  clamd:   " + want + "\n  bulwark: " + got);
                            }
                        }
                    }
                }
            }
        }
        assertEquals("", String.join("\n", diffs));
    }

    /** The reply; for MULTISCAN its lines sorted (clamd's workers answer in any order). */
    private static String lines(byte[] reply, String cmd) {
        String s = new String(reply, StandardCharsets.ISO_8859_1);
        if (!cmd.equals("MULTISCAN")) return s.replace("\0", "\\0");
        String[] l = s.split("\0", -1);
        Arrays.sort(l);
        return String.join(" | ", l);
    }
}
