package dev.bulwark.engine.formats.upx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/** Builds small UPX-style PE32 files (UPX0 empty, UPX1 = NRV stream + stub) around test payloads. */
final class SyntheticUpx {
    static final byte[] BODY = HexFormat.of().parseHex("bb7110400033c050508bf3535350b029");
    private static final int IMAGE_BASE = 0x400000;

    private SyntheticUpx() {}

    /**
     * Data that decodes to the body signature only through a back-reference: its first half is sent once
     * as literals before, so the packed file never holds the 16 bytes in a row.
     */
    static byte[] payload(int size) {
        byte[] p = dev.bulwark.engine.formats.archivetest.Samples.wordSoup(size, 7);
        System.arraycopy(BODY, 0, p, 100, 8);
        System.arraycopy(BODY, 0, p, size / 2, BODY.length);
        return p;
    }

    static byte[] pe(Nrv.Variant v, byte[] image) {
        return pe(v, image, false);
    }

    /**
     * The memory image UPX compresses for a 64-bit program: the sections' data, then (as UPX keeps it)
     * a copy of the original PE32+ header describing one .text section at RVA 0x1000.
     */
    static byte[] imageWithHeader64(byte[] text) {
        int hdr = (text.length + 0x1ff) & ~0x1ff;
        byte[] img = new byte[hdr + 24 + 0xf0 + 40];
        System.arraycopy(text, 0, img, 0, text.length);
        ByteBuffer o = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        o.putInt(hdr, 0x4550);
        o.putShort(hdr + 4, (short) 0x8664);
        o.putShort(hdr + 6, (short) 1);
        o.putShort(hdr + 20, (short) 0xf0);
        int opt = hdr + 24;
        o.putShort(opt, (short) 0x20b);
        o.putInt(opt + 16, 0x1010);
        o.putLong(opt + 24, 0x140000000L);
        o.putInt(opt + 32, 0x1000);
        o.putInt(opt + 36, 0x200);
        o.putInt(opt + 56, 0x1000 + hdr);
        int s = opt + 0xf0;
        img[s] = '.';
        img[s + 1] = 't';
        img[s + 2] = 'x';
        img[s + 3] = 't';
        o.putInt(s + 8, text.length);
        o.putInt(s + 12, 0x1000);
        return img;
    }

    static byte[] pe(Nrv.Variant v, byte[] image, boolean pe64) {
        byte[] stream = NrvEncoder.encode(v, image);
        int stubOff = (stream.length + 15) & ~15;
        byte[] stub = new byte[0x200];
        stub[0] = 0x60;                  // pusha
        stub[1] = (byte) 0xbe;           // mov esi, UPX1 (no skew)
        byte[] sig = switch (v) {
            case NRV2B -> Upx.SIG_2B;
            case NRV2D -> Upx.SIG_2D;
            case NRV2E -> Upx.SIG_2E;
        };
        System.arraycopy(sig, 0, stub, 0x69, sig.length);
        int raw1 = align(stubOff + stub.length, 0x200);
        int vsz0 = align(image.length, 0x1000), vsz1 = align(raw1, 0x1000);
        int rva0 = 0x1000, rva1 = rva0 + vsz0;
        ByteBuffer.wrap(stub).order(ByteOrder.LITTLE_ENDIAN).putInt(2, IMAGE_BASE + rva1);
        byte[] f = new byte[0x200 + raw1];
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        f[0] = 'M';
        f[1] = 'Z';
        o.putInt(0x3c, 0x40);
        o.putInt(0x40, 0x4550);
        o.putShort(0x44, (short) 0x14c);
        o.putShort(0x46, (short) 2);
        int optSize = pe64 ? 0xf0 : 0xe0;
        o.putShort(0x54, (short) optSize);
        o.putShort(0x56, (short) (pe64 ? 0x22 : 0x10f));
        if (pe64) o.putShort(0x44, (short) 0x8664);
        int opt = 0x58;
        o.putShort(opt, (short) (pe64 ? 0x20b : 0x10b));
        o.putInt(opt + 4, raw1);
        o.putInt(opt + 16, rva1 + stubOff);
        o.putInt(opt + 20, rva1);
        if (pe64) o.putLong(opt + 24, 0x140000000L);
        else o.putInt(opt + 28, IMAGE_BASE);
        o.putInt(opt + 32, 0x1000);
        o.putInt(opt + 36, 0x200);
        o.putShort(opt + 40, (short) 4);
        o.putShort(opt + 48, (short) 4);
        o.putInt(opt + 56, rva1 + vsz1);
        o.putInt(opt + 60, 0x200);
        o.putShort(opt + 68, (short) 2);
        if (!pe64) {
            o.putInt(opt + 72, 0x100000);
            o.putInt(opt + 76, 0x1000);
            o.putInt(opt + 80, 0x100000);
            o.putInt(opt + 84, 0x1000);
        }
        o.putInt(opt + (pe64 ? 108 : 92), 16);
        int s = opt + optSize;
        section(f, o, s, "UPX0", vsz0, rva0, 0, 0, 0xe0000080);
        section(f, o, s + 40, "UPX1", vsz1, rva1, raw1, 0x200, 0xe0000040);
        System.arraycopy(stream, 0, f, 0x200, stream.length);
        System.arraycopy(stub, 0, f, 0x200 + stubOff, stub.length);
        return f;
    }

    private static void section(byte[] f, ByteBuffer o, int s, String name, int vsz, int rva, int rsz, int ptr, int flags) {
        for (int i = 0; i < name.length(); i++) f[s + i] = (byte) name.charAt(i);
        o.putInt(s + 8, vsz);
        o.putInt(s + 12, rva);
        o.putInt(s + 16, rsz);
        o.putInt(s + 20, ptr);
        o.putInt(s + 36, flags);
    }

    private static int align(int v, int a) {
        return (v + a - 1) & -a;
    }
}
