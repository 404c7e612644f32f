package dev.bulwark.server.icap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedDecoderTest {
    record Out(String data, String end, boolean ieof) {}

    static Out decode(String wire, int[] splits) {
        byte[] in = wire.getBytes(StandardCharsets.ISO_8859_1);
        ChunkedDecoder d = new ChunkedDecoder();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int pos = 0, si = 0;
        while (pos < in.length) {
            int n = Math.min(in.length - pos, splits[si++ % splits.length]);
            ByteBuffer b = ByteBuffer.wrap(in, pos, n);
            pos += n;
            while (true) {
                ChunkedDecoder.Event ev = d.next(b);
                if (ev == ChunkedDecoder.Event.DATA) {
                    ByteBuffer c = d.data();
                    byte[] a = new byte[c.remaining()];
                    c.get(a);
                    data.writeBytes(a);
                    continue;
                }
                if (ev == ChunkedDecoder.Event.NEED_MORE) break;
                return new Out(data.toString(StandardCharsets.ISO_8859_1), ev.name() + (d.error() != null ? ":" + d.error() : ""), d.ieof());
            }
        }
        return new Out(data.toString(StandardCharsets.ISO_8859_1), "NEED_MORE", false);
    }

    static final String BODY = "5\r\nhello\r\n1a; name=x\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n";

    @Test
    void decodesAtEverySplit() {
        Out want = new Out("helloabcdefghijklmnopqrstuvwxyz", "END", false);
        assertEquals(want, decode(BODY, new int[] {BODY.length()}));
        assertEquals(want, decode(BODY, new int[] {1}));
        Random r = new Random(7);
        for (int i = 0; i < 300; i++) assertEquals(want, decode(BODY, r.ints(10, 1, 9).toArray()));
    }

    @Test
    void ieofAndTrailersAndBareLf() {
        assertEquals(new Out("abc", "END", true), decode("3\r\nabc\r\n0; ieof\r\n\r\n", new int[] {1}));
        assertEquals(new Out("abc", "END", false), decode("3\nabc\n0\nX-Trailer: 1\n\n", new int[] {2}));
        assertEquals(new Out("", "END", true), decode("0; ieof\r\n\r\n", new int[] {3}));
    }

    @Test
    void truncationAtEveryLengthNeedsMore() {
        for (int len = 0; len < BODY.length(); len++) {
            Out o = decode(BODY.substring(0, len), new int[] {1});
            assertEquals("NEED_MORE", o.end(), "length " + len);
        }
    }

    @Test
    void malformedInputIsAnError() {
        assertTrue(decode("zz\r\n", new int[] {1}).end().startsWith("ERROR"));
        assertTrue(decode("3\r\nabcX", new int[] {1}).end().startsWith("ERROR"));
        assertTrue(decode("fffffffffff\r\n", new int[] {1}).end().startsWith("ERROR"), "no overflow of the size");
        assertTrue(decode("3;" + "x".repeat(2000) + "\r\n", new int[] {64}).end().startsWith("ERROR"));
        assertTrue(decode("0\r\n" + "X: y\r\n".repeat(3000), new int[] {512}).end().startsWith("ERROR"));
    }

    @Test
    void resetReadsTheRestAfterAPreview() {
        ChunkedDecoder d = new ChunkedDecoder();
        ByteBuffer b = ByteBuffer.wrap("2\r\nab\r\n0\r\n\r\n3\r\ncde\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ChunkedDecoder.Event.DATA, d.next(b));
        assertEquals(ChunkedDecoder.Event.END, d.next(b));
        assertFalse(d.ieof());
        d.reset();
        assertEquals(ChunkedDecoder.Event.DATA, d.next(b));
        assertNotNull(d.data());
        assertEquals(3, d.data().remaining());
        assertEquals(ChunkedDecoder.Event.END, d.next(b));
    }

    @Test
    void headReaderStopsAtBlankLineAndAtItsBound() {
        HeadReader h = new HeadReader(32);
        ByteBuffer b = ByteBuffer.wrap("OPTIONS icap://x/avscan ICAP/1.0\r\nHost: x\r\n\r\nrest".getBytes(StandardCharsets.US_ASCII));
        assertEquals(HeadReader.Event.TOO_LARGE, h.next(b));
        HeadReader h2 = new HeadReader(1024);
        ByteBuffer b2 = ByteBuffer.wrap("OPTIONS icap://x/avscan ICAP/1.0\r\nHost: x\r\n\r\nrest".getBytes(StandardCharsets.US_ASCII));
        assertEquals(HeadReader.Event.DONE, h2.next(b2));
        assertEquals(4, b2.remaining());
        HeadReader h3 = new HeadReader(1024);
        h3.expect(3);
        ByteBuffer b3 = ByteBuffer.wrap("abcdef".getBytes(StandardCharsets.US_ASCII));
        assertEquals(HeadReader.Event.DONE, h3.next(b3));
        assertEquals("abc", new String(h3.bytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void icapRequestParsing() throws Exception {
        IcapRequest r = IcapRequest.parse(("RESPMOD icap://127.0.0.1:1344/avscan ICAP/1.0\r\nHost: h\r\nAllow: 204, trailers\r\n"
                + "Preview: 1024\r\nEncapsulated: req-hdr=0, res-hdr=45, res-body=120\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals("avscan", r.service());
        assertTrue(r.allows("204"));
        assertEquals(1024, r.preview());
        assertEquals(120, r.bodyOffset());
        assertEquals(120, r.headersLength());
        for (String bad : new String[] {"GET / HTTP/1.1\r\n\r\n", "OPTIONS icap://x/s ICAP/2.0\r\n\r\n",
                "OPTIONS icap://x/s ICAP/1.0\r\nbroken\r\n\r\n", "REQMOD icap://x/s ICAP/1.0\r\nEncapsulated: req-hdr=-1\r\n\r\n"}) {
            try {
                IcapRequest.parse(bad.getBytes(StandardCharsets.US_ASCII));
                throw new AssertionError("accepted: " + bad);
            } catch (IcapRequest.BadRequest expected) {
                assertTrue(expected.status == 400 || expected.status == 505);
            }
        }
    }
}
