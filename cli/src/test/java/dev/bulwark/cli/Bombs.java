package dev.bulwark.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Builders for hostile containers that expand to gigabytes from a few megabytes. The deflate streams
 * are assembled from one sync-flushed block of compressed zeros repeated, so a 4 GiB member costs a
 * few milliseconds to build instead of compressing 4 GiB.
 */
final class Bombs {
    static final int MIB = 1 << 20;
    private static final byte[] ZERO_MIB = new byte[MIB];
    private static final byte[] ZERO_CHUNK = syncFlushedZeros();
    private static final byte[] FINAL_EMPTY_BLOCK = {0x03, 0x00}; // BFINAL=1, fixed Huffman, end-of-block

    private Bombs() {}

    /** Raw deflate data inflating to {@code mib} MiB of zeros. */
    static byte[] deflatedZeros(int mib) {
        byte[] out = new byte[ZERO_CHUNK.length * mib + FINAL_EMPTY_BLOCK.length];
        for (int i = 0; i < mib; i++) System.arraycopy(ZERO_CHUNK, 0, out, i * ZERO_CHUNK.length, ZERO_CHUNK.length);
        System.arraycopy(FINAL_EMPTY_BLOCK, 0, out, out.length - 2, 2);
        return out;
    }

    static long crcOfZeros(int mib) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < mib; i++) crc.update(ZERO_MIB);
        return crc.getValue();
    }

    /** A gzip member whose content is {@code mib} MiB of zeros. */
    static byte[] gzipZeros(int mib) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        o.writeBytes(deflatedZeros(mib));
        le32(o, crcOfZeros(mib));
        le32(o, (long) mib * MIB);
        return o.toByteArray();
    }

    /** gzip of arbitrary bytes (for nesting). */
    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (var g = new java.util.zip.GZIPOutputStream(o)) {
            g.write(data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return o.toByteArray();
    }

    /** A ZIP writer for deflated or stored members with sizes below 4 GiB (no ZIP64). */
    static final class Zip {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final ByteArrayOutputStream central = new ByteArrayOutputStream();
        private int count;

        Zip deflatedMember(String name, byte[] deflated, long crc, long size) {
            return member(name, 8, deflated, crc, size);
        }

        Zip storedMember(String name, byte[] data) {
            CRC32 c = new CRC32();
            c.update(data);
            return member(name, 0, data, c.getValue(), data.length);
        }

        Zip deflate(String name, byte[] data) {
            Deflater d = new Deflater(9, true);
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            while (!d.finished()) o.write(buf, 0, d.deflate(buf));
            d.end();
            CRC32 c = new CRC32();
            c.update(data);
            return member(name, 8, o.toByteArray(), c.getValue(), data.length);
        }

        private Zip member(String name, int method, byte[] data, long crc, long size) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            long offset = body.size();
            le32(body, 0x04034b50);
            le16(body, 20);
            le16(body, 0);
            le16(body, method);
            le32(body, 0);
            le32(body, crc);
            le32(body, data.length);
            le32(body, size);
            le16(body, n.length);
            le16(body, 0);
            body.writeBytes(n);
            body.writeBytes(data);
            le32(central, 0x02014b50);
            le16(central, 20);
            le16(central, 20);
            le16(central, 0);
            le16(central, method);
            le32(central, 0);
            le32(central, crc);
            le32(central, data.length);
            le32(central, size);
            le16(central, n.length);
            le32(central, 0); // extra and comment lengths
            le32(central, 0); // disk number, internal attributes
            le32(central, 0); // external attributes
            le32(central, offset);
            central.writeBytes(n);
            count++;
            return this;
        }

        byte[] bytes() {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.writeBytes(body.toByteArray());
            o.writeBytes(central.toByteArray());
            le32(o, 0x06054b50);
            le32(o, 0);
            le16(o, count);
            le16(o, count);
            le32(o, central.size());
            le32(o, body.size());
            le16(o, 0);
            return o.toByteArray();
        }
    }

    /** A ustar header for a member that claims {@code claimedSize} bytes, followed by only a few. */
    static byte[] lyingTar(long claimedSize) {
        byte[] h = new byte[512];
        put(h, 0, "big.bin");
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", claimedSize));
        put(h, 136, "00000000000");
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) h[i] = ' ';
        int sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        byte[] out = new byte[512 + 1024];
        System.arraycopy(h, 0, out, 0, 512);
        return out;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private static byte[] syncFlushedZeros() {
        Deflater d = new Deflater(9, true);
        d.setInput(ZERO_MIB);
        byte[] buf = new byte[64 * 1024];
        int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        if (!d.needsInput()) throw new IllegalStateException("one MiB of zeros did not fit the buffer");
        d.end();
        return java.util.Arrays.copyOf(buf, n);
    }

    static void le16(OutputStream o, int v) {
        try {
            o.write(v & 0xff);
            o.write((v >>> 8) & 0xff);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void le32(OutputStream o, long v) {
        le16(o, (int) (v & 0xffff));
        le16(o, (int) ((v >>> 16) & 0xffff));
    }
}
