package dev.bulwark.engine.formats.rar;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decode throughput of Ppmd7 under RAR 3's range coder (ppmd14 probe). Args: stream (RAR-coded PPMd,
 * made by RarPpmdGen), symbols, memory MiB, order, rounds, and optionally a 7z file whose PPMd folder
 * is decoded first (after ppmd13 only: a second RangeDecoder class at the model's call sites).
 */
public class PpmdProbe {
    static long[] rar(byte[] data, int mem, int order, long n) {
        Ppmd7 m = new Ppmd7();
        m.init(mem, order);
        m.initDecoder(new BitInput(ByteBuffer.wrap(data), 0, data.length));
        long h = 0;
        for (long i = 0; i < n; i++) h = h * 31 + m.decodeChar();
        return new long[] {n, h};
    }

    static long sevenZ(Path p, int mem, int order, long n) throws Exception {
        byte[] f = Files.readAllBytes(p);
        long packSize = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(12);
        Class<?> c = Class.forName("dev.bulwark.engine.formats.sevenzip.PpmdStream");
        var k = c.getDeclaredConstructor(ByteBuffer.class, byte[].class, long.class, long.class, long.class);
        k.setAccessible(true);
        byte[] props = {(byte) order, (byte) mem, (byte) (mem >> 8), (byte) (mem >> 16), (byte) (mem >> 24)};
        InputStream in = (InputStream) k.newInstance(ByteBuffer.wrap(f, 32, (int) packSize).slice(), props, n, 1L << 30, 1L << 40);
        byte[] buf = new byte[1 << 16];
        long got = 0, h = 0;
        for (int r; (r = in.read(buf)) > 0; ) { got += r; }
        return got;
    }

    public static void main(String[] a) throws Exception {
        byte[] data = Files.readAllBytes(Path.of(a[0]));
        long n = Long.parseLong(a[1]);
        int mem = Integer.parseInt(a[2]) << 20, order = Integer.parseInt(a[3]), rounds = Integer.parseInt(a[4]);
        if (a.length > 5) {
            long t = System.nanoTime();
            long got = sevenZ(Path.of(a[5]), mem, order, n);
            System.out.printf("7z first: %d bytes %.3f s%n", got, (System.nanoTime() - t) / 1e9);
        }
        for (int i = 0; i < rounds; i++) {
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long t = mx.getCurrentThreadCpuTime();
            long[] res = rar(data, mem, order, n);
            double s = (mx.getCurrentThreadCpuTime() - t) / 1e9;
            System.out.printf("round %d: %d symbols hash %x %.3f s %.1f MB/s%n", i, res[0], res[1], s, res[0] / s / 1e6);
        }
    }
}
