package dev.bulwark.engine.formats.cab;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Single-folder Quantum cabinets for tests: the files concatenated, compressed by {@link QuantumEncoder}. */
final class QuantumCab {
    /** Compression type: Quantum (2), level 4 (bits 4-7; informational), window bits in 8-12. */
    static int type(int windowBits) {
        return 2 | 4 << 4 | windowBits << 8;
    }

    private QuantumCab() {}

    static byte[] build(Map<String, byte[]> files, int windowBits) {
        return build(files, windowBits, new QuantumEncoder(windowBits));
    }

    static byte[] build(Map<String, byte[]> files, int windowBits, QuantumEncoder encoder) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] f : files.values()) all.writeBytes(f);
        byte[] data = all.toByteArray();
        List<byte[]> blocks = encoder.encode(data);
        ByteArrayOutputStream fileTable = new ByteArrayOutputStream();
        long offset = 0;
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            ByteBuffer f = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            f.putInt(e.getValue().length).putInt((int) offset).putShort((short) 0);
            f.putShort((short) ((1997 - 1980) << 9 | 3 << 5 | 12)).putShort((short) (11 << 11 | 13 << 5 | 26)).putShort((short) 0x20);
            fileTable.writeBytes(f.array());
            fileTable.writeBytes(e.getKey().getBytes(StandardCharsets.US_ASCII));
            fileTable.write(0);
            offset += e.getValue().length;
        }
        int header = 36, folder = 8;
        int filesAt = header + folder, dataAt = filesAt + fileTable.size();
        ByteArrayOutputStream dataBlocks = new ByteArrayOutputStream();
        for (int i = 0; i < blocks.size(); i++) {
            byte[] p = blocks.get(i);
            int ucb = Math.min(QuantumEncoder.FRAME, data.length - i * QuantumEncoder.FRAME);
            ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0).putShort((short) p.length).putShort((short) ucb); // checksum 0: none
            dataBlocks.writeBytes(h.array());
            dataBlocks.writeBytes(p);
        }
        ByteBuffer cab = ByteBuffer.allocate(dataAt + dataBlocks.size()).order(ByteOrder.LITTLE_ENDIAN);
        cab.put(new byte[] {'M', 'S', 'C', 'F'}).putInt(0).putInt(cab.capacity()).putInt(0).putInt(filesAt).putInt(0);
        cab.put((byte) 3).put((byte) 1).putShort((short) 1).putShort((short) files.size()).putShort((short) 0)
                .putShort((short) 0x1234).putShort((short) 0);
        cab.putInt(dataAt).putShort((short) blocks.size()).putShort((short) type(windowBits));
        cab.put(fileTable.toByteArray());
        cab.put(dataBlocks.toByteArray());
        return cab.array();
    }
}
