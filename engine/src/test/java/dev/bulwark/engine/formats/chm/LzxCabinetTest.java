package dev.bulwark.engine.formats.chm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.cab.CabExtractor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No tool here writes LZX cabinets, so one is assembled from the LZX stream inside clam.chm: its
 * reset table gives the packed offset of every 32 KiB frame, which is exactly how a CAB folder
 * splits LZX data into CFDATA blocks. The CAB path must then decode the same bytes as the CHM path.
 */
@Timeout(300) // hang guard only
class LzxCabinetTest {
    private static final int FRAME = 32 * 1024;

    @Test
    void cabinetBuiltFromChmLzxStreamDecodesLikeTheChm() throws Exception {
        byte[] chm = Samples.read("clam.chm");
        ByteBuffer b = ByteBuffer.wrap(chm).order(ByteOrder.LITTLE_ENDIAN);
        long dirOff = Bytes.u64le(b, 0x48);
        long content0 = Bytes.u64le(b, 0x58);
        Map<String, ChmExtractor.Entry> byName = new HashMap<>();
        for (ChmExtractor.Entry e : ChmExtractor.directory(b, dirOff, RecordingContext.defaults())) byName.put(e.name(), e);
        ChmExtractor.Entry content = byName.get(ChmExtractor.CONTENT), control = byName.get(ChmExtractor.CONTROL),
                reset = byName.get(ChmExtractor.RESET_TABLE);
        long c = content0 + control.offset();
        long interval = Bytes.u32le(b, c + 12) * FRAME, window = Bytes.u32le(b, c + 16) * FRAME;
        int windowBits = 63 - Long.numberOfLeadingZeros(window);
        long r = content0 + reset.offset();
        int entries = (int) Bytes.u32le(b, r + 4);
        long headerLen = Bytes.u32le(b, r + 12);
        long size = Bytes.u64le(b, r + 16);
        int frames = (int) Math.min(entries, Math.min((size + FRAME - 1) / FRAME, interval / FRAME)); // one reset interval
        long total = Math.min(size, (long) frames * FRAME);
        assertTrue(frames >= 1);

        // the reference: the content as the CHM path decodes it
        ContentStream cs = ContentStream.open(b, content0, content, control, reset);
        byte[] expected = cs.window(0, total).readAllBytes();
        assertEquals(total, expected.length);

        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int k = 0; k < frames; k++) {
            long from = Bytes.u64le(b, r + headerLen + 8L * k);
            long to = k + 1 < entries ? Bytes.u64le(b, r + headerLen + 8L * (k + 1)) : content.length();
            int ucb = (int) Math.min(FRAME, total - (long) k * FRAME);
            ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0).putShort((short) (to - from)).putShort((short) ucb);
            data.writeBytes(h.array());
            data.write(chm, (int) (content0 + content.offset() + from), (int) (to - from));
        }
        byte[] cab = cabinet(3 | windowBits << 8, frames, data.toByteArray(), "content.bin", total);
        RecordingContext ctx = RecordingContext.defaults();
        new CabExtractor().extract(TestLayer.of(cab, FileType.MSCAB), ctx);
        assertEquals(List.of(), ctx.notes());
        assertArrayEquals(expected, ctx.extracted().get(0).data());
        Contract.run(new CabExtractor(), FileType.MSCAB, cab);
        Contract.flips(new CabExtractor(), FileType.MSCAB, cab, 11);
    }

    /** A one-folder, one-file cabinet around ready-made CFDATA blocks. */
    static byte[] cabinet(int typeCompress, int blocks, byte[] cfdata, String name, long size) {
        byte[] n = (name + "\0").getBytes();
        int filesOff = 36 + 8;
        int dataOff = filesOff + 16 + n.length;
        ByteBuffer h = ByteBuffer.allocate(dataOff + cfdata.length).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {'M', 'S', 'C', 'F'}).putInt(0).putInt(dataOff + cfdata.length).putInt(0).putInt(filesOff).putInt(0)
                .put((byte) 3).put((byte) 1).putShort((short) 1).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        h.putInt(dataOff).putShort((short) blocks).putShort((short) typeCompress);
        h.putInt((int) size).putInt(0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x20).put(n);
        h.put(cfdata);
        return h.array();
    }
}
