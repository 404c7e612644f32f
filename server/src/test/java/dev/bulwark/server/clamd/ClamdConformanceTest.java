package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.server.Fixtures;
import dev.bulwark.server.RealClamd;
import dev.bulwark.server.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same protocol script against the real clamd 1.4 and against Bulwark, on the same database and
 * files: replies must be byte-identical for every command and error case (MULTISCAN: the same lines in
 * any order, as clamd scans in parallel; STATS: the same layout).
 */
class ClamdConformanceTest {
    private static final String CONF = "StreamMaxLength 1M\nCommandReadTimeout 2\nExcludePath \\.excluded$\n";
    @TempDir static Path tmp;
    static Fixtures fx;
    static RealClamd clamd;
    static TestDaemon bulwark;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        fx = new Fixtures(tmp);
        clamd = new RealClamd(java.nio.file.Files.createDirectories(tmp.resolve("clamd")), fx.db, CONF);
        bulwark = new TestDaemon(java.nio.file.Files.createDirectories(tmp.resolve("bulwark")), fx.db, CONF);
    }

    @AfterAll
    static void stop() throws Exception {
        if (bulwark != null) bulwark.close();
        if (clamd != null) clamd.close();
    }

    static byte[] b(Object... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) o.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            else if (p instanceof byte[] a) o.writeBytes(a);
        }
        return o.toByteArray();
    }

    static byte[] chunk(byte[] data) {
        return b(ByteBuffer.allocate(4).putInt(data.length).array(), data);
    }

    static final byte[] END = new byte[4];

    static Map<String, byte[]> script() {
        String f = fx.files.toString();
        byte[] eicar = Fixtures.EICAR.getBytes(StandardCharsets.ISO_8859_1);
        byte[] mb = new byte[1 << 20];
        Arrays.fill(mb, (byte) 'a');
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("zPING", b("zPING\0"));
        m.put("nPING", b("nPING\n"));
        m.put("old PING", b("PING\n"));
        m.put("old PING, no newline", b("PING"));
        m.put("lower case", b("zping\0"));
        m.put("trailing text", b("zPING extra\0"));
        m.put("newline inside z", b("zPING\n\0"));
        m.put("VERSION", b("zVERSION\0"));
        m.put("nVERSION", b("nVERSION\n"));
        m.put("VERSIONCOMMANDS", b("zVERSIONCOMMANDS\0"));
        m.put("old VERSIONCOMMANDS", b("VERSIONCOMMANDS\n"));
        m.put("END outside session", b("zEND\0"));
        m.put("SCAN without argument", b("zSCAN\0"));
        m.put("SCAN infected", b("zSCAN " + f + "/eicar.com\0"));
        m.put("nSCAN clean", b("nSCAN " + f + "/clean.txt\n"));
        m.put("nSCAN CRLF", b("nSCAN " + f + "/clean.txt\r\n"));
        m.put("old SCAN", b("SCAN " + f + "/eicar.com\n"));
        m.put("SCAN body signature", b("zSCAN " + f + "/sub/body.bin\0"));
        m.put("SCAN directory", b("zSCAN " + f + "\0"));
        m.put("SCAN clean directory", b("zSCAN " + f + "/cleandir\0"));
        m.put("CONTSCAN directory", b("zCONTSCAN " + f + "\0"));
        m.put("CONTSCAN trailing slash", b("zCONTSCAN " + f + "/\0"));
        m.put("ALLMATCHSCAN", b("zALLMATCHSCAN " + f + "/eicar.com\0"));
        m.put("old ALLMATCHSCAN", b("ALLMATCHSCAN " + f + "/eicar.com\n"));
        m.put("nonexistent path", b("zSCAN /nonexistent/x\0"));
        m.put("relative path", b("zSCAN relative/path\0"));
        m.put("two spaces", b("zSCAN  " + f + "/eicar.com\0"));
        m.put("empty file", b("zSCAN " + f + "/empty\0"));
        m.put("empty directory", b("zSCAN " + f + "/emptydir\0"));
        m.put("special file", b("zSCAN /dev/null\0"));
        m.put("excluded", b("zSCAN " + f + "/x.excluded\0"));
        m.put("dot-dot path", b("zSCAN " + f + "/sub/../clean.txt\0"));
        m.put("name too long", b("zSCAN /" + "A".repeat(4090) + "\0"));
        m.put("command too long", b("z" + "A".repeat(5000) + "\0"));
        m.put("old style too long", b("A".repeat(5000)));
        m.put("INSTREAM infected", b("zINSTREAM\0", chunk(eicar), END));
        m.put("nINSTREAM clean", b("nINSTREAM\n", chunk("hello world".getBytes(StandardCharsets.US_ASCII)), END));
        m.put("INSTREAM split chunks", b("zINSTREAM\0", chunk(Arrays.copyOf(eicar, 10)),
                chunk(Arrays.copyOfRange(eicar, 10, eicar.length)), END));
        m.put("INSTREAM empty", b("zINSTREAM\0", END));
        m.put("INSTREAM 0xFFFFFFFF", b("zINSTREAM\0", new byte[] {-1, -1, -1, -1}));
        m.put("INSTREAM exactly StreamMaxLength", b("zINSTREAM\0", chunk(mb), END));
        m.put("INSTREAM over StreamMaxLength", b("zINSTREAM\0", chunk(Arrays.copyOf(mb, 600_000)), chunk(Arrays.copyOf(mb, 600_000)), END));
        m.put("old INSTREAM", b("INSTREAM\n"));
        m.put("IDSESSION", b("zIDSESSION\0zPING\0nVERSION\nzSCAN " + f + "/eicar.com\0zINSTREAM\0", chunk(eicar), END,
                "nSCAN " + f + "/clean.txt\nzEND\0"));
        m.put("IDSESSION invalid command", b("zIDSESSION\0zPING\0zCONTSCAN " + f + "\0zPING\0zEND\0"));
        m.put("IDSESSION unknown command", b("zIDSESSION\0zPING\0zFOO\0zPING\0zEND\0"));
        m.put("IDSESSION nested", b("zIDSESSION\0zIDSESSION\0"));
        m.put("IDSESSION empty", b("zIDSESSION\0zEND\0"));
        m.put("IDSESSION over limit", b("zIDSESSION\0zINSTREAM\0", new byte[] {-1, -1, -1, -1}));
        m.put("old IDSESSION", b("IDSESSION\n"));
        m.put("pipelined PING", b("zPING\0zPING\0"));
        m.put("pipelined after SCAN", b("zSCAN " + f + "/eicar.com\0zPING\0"));
        m.put("DETSTATS", b("zDETSTATS\0"));
        m.put("DETSTATSCLEAR", b("nDETSTATSCLEAR\n"));
        m.put("nEND", b("nEND\n"));
        m.put("binary garbage", b(new byte[] {1, 2, 3}, "garbage\n"));
        m.put("empty line", b("\n"));
        m.put("z alone", b("z\0"));
        m.put("partial command times out", b("zPIN"));
        m.put("FILDES over TCP waits for a descriptor", b("zFILDES\0"));
        m.put("FILDES over TCP with the byte but no descriptor", b("zFILDES\0\0"));
        return m;
    }

    /**
     * Cases whose reply order clamd itself does not fix: IDSESSION answers asynchronously, and for bytes
     * sent behind a path command clamd's "Error processing command" comes before or after the scan
     * result depending on whether they arrive in the same TCP segment (seen both ways against 1.4.6).
     */
    private static final java.util.Set<String> ORDER_FREE = java.util.Set.of("IDSESSION", "pipelined after SCAN", "nSCAN CRLF");
    /**
     * Cases where clamd 1.4.6 itself sometimes sends "Error processing command" for the stray CR and
     * sometimes closes the connection first (seen both ways in clean runs): that line is not compared.
     */
    private static final java.util.Set<String> ERROR_LINE_OPTIONAL = java.util.Set.of("nSCAN CRLF");

    @Test
    void sameRepliesAsClamd() throws Exception {
        List<String> diffs = new ArrayList<>();
        for (var e : script().entrySet()) {
            byte[] w = RealClamd.exchange(clamd.port, e.getValue(), 4000);
            byte[] g = RealClamd.exchange(bulwark.port(), e.getValue(), 4000);
            // clamd answers IDSESSION requests asynchronously: compare the numbered replies in any order
            String want = ORDER_FREE.contains(e.getKey()) ? replies(w) : show(w);
            String got = ORDER_FREE.contains(e.getKey()) ? replies(g) : show(g);
            if (ERROR_LINE_OPTIONAL.contains(e.getKey())) {
                want = withoutProcessingError(want);
                got = withoutProcessingError(got);
            }
            // clamd's reply to pipelined bytes depends on how they reach it (one read or two: in a CI run under load
            // clamd once answered "pipelined after SCAN" without its "Error processing command" line): a difference
            // counts only if clamd, asked twice more, never gives Bulwark's reply
            for (int again = 0; again < 2 && !want.equals(got); again++) {
                byte[] w2 = RealClamd.exchange(clamd.port, e.getValue(), 4000);
                String want2 = ORDER_FREE.contains(e.getKey()) ? replies(w2) : show(w2);
                if (ERROR_LINE_OPTIONAL.contains(e.getKey())) want2 = withoutProcessingError(want2);
                if (want2.equals(got)) want = want2;
            }
            if (!want.equals(got)) diffs.add(e.getKey() + ":\n  clamd:   " + want + "\n  bulwark: " + got);
        }
        assertEquals("", String.join("\n", diffs));
    }

    @Test
    void sameRepliesOverTheUnixSocket() throws Exception {
        List<String> diffs = new ArrayList<>();
        for (String key : List.of("zPING", "old PING", "VERSIONCOMMANDS", "SCAN infected", "CONTSCAN directory",
                "INSTREAM infected", "INSTREAM over StreamMaxLength", "IDSESSION invalid command", "command too long",
                "pipelined after SCAN", "binary garbage")) {
            byte[] req = script().get(key);
            // clamd closes with the client's data unread, which a UNIX socket reports as a reset after the
            // reply; Bulwark drains first. The reply bytes are what we compare.
            byte[] w = RealClamd.exchangeUnix(clamd.socket, req, 4000), g = RealClamd.exchangeUnix(bulwark.socket, req, 4000);
            String want = (ORDER_FREE.contains(key) ? replies(w) : show(w)).replace("<RESET>", "");
            String got = (ORDER_FREE.contains(key) ? replies(g) : show(g)).replace("<RESET>", "");
            for (int again = 0; again < 2 && !want.equals(got); again++) { // as over TCP: clamd's timing-dependent replies
                byte[] w2 = RealClamd.exchangeUnix(clamd.socket, req, 4000);
                String want2 = (ORDER_FREE.contains(key) ? replies(w2) : show(w2)).replace("<RESET>", "");
                if (want2.equals(got)) want = want2;
            }
            if (!want.equals(got)) diffs.add(key + ":\n  clamd:   " + want + "\n  bulwark: " + got);
        }
        assertEquals("", String.join("\n", diffs));
    }

    @Test
    void multiscanSameLinesAnyOrder() throws Exception {
        for (String dir : List.of("", "/sub", "/cleandir", "/eicar.com")) {
            byte[] req = b("zMULTISCAN " + fx.files + dir + "\0");
            assertEquals(sortedLines(RealClamd.exchange(clamd.port, req, 4000)),
                    sortedLines(RealClamd.exchange(bulwark.port(), req, 4000)), "MULTISCAN " + dir);
        }
    }

    @Test
    void statsHasClamdLayout() throws Exception {
        for (byte[] req : List.of(b("zSTATS\0"), b("nIDSESSION\nnSTATS\nnEND\n"))) {
            String want = shape(RealClamd.exchange(clamd.port, req, 4000));
            String got = shape(RealClamd.exchange(bulwark.port(), req, 4000));
            assertEquals(want, got);
        }
    }

    /** STATS with the numbers and the task list masked: the layout clamdtop parses. */
    static String shape(byte[] reply) {
        String s = new String(reply, StandardCharsets.ISO_8859_1);
        s = s.replaceAll("\t[A-Z]+ [0-9.]+ [^\n]*\n", "");
        s = s.replaceAll("[0-9]+(\\.[0-9]+)?", "N");
        s = s.replace("N/A", "N");
        assertTrue(s.contains("POOLS: N\n\nSTATE: VALID PRIMARY\nTHREADS: live N  idle N max N idle-timeout N\nQUEUE: N items"), s);
        return s;
    }

    static List<String> sortedLines(byte[] reply) {
        List<String> l = new ArrayList<>(Arrays.asList(new String(reply, StandardCharsets.ISO_8859_1).split("\0", -1)));
        l.sort(null);
        return l;
    }

    /** Replies split after each terminator (\\0 or \\n) and sorted. */
    private static String withoutProcessingError(String units) {
        List<String> kept = new ArrayList<>(Arrays.asList(units.split(" \\| ", -1)));
        kept.removeIf(u -> u.startsWith("Error processing command. ERROR"));
        return String.join(" | ", kept);
    }

    static String replies(byte[] reply) {
        List<String> units = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < reply.length; i++) {
            if (reply[i] == 0 || reply[i] == '\n') {
                units.add(show(Arrays.copyOfRange(reply, start, i + 1)));
                start = i + 1;
            }
        }
        units.add(show(Arrays.copyOfRange(reply, start, reply.length)));
        units.sort(null);
        return String.join(" | ", units);
    }

    static String show(byte[] reply) {
        String s = new String(reply, StandardCharsets.ISO_8859_1).replace("\0", "\\0").replace("\n", "\\n");
        return s.length() > 300 ? s.substring(0, 150) + "…(" + s.length() + " chars)…" + s.substring(s.length() - 150) : s;
    }
}
