package dev.bulwark.engine.formats.nsis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

/** Writes NSIS data (first header + blocks) the way makensis lays it out, for tests. */
final class NsisBuilder {
    enum Comp { STORED, ZLIB, LZMA }

    private NsisBuilder() {}

    /** Block 0 is the script header, the rest are files. */
    static byte[] archive(Comp comp, boolean solid, byte[]... blocks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (solid) {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            for (byte[] b : blocks) {
                plain.writeBytes(le(b.length));
                plain.writeBytes(b);
            }
            body.writeBytes(compress(comp, plain.toByteArray()));
        } else {
            for (byte[] b : blocks) {
                if (comp == Comp.STORED || b.length == 0) {
                    body.writeBytes(le(b.length));
                    body.writeBytes(b);
                } else {
                    byte[] c = compress(comp, b);
                    body.writeBytes(le(c.length | 0x80000000));
                    body.writeBytes(c);
                }
            }
        }
        body.writeBytes(le(0x12345678)); // CRC (not checked)
        byte[] data = body.toByteArray();
        ByteBuffer h = ByteBuffer.allocate(NsisExtractor.FIRST_HEADER + data.length).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0).putInt(0xdeadbeef).put("NullsoftInst".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        h.putInt(blocks[0].length).putInt(NsisExtractor.FIRST_HEADER + data.length).put(data);
        return h.array();
    }

    static byte[] compress(Comp comp, byte[] plain) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (comp) {
                case STORED -> out.writeBytes(plain);
                case ZLIB -> {
                    Deflater d = new Deflater(9, true);
                    try (OutputStream z = new DeflaterOutputStream(out, d)) {
                        z.write(plain);
                    }
                    d.end();
                }
                case LZMA -> {
                    LZMA2Options o = new LZMA2Options();
                    o.setDictSize(1 << 16);
                    out.write(0x5d);
                    out.writeBytes(le(1 << 20)); // the decoder may be told a larger dictionary than was used
                    try (OutputStream z = new LZMAOutputStream(out, o, true) /* makensis ends its LZMA streams with the end marker */) {
                        z.write(plain);
                    }
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] le(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >>> 24)};
    }
}
