package dev.bulwark.engine.formats.sevenzip;

import dev.bulwark.engine.formats.rar.Ppmd7;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Re-encodes a 7z PPMd stream for RAR 3's range coder (ppmd14 probe): decodes the 7z stream with the
 * model, records every coding event (total, start, size) and encodes them with the carry-less
 * (Subbotin) range encoder RAR's decoder mirrors. Decoding the result with RAR's coder replays the
 * same events, so it yields the same text. Args: in.7z (one PPMd folder, plain header), unpack size, out.
 */
public class RarPpmdGen {
    static final long M = 0xffffffffL, TOP = 1 << 24, BOT = 1 << 15;
    static long low = 0, range = M;
    static final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static void encode(int start, int size, int total) {
        range = range / total;
        low = (low + start * range) & M;
        range = (range * size) & M;
        while (true) {
            if ((low ^ ((low + range) & M)) >= TOP) {
                if (range >= BOT) break;
                range = (-low) & (BOT - 1);
            }
            out.write((int) (low >>> 24));
            low = (low << 8) & M;
            range = (range << 8) & M;
        }
    }

    public static void main(String[] a) throws Exception {
        byte[] f = Files.readAllBytes(Path.of(a[0]));
        long packSize = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(12);
        long n = Long.parseLong(a[1]);
        int order = Integer.parseInt(a[3]), mem = Integer.parseInt(a[4]) << 20;
        PpmdStream.Range r7 = new PpmdStream.Range(ByteBuffer.wrap(f, 32, (int) packSize).slice());
        Ppmd7 model = new Ppmd7("7z");
        model.init(mem, order);
        model.initDecoder(new Ppmd7.RangeDecoder() {
            int total;
            @Override public int threshold(int t) { total = t; return r7.threshold(t); }
            @Override public void decode(int start, int size) { r7.decode(start, size); encode(start, size, total); }
            @Override public int decodeBit(int size0, int totalBits) {
                int bit = r7.decodeBit(size0, totalBits);
                if (bit == 0) encode(0, size0, 1 << totalBits);
                else encode(size0, (1 << totalBits) - size0, 1 << totalBits);
                return bit;
            }
            @Override public long position() { return 0; }
        });
        long h = 0;
        for (long i = 0; i < n; i++) h = h * 31 + model.decodeChar();
        for (int i = 0; i < 4; i++) { out.write((int) (low >>> 24)); low = (low << 8) & M; }
        Files.write(Path.of(a[2]), out.toByteArray());
        System.out.printf("%d symbols hash %x, RAR-coded %d bytes (7z %d)%n", n, h, out.size(), packSize);
    }
}
