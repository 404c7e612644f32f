package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClamdDecoderTest {

    /** Decodes {@code input} fed in pieces of the given sizes; INSTREAM switches to stream mode. */
    static List<String> decode(byte[] input, int[] splits, long quota) {
        ClamdDecoder d = new ClamdDecoder();
        List<String> events = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int pos = 0, si = 0;
        while (pos < input.length) {
            int n = Math.min(input.length - pos, splits[si++ % splits.length]);
            ByteBuffer in = ByteBuffer.wrap(input, pos, n);
            pos += n;
            while (true) {
                ClamdDecoder.Event ev = d.next(in);
                if (ev == ClamdDecoder.Event.NEED_MORE) break;
                switch (ev) {
                    case COMMAND -> {
                        events.add("CMD " + (char) (d.prefix() == 0 ? '-' : d.prefix()) + " " + d.command());
                        if (d.command().equals("INSTREAM")) d.startStream(quota);
                    }
                    case CHUNK -> {
                        ByteBuffer c = d.chunk();
                        byte[] b = new byte[c.remaining()];
                        c.get(b);
                        stream.writeBytes(b);
                    }
                    case STREAM_END -> {
                        events.add("STREAM " + stream.toString(StandardCharsets.ISO_8859_1));
                        stream.reset();
                    }
                    default -> events.add(ev.name());
                }
            }
        }
        return events;
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) o.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            else if (p instanceof Integer len) o.writeBytes(ByteBuffer.allocate(4).putInt(len).array());
        }
        return o.toByteArray();
    }

    private static final byte[] SESSION = bytes("zIDSESSION\0", "nPING\n", "zINSTREAM\0", 5, "hello", 3, "abc", 0,
            "nVERSION\r\n", "zSCAN /tmp/a b\0", "zEND\0");
    private static final List<String> SESSION_EVENTS = List.of("CMD z IDSESSION", "CMD n PING", "CMD z INSTREAM",
            "STREAM helloabc", "CMD n VERSION", "CMD z SCAN /tmp/a b", "CMD z END");

    @Test
    void sameEventsForEverySplit() {
        assertEquals(SESSION_EVENTS, decode(SESSION, new int[] {SESSION.length}, 100));
        assertEquals(SESSION_EVENTS, decode(SESSION, new int[] {1}, 100));
        Random r = new Random(42);
        for (int i = 0; i < 200; i++) {
            int[] splits = r.ints(20, 1, 12).toArray();
            assertEquals(SESSION_EVENTS, decode(SESSION, splits, 100), "splits " + java.util.Arrays.toString(splits));
        }
    }

    @Test
    void truncationAtEveryLengthNeverFails() {
        for (int len = 0; len <= SESSION.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(SESSION, len);
            List<String> ev = decode(cut, new int[] {1}, 100);
            // a prefix of the input yields a prefix of the events
            assertEquals(SESSION_EVENTS.subList(0, ev.size()), ev, "length " + len);
        }
    }

    @Test
    void oldStyleCommandEndsAtNewlineOrPacket() {
        assertEquals(List.of("CMD - PING"), decode(bytes("PING\n"), new int[] {1}, 0));
        assertEquals(List.of("CMD - SCAN /x"), decode(bytes("SCAN /x\r\n"), new int[] {100}, 0));
        ClamdDecoder d = new ClamdDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes("PING"));
        assertEquals(ClamdDecoder.Event.NEED_MORE, d.next(in));
        assertTrue(d.inOldStyleLine());
        assertEquals(ClamdDecoder.Event.COMMAND, d.endOfPacket());
        assertEquals("PING", d.command());
        assertEquals(0, d.prefix());
    }

    @Test
    void zCommandKeepsNewlineSoItIsGarbage() {
        assertEquals(List.of("CMD z PING\n"), decode(bytes("zPING\n\0"), new int[] {1}, 0));
    }

    @Test
    void streamQuotaIsExactlyStreamMaxLength() {
        assertEquals(List.of("CMD z INSTREAM", "STREAM 12345"), decode(bytes("zINSTREAM\0", 5, "12345", 0), new int[] {1}, 5));
        assertEquals(List.of("CMD z INSTREAM", "STREAM_TOO_LARGE"), decode(bytes("zINSTREAM\0", 3, "123", 3, "456", 0), new int[] {1}, 5));
        assertEquals(List.of("CMD z INSTREAM", "STREAM_TOO_LARGE"), decode(bytes("zINSTREAM\0", 0xFFFFFFFF), new int[] {2}, 100L << 20));
        assertEquals(List.of("CMD z INSTREAM", "STREAM "), decode(bytes("zINSTREAM\0", 0), new int[] {1}, 0));
    }

    @Test
    void tooLongCommandIsRejectedWithoutBufferingMore() {
        byte[] big = new byte[ClamdDecoder.MAX_LINE + 10];
        java.util.Arrays.fill(big, (byte) 'A');
        big[0] = 'z';
        assertEquals(List.of("LINE_TOO_LONG"), decode(big, new int[] {7}, 0));
        byte[] ok = new byte[ClamdDecoder.MAX_LINE];
        java.util.Arrays.fill(ok, (byte) 'B');
        ok[0] = 'n';
        ok[ok.length - 1] = '\n';
        assertEquals(1, decode(ok, new int[] {100}, 0).size());
        assertTrue(decode(ok, new int[] {100}, 0).get(0).startsWith("CMD n BBB"));
        byte[] over = java.util.Arrays.copyOf(ok, ok.length + 1);
        over[over.length - 2] = 'B';
        over[over.length - 1] = '\n';
        assertEquals(List.of("LINE_TOO_LONG"), decode(over, new int[] {100}, 0));
        // old style: clamd takes a full buffer without newline as the command (then UNKNOWN COMMAND)
        byte[] old = new byte[5000];
        java.util.Arrays.fill(old, (byte) 'A');
        List<String> ev = decode(old, new int[] {5000}, 0);
        assertEquals(1, ev.size());
        assertEquals("CMD - " + "A".repeat(ClamdDecoder.MAX_LINE), ev.get(0));
    }

    @Test
    void crBeforeNewlineIsReplayedAsANul() {
        ClamdDecoder d = new ClamdDecoder();
        assertEquals(ClamdDecoder.Event.COMMAND, d.next(ByteBuffer.wrap(bytes("nSCAN /x\r\n"))));
        assertEquals("SCAN /x", d.command());
        assertEquals("\0", replay(d));
        assertEquals(ClamdDecoder.Event.COMMAND, d.next(ByteBuffer.wrap(bytes("nPING\n"))));
        assertEquals("", replay(d));
        assertEquals(ClamdDecoder.Event.COMMAND, d.next(ByteBuffer.wrap(bytes("nPING\r\r\n"))));
        assertEquals("\r\0", replay(d));
    }

    @Test
    void nulEndsAnNCommandAndTheRestIsReplayed() {
        ClamdDecoder d = new ClamdDecoder();
        assertEquals(ClamdDecoder.Event.COMMAND, d.next(ByteBuffer.wrap(bytes("nSCAN /x\0junk\n"))));
        assertEquals("SCAN /x", d.command());
        assertEquals("junk\0", replay(d));
        assertEquals(ClamdDecoder.Event.COMMAND, d.next(ByteBuffer.wrap(bytes("nPING\0zPING\0\n"))));
        assertEquals("PING", d.command());
        assertEquals("zPING\0\0", replay(d));
        // a z command is not a C string: its NUL is its end, nothing is replayed
        assertEquals(ClamdDecoder.Event.COMMAND, d.next(ByteBuffer.wrap(bytes("zPING\r\0"))));
        assertEquals("PING\r", d.command());
        assertEquals("", replay(d));
    }

    private static String replay(ClamdDecoder d) {
        return new String(d.replayBytes(), 0, d.replayLength(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void commandTableMatchesClamdPrefixRules() {
        assertEquals(ClamdCommand.VERSIONCOMMANDS, ClamdCommand.parse("VERSIONCOMMANDS", false).command());
        assertEquals(ClamdCommand.UNKNOWN, ClamdCommand.parse("VERSIONCOMMANDS", true).command());
        assertEquals(ClamdCommand.UNKNOWN, ClamdCommand.parse("PING extra", false).command());
        assertEquals(ClamdCommand.UNKNOWN, ClamdCommand.parse("ping", false).command());
        assertEquals(ClamdCommand.UNKNOWN, ClamdCommand.parse("SCAN", false).command());
        assertEquals(" /p", ClamdCommand.parse("SCAN  /p", false).argument());
        assertEquals("/p ", ClamdCommand.parse("SCAN /p ", false).argument());
        assertEquals(ClamdCommand.DETSTATSCLEAR, ClamdCommand.parse("DETSTATSCLEAR", true).command());
        assertEquals(ClamdCommand.UNKNOWN, ClamdCommand.parse("INSTREAM", true).command());
        assertEquals(ClamdCommand.UNKNOWN, ClamdCommand.parse("ALLMATCHSCAN /x", true).command());
        assertEquals(" SCAN QUIT RELOAD PING CONTSCAN VERSIONCOMMANDS VERSION END SHUTDOWN MULTISCAN FILDES STATS IDSESSION"
                + " INSTREAM DETSTATSCLEAR DETSTATS ALLMATCHSCAN", ClamdCommand.COMMAND_LIST);
    }
}
