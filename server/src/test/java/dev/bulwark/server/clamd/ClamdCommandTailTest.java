package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (clamd14) What clamd 1.4.6 does with the bytes around a command, compared byte for byte with the real clamd:
 * <ul>
 * <li>an {@code n} command is a C string: a NUL (or a CR) ends it early, and clamd resumes one byte after that
 * end, so the rest of the line and its newline (as a NUL) are read as what came next: garbage after a path
 * command ("Error processing command" then the scan), the next command inside IDSESSION, the start of an
 * INSTREAM stream. Bulwark took the NUL into the path ("File path check failure") or answered UNKNOWN COMMAND.</li>
 * <li>an old-style command behind another one in the same packet waits for the next packet (clamd starts
 * one only at the start of its buffer); inside IDSESSION its refusal keeps the session's terminator and is
 * followed by clamd's "Error processing command" line. Bulwark answered at once, with a newline, no second line.</li>
 * <li>bytes sent after an INSTREAM's end are ignored (clamd stops reading the socket); Bulwark answered
 * "Error processing command" first.</li>
 * <li>an old-style command longer than clamd's buffer is the buffer's bytes; the rest stays unread in the socket,
 * so no "Error processing command" (Bulwark saw it as garbage after a SCAN).</li>
 * </ul>
 */
class ClamdCommandTailTest {
    @TempDir static Path tmp;
    static Fixtures fx;
    static RealClamd clamd;
    static TestDaemon bulwark;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        fx = new Fixtures(tmp);
        clamd = new RealClamd(Files.createDirectories(tmp.resolve("clamd")), fx.db, "");
        bulwark = new TestDaemon(Files.createDirectories(tmp.resolve("bulwark")), fx.db, "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (bulwark != null) bulwark.close();
        if (clamd != null) clamd.close();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends each part as its own packet (a pause between them), reads until close or 1.5 s of silence. */
    static String exchange(int port, List<byte[]> parts) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(1500);
            OutputStream o = s.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < parts.size(); i++) {
                        if (i > 0) Thread.sleep(300);
                        o.write(parts.get(i));
                        o.flush();
                    }
                } catch (Exception e) {
                    // the server closed first
                }
            });
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
            } catch (SocketTimeoutException e) {
                out.writeBytes(b("<TIMEOUT>"));
            } catch (java.net.SocketException e) {
                out.writeBytes(b("<RESET>"));
            }
            writer.join();
            // reply units (each with its terminator) sorted: clamd answers a path command from a worker thread and
            // its "Error processing command" from the receiving one, in either order
            String text = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
            List<String> units = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == 0 || text.charAt(i) == '\n') {
                    units.add(text.substring(start, i + 1));
                    start = i + 1;
                }
            }
            units.add(text.substring(start));
            units.sort(null);
            return String.join(" | ", units).replace("\0", "\\0").replace("\n", "\\n");
        }
    }

    static Map<String, List<byte[]>> cases() {
        String f = fx.files.toString();
        Map<String, List<byte[]>> m = new LinkedHashMap<>();
        m.put("nSCAN file, NUL then junk", List.of(b("nSCAN " + f + "/eicar.com\0junk\n")));
        m.put("nSCAN clean, NUL at the end", List.of(b("nSCAN " + f + "/clean.txt\0\n")));
        m.put("nSCAN directory, NUL then junk", List.of(b("nSCAN " + f + "/cleandir\0junk\n")));
        m.put("nSCAN, CR NUL", List.of(b("nSCAN " + f + "/clean.txt\r\0x\n")));
        m.put("nPING, NUL then junk", List.of(b("nPING\0junk\n")));
        m.put("nVERSION, NUL", List.of(b("nVERSION\0\n")));
        m.put("nPI NUL NG", List.of(b("nPI\0NG\n")));
        m.put("nFILDES, NUL then junk", List.of(b("nFILDES\0x\n")));
        m.put("nEND, NUL", List.of(b("nEND\0x\n")));
        m.put("nINSTREAM CRLF, stream end in the tail", List.of(b("nINSTREAM\r\n\0\0\0\0\0\0\0\0")));
        m.put("session: nPING NUL zVERSION", List.of(b("zIDSESSION\0nPING\0zVERSION\0\nzPING\0zEND\0")));
        m.put("session: nPING CRLF", List.of(b("zIDSESSION\0nPING\r\nzPING\0zEND\0")));
        byte[] big = new byte[4 + 16400];
        java.nio.ByteBuffer.wrap(big).putInt(16400);
        java.util.Arrays.fill(big, 4, big.length, (byte) 'a');
        // the tail of an n command begun in an earlier packet, in front of a full read (a larger buffer)
        m.put("session: n command across packets, tail replayed before 16 KiB", List.of(b("zIDSESSION\0nPING\0zVERSION\0"),
                cat(b("\nzINSTREAM\0"), big, b("\0\0\0\0zEND\0"))));
        m.put("session: n command across packets, tail replayed", List.of(b("zIDSESSION\0nPING\0zVER"), b("SION\0\nzPING\0")));
        m.put("session: old style in the same packet", List.of(b("zIDSESSION\0zPING\0PING\n")));
        m.put("session: old style in the next packet", List.of(b("zIDSESSION\0zPING\0"), b("PING\n")));
        m.put("session: old style after n, next packet", List.of(b("zIDSESSION\0nPING\n"), b("PING\n")));
        m.put("session: old style first", List.of(b("zIDSESSION\0"), b("PING\n")));
        // (not compared: old style right after a stream in the same packet. clamd refuses it at once, and the
        // stream's "1: stream: OK" comes before it or is lost as clamd closes first, seen both ways)
        m.put("INSTREAM, junk after the end", List.of(b("zINSTREAM\0\0\0\0\3abc\0\0\0\0junk")));
        m.put("old-style SCAN longer than clamd's buffer", List.of(b("SCAN /" + "A".repeat(4200) + "\n")));
        m.put("INSTREAM, junk after the end, next packet", List.of(b("zINSTREAM\0\0\0\0\0"), b("junk")));
        return m;
    }

    private static final String GARBAGE = "Error processing command. ERROR\\n";

    @Test
    void sameRepliesAsClamd() throws Exception {
        List<String> diffs = new ArrayList<>();
        for (var e : cases().entrySet()) {
            String want = exchange(clamd.port, e.getValue());
            String got = exchange(bulwark.port(), e.getValue());
            if (e.getKey().startsWith("nSCAN")) {
                // clamd's receive thread writes this line while its worker scans: when the worker finishes first and
                // closes, the line is lost (seen both ways). Bulwark always sends it; compared without it
                if (!got.contains(GARBAGE)) diffs.add(e.getKey() + ": no \"" + GARBAGE + "\" from Bulwark: " + got);
                want = want.replace(" | " + GARBAGE, "").replace(GARBAGE + " | ", "");
                got = got.replace(" | " + GARBAGE, "").replace(GARBAGE + " | ", "");
            }
            if (!want.equals(got)) diffs.add(e.getKey() + ":\n  clamd:   " + want + "\n  bulwark: " + got);
        }
        assertEquals("", String.join("\n", diffs));
    }
}
