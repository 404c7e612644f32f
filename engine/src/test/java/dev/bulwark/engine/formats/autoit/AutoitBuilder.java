package dev.bulwark.engine.formats.autoit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Writes compiled-AutoIt payloads (EA05 or EA06) for tests, with our own LZ encoder (greedy, brute force). */
final class AutoitBuilder {
    private static final byte[] GUID = HexFormat.of().parseHex("a3484bbe986c4aa9994c530a86d6487d");

    private AutoitBuilder() {}

    record Entry(String tag, String name, byte[] data, boolean compress) {}

    static byte[] build(boolean ea06, Entry... entries) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(GUID);
        o.writeBytes(("AU3!EA0" + (ea06 ? "6" : "5")).getBytes(StandardCharsets.US_ASCII));
        byte[] key = new byte[16];
        for (int i = 0; i < 16; i++) key[i] = (byte) (i * 37 + 11);
        o.writeBytes(key);
        int sum = 0;
        for (byte k : key) sum += k & 0xff;
        for (Entry e : entries) {
            le(o, ea06 ? 0x52ca436b : 0xceb06dff);
            string(o, e.tag, ea06, ea06 ? 0xadbc : 0x29bc, ea06 ? 0xb33f : 0xa25e);
            string(o, e.name, ea06, ea06 ? 0xf820 : 0x29ac, ea06 ? 0xf479 : 0xf25e);
            byte[] payload = e.data;
            if (e.compress) payload = compress(e.data, ea06);
            int sizeKey = ea06 ? 0x87bc : 0x45aa;
            o.write(e.compress ? 1 : 0);
            le(o, payload.length ^ sizeKey);
            le(o, e.data.length ^ sizeKey);
            le(o, 0x1234 ^ (ea06 ? 0xa685 : 0xc3d2));
            o.writeBytes(new byte[16]);
            byte[] enc = payload.clone();
            (ea06 ? Keystream.ea06(0x2477) : Keystream.ea05(0x22af + sum)).apply(enc, 0, enc.length);
            o.writeBytes(enc);
        }
        return o.toByteArray();
    }

    private static void string(ByteArrayOutputStream o, String s, boolean ea06, int lenKey, int seed) {
        byte[] b = s.getBytes(ea06 ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
        le(o, s.length() ^ lenKey);
        (ea06 ? Keystream.ea06((s.length() + seed) & 0xffff) : Keystream.ea05(s.length() + seed)).apply(b, 0, b.length);
        o.writeBytes(b);
    }

    static byte[] compress(byte[] data, boolean ea06) {
        Bits w = new Bits();
        int match = ea06 ? 0 : 1;
        int pos = 0;
        while (pos < data.length) {
            int best = 0, dist = 0;
            for (int from = Math.max(0, pos - 0x7fff); from < pos; from++) {
                int n = 0;
                while (pos + n < data.length && data[from + n] == data[pos + n] && n < 1000) n++;
                if (n > best) {
                    best = n;
                    dist = pos - from;
                }
            }
            if (best >= 3) {
                w.put(match, 1);
                w.put(dist, 15);
                length(w, best);
                pos += best;
            } else {
                w.put(1 - match, 1);
                w.put(data[pos++] & 0xff, 8);
            }
        }
        byte[] bits = w.bytes();
        byte[] out = new byte[8 + bits.length];
        byte[] magic = (ea06 ? "EA06" : "EA05").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, out, 0, 4);
        out[4] = (byte) (data.length >>> 24);
        out[5] = (byte) (data.length >>> 16);
        out[6] = (byte) (data.length >>> 8);
        out[7] = (byte) data.length;
        System.arraycopy(bits, 0, out, 8, bits.length);
        return out;
    }

    private static void length(Bits w, int len) {
        int v = len - 3;
        if (v < 3) { w.put(v, 2); return; }
        w.put(3, 2);
        v -= 3;
        if (v < 7) { w.put(v, 3); return; }
        w.put(7, 3);
        v -= 7;
        if (v < 31) { w.put(v, 5); return; }
        w.put(31, 5);
        v -= 31;
        if (v < 255) { w.put(v, 8); return; }
        w.put(255, 8);
        v -= 255;
        while (v >= 255) { w.put(255, 8); v -= 255; }
        w.put(v, 8);
    }

    /** Big-endian 16-bit words, most significant bit first. */
    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int word, n;

        void put(int v, int count) {
            for (int i = count - 1; i >= 0; i--) {
                word = word << 1 | (v >>> i & 1);
                if (++n == 16) {
                    out.write(word >>> 8);
                    out.write(word);
                    word = 0;
                    n = 0;
                }
            }
        }

        byte[] bytes() {
            if (n > 0) put(0, 16 - n);
            return out.toByteArray();
        }
    }

    private static void le(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >>> 8);
        o.write(v >>> 16);
        o.write(v >>> 24);
    }
}
