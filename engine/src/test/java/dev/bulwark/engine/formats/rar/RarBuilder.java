package dev.bulwark.engine.formats.rar;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Writes RAR 4 and RAR 5 archives with stored (or flagged) members, header CRCs included. */
final class RarBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean v5;

    private RarBuilder(boolean v5) {
        this.v5 = v5;
        if (v5) {
            out.writeBytes(new byte[] {'R', 'a', 'r', '!', 0x1a, 7, 1, 0});
            header5(1, 0, vint(0)); // main header, archive flags 0
        } else {
            out.writeBytes(new byte[] {'R', 'a', 'r', '!', 0x1a, 7, 0});
            header4(0x73, 0, new byte[6]); // main header: HighPosAV, PosAV
        }
    }

    static RarBuilder rar4() { return new RarBuilder(false); }
    static RarBuilder rar5() { return new RarBuilder(true); }

    static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    /** A member: {@code method} 0 = stored, anything else = compressed (the data is written as given). */
    RarBuilder file(String name, byte[] data, int method, boolean encrypted, boolean dir) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (v5) {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.writeBytes(vint((dir ? 1 : 0) | 4)); // file flags: directory?, CRC present
            f.writeBytes(vint(data.length));
            f.writeBytes(vint(0x20));
            f.writeBytes(le32(crc(data)));
            f.writeBytes(vint((long) method << 7));
            f.writeBytes(vint(2));
            f.writeBytes(vint(n.length));
            f.writeBytes(n);
            byte[] extra = encrypted ? concat(vint(2), vint(1), vint(0)) : new byte[0]; // size, type 1 (encryption), version
            header5Data(2, f.toByteArray(), extra, data.length);
        } else {
            ByteBuffer h = ByteBuffer.allocate(25 + n.length).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(data.length).putInt(data.length).put((byte) 2).putInt((int) crc(data)).putInt(0).put((byte) 29)
                    .put((byte) (method == 0 ? 0x30 : 0x33)).putShort((short) n.length).putInt(0x20).put(n);
            int flags = 0x8000 | (encrypted ? 4 : 0) | (dir ? 0xe0 : 0);
            header4(0x74, flags, h.array());
        }
        out.writeBytes(data);
        return this;
    }

    /** Marks the headers as encrypted (RAR 4 main-header flag / RAR 5 encryption header). */
    RarBuilder encryptedHeaders() {
        if (v5) header5(4, 0, concat(vint(0), vint(0), new byte[17])); // version, flags, KDF count, salt
        else header4(0x73, 0x80, new byte[6]);
        return this;
    }

    byte[] finish() {
        if (v5) header5(5, 0, vint(0));
        else header4(0x7b, 0x4000, new byte[0]);
        return out.toByteArray();
    }

    private void header4(int type, int flags, byte[] body) {
        ByteBuffer h = ByteBuffer.allocate(7 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) 0).put((byte) type).putShort((short) flags).putShort((short) (7 + body.length)).put(body);
        byte[] a = h.array();
        CRC32 c = new CRC32();
        c.update(a, 2, a.length - 2);
        a[0] = (byte) c.getValue();
        a[1] = (byte) (c.getValue() >> 8);
        out.writeBytes(a);
    }

    private void header5(int type, int flags, byte[] fields) {
        header5Raw(concat(vint(type), vint(flags), fields));
    }

    private void header5Data(int type, byte[] fields, byte[] extra, long dataSize) {
        int flags = 2 | (extra.length > 0 ? 1 : 0);
        byte[] sizes = extra.length > 0 ? concat(vint(extra.length), vint(dataSize)) : vint(dataSize);
        header5Raw(concat(vint(type), vint(flags), sizes, fields, extra));
    }

    private void header5Raw(byte[] body) {
        byte[] withSize = concat(vint(body.length), body);
        out.writeBytes(le32(crc(withSize)));
        out.writeBytes(withSize);
    }

    static byte[] vint(long v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        do {
            int x = (int) (v & 0x7f);
            v >>>= 7;
            o.write(v != 0 ? x | 0x80 : x);
        } while (v != 0);
        return o.toByteArray();
    }

    static byte[] le32(long v) { return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)}; }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }
}
