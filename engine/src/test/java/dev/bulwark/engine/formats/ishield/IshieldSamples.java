package dev.bulwark.engine.formats.ishield;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/** Builds InstallShield containers the way the setup tools lay them out (encoders written for the tests). */
final class IshieldSamples {
    private IshieldSamples() {}

    /** An InstallShield-MSI stream starting at the "InstallShield\0" marker, one zlib stream per file. */
    static byte[] msiStream(String[] names, byte[][] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("InstallShield\0".getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer h = le(IshieldMsiExtractor.HEADER);
        h.putInt(0, names.length);
        out.writeBytes(h.array());
        for (int i = 0; i < names.length; i++) {
            byte[] name = names[i].getBytes(StandardCharsets.ISO_8859_1);
            Deflater d = new Deflater();
            d.setInput(contents[i]);
            d.finish();
            byte[] z = new byte[contents[i].length + 1024];
            int zn = d.deflate(z);
            d.end();
            byte[] key = IshieldMsiExtractor.key(name);
            for (int k = 0; k < zn; k++) { // XOR with the key, then swap nibbles: the inverse of the reader
                int c = (z[k] ^ key[(k & 0x3ff) % key.length]) & 0xFF;
                z[k] = (byte) (c >>> 4 | c << 4);
            }
            ByteBuffer b = le(IshieldMsiExtractor.BLOCK);
            b.put(0, name);
            b.putInt(0x104, 6);          // the fields ClamAV's recognition rule expects
            b.putLong(0x10c, zn);
            b.putInt(0x118, 1);
            out.writeBytes(b.array());
            out.write(z, 0, zn);
        }
        return out.toByteArray();
    }

    /** One file of an InstallShield overlay: name, path, version and decimal size strings, then the bytes. */
    static void overlayEntry(ByteArrayOutputStream out, String name, byte[] data) {
        for (String s : new String[] {name, "Disk1\\" + name, "0.0.0.0", Integer.toString(data.length)}) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        out.writeBytes(data);
    }

    /** A data cabinet holding {@code files} back to back, each as 16-bit-length-prefixed raw deflate chunks. */
    static byte[] dataCab(byte[][] files, long[] offsets, long[] csizes, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[0x200]); // cabinet header area, not read
        for (int f = 0; f < files.length; f++) {
            offsets[f] = out.size();
            for (int p = 0; p < files[f].length; p += chunk) {
                Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                int len = Math.min(chunk, files[f].length - p);
                d.setInput(files[f], p, len);
                d.finish();
                byte[] z = new byte[len + 1024];
                int zn = d.deflate(z);
                d.end();
                out.write(zn & 0xFF);
                out.write(zn >>> 8);
                out.write(z, 0, zn);
            }
            csizes[f] = out.size() - offsets[f];
        }
        return out.toByteArray();
    }

    /** A data1.hdr listing {@code names} (all internal, in cabinet 1) at the given stream offsets. */
    static byte[] header(String[] names, byte[][] files, long[] offsets, long[] csizes) {
        int dataOff = 0x200, dirsOff = 0x100, dirSz2 = 0x40;
        int table = dataOff + dirsOff + dirSz2;
        int strings = table + IscHeader.FILE * names.length;
        ByteBuffer b = le(strings + 64 * names.length);
        b.putInt(0, IscHeader.MAGIC);
        b.putInt(12, dataOff);
        b.putInt(dataOff + 12, dirsOff);
        b.putInt(dataOff + 40, names.length);
        b.putInt(dataOff + 44, dirSz2);
        for (int i = 0; i < names.length; i++) {
            int r = table + IscHeader.FILE * i;
            int s = strings + 64 * i;
            b.putShort(r, (short) 4);
            b.putLong(r + 2, files[i].length);
            b.putLong(r + 10, csizes[i]);
            b.putLong(r + 18, offsets[i]);
            b.putInt(r + 58, s - dataOff - dirsOff);
            b.putShort(r + 85, (short) 1);
            b.put(s, names[i].getBytes(StandardCharsets.ISO_8859_1));
        }
        return b.array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
