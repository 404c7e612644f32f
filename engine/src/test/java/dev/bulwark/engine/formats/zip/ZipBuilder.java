package dev.bulwark.engine.formats.zip;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/** Writes ZIP files byte by byte so tests control every header field (methods, flags, lies). */
final class ZipBuilder {
    record Entry(String name, int method, int flags, byte[] data, long size, long crc, long localOffset) {}

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Entry> entries = new ArrayList<>();

    ZipBuilder prefix(byte[] stub) {
        out.writeBytes(stub);
        return this;
    }

    /** Adds a member whose data is already encoded with {@code method}. */
    ZipBuilder add(String name, int method, int flags, byte[] encoded, byte[] plain) {
        CRC32 crc = new CRC32();
        crc.update(plain);
        Entry e = new Entry(name, method, flags, encoded, plain.length, crc.getValue(), out.size());
        entries.add(e);
        out.writeBytes(local(e));
        out.writeBytes(encoded);
        return this;
    }

    ZipBuilder stored(String name, byte[] plain) { return add(name, 0, 0, plain, plain); }

    int size() { return out.size(); }

    byte[] local(Entry e) {
        byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
        ByteBuffer h = ByteBuffer.allocate(30 + n.length).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x04034b50).putShort((short) 20).putShort((short) e.flags()).putShort((short) e.method()).putInt(0)
                .putInt((int) e.crc()).putInt(e.data().length).putInt((int) e.size()).putShort((short) n.length).putShort((short) 0).put(n);
        return h.array();
    }

    /** Raw bytes appended as they are (for hand-made overlapping layouts). */
    ZipBuilder raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** Registers a central record for a member whose local header the test wrote itself. */
    ZipBuilder central(Entry e) {
        entries.add(e);
        return this;
    }

    /** Central directory and end record; {@code withCentral=false} leaves just the local parts. */
    byte[] finish(boolean withCentral) {
        if (!withCentral) return out.toByteArray();
        int cdStart = out.size();
        for (Entry e : entries) {
            byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer h = ByteBuffer.allocate(46 + n.length).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) e.flags()).putShort((short) e.method())
                    .putInt(0).putInt((int) e.crc()).putInt(e.data().length).putInt((int) e.size()).putShort((short) n.length)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt((int) e.localOffset()).put(n);
            out.writeBytes(h.array());
        }
        int cdSize = out.size() - cdStart;
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        int count = Math.min(entries.size(), 0xffff);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count).putShort((short) count)
                .putInt(cdSize).putInt(cdStart).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }
}
