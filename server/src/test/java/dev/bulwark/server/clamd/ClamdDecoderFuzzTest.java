package dev.bulwark.server.clamd;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

class ClamdDecoderFuzzTest {
    /** Arbitrary bytes in arbitrary splits, with INSTREAM honoured: the decoder must never throw or loop. */
    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        ClamdDecoder d = new ClamdDecoder();
        long quota = data.consumeLong(0, 1 << 20);
        int steps = 0;
        while (data.remainingBytes() > 0) {
            byte[] piece = data.consumeBytes(data.consumeInt(1, 64));
            ByteBuffer in = ByteBuffer.wrap(piece);
            while (true) {
                if (++steps > 1_000_000) throw new AssertionError("decoder does not make progress");
                ClamdDecoder.Event ev = d.next(in);
                if (ev == ClamdDecoder.Event.NEED_MORE) break;
                if (ev == ClamdDecoder.Event.COMMAND) {
                    if (d.command().length() > ClamdDecoder.MAX_LINE) throw new AssertionError("unbounded command");
                    if (d.command().equals("INSTREAM")) d.startStream(quota);
                    ClamdCommand.parse(d.command(), d.prefix() == 0);
                }
                if (ev == ClamdDecoder.Event.CHUNK && d.chunk().remaining() > piece.length) throw new AssertionError("chunk larger than input");
            }
            if (d.inOldStyleLine()) d.endOfPacket();
        }
    }
}
