package dev.bulwark.server.icap;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

class ChunkedDecoderFuzzTest {
    /** Chunked bodies and ICAP heads from arbitrary bytes: no exception, no unbounded growth, always progress. */
    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        ChunkedDecoder d = new ChunkedDecoder();
        HeadReader h = new HeadReader(4096);
        int steps = 0;
        while (data.remainingBytes() > 0) {
            byte[] piece = data.consumeBytes(data.consumeInt(1, 64));
            ByteBuffer in = ByteBuffer.wrap(piece);
            ByteBuffer in2 = ByteBuffer.wrap(piece);
            while (true) {
                if (++steps > 1_000_000) throw new AssertionError("no progress");
                ChunkedDecoder.Event ev = d.next(in);
                if (ev == ChunkedDecoder.Event.END) d.reset();
                else if (ev != ChunkedDecoder.Event.DATA) break;
            }
            if (h.next(in2) != HeadReader.Event.NEED_MORE) {
                try {
                    IcapRequest.parse(h.bytes());
                } catch (IcapRequest.BadRequest expected) {
                    // malformed heads are rejected with a status, never an exception of another kind
                }
                h.reset();
            }
        }
    }
}
