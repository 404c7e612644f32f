package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteScanTest {
    private static int naive(byte[] a, int from, int to, byte c, boolean fold) {
        for (int i = from; i < to; i++) if (fold ? (a[i] | 0x20) == c : a[i] == c) return i;
        return -1;
    }

    @Test
    void agreesWithAPlainLoop() {
        Random r = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            // (startup13) ranges shorter than SWAR_MIN are scanned a byte at a time: lengths on both sides
            byte[] a = new byte[round % 2 == 0 ? r.nextInt(40) : r.nextInt(2 * ByteScan.SWAR_MIN + 40)];
            int alphabet = 1 + r.nextInt(256);
            for (int i = 0; i < a.length; i++) a[i] = (byte) r.nextInt(alphabet); // small alphabets: many hits and near-hits
            int from = a.length == 0 ? 0 : r.nextInt(a.length + 1), to = from + r.nextInt(a.length - from + 1);
            byte c = (byte) r.nextInt(alphabet);
            assertEquals(naive(a, from, to, c, false), ByteScan.next(a, from, to, c));
            byte lower = (byte) ('a' + r.nextInt(26));
            assertEquals(naive(a, from, to, lower, true), ByteScan.nextFolded(a, from, to, lower));
        }
        byte[] high = {(byte) 0x80, (byte) 0xFF, 0x00, (byte) 0xC6, 0x46};
        assertEquals(2, ByteScan.next(high, 0, 5, (byte) 0));
        assertEquals(4, ByteScan.nextFolded(high, 0, 5, (byte) 'f'));
    }

    @Test
    void occurrencesOnHeapAndDirectBuffersAgree() {
        Random r = new Random(11);
        for (int round = 0; round < 200; round++) {
            byte[] a = new byte[r.nextInt(200_000)];
            for (int i = 0; i < a.length; i++) a[i] = (byte) r.nextInt(64);
            java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(a), direct = java.nio.ByteBuffer.allocateDirect(a.length).put(a).flip();
            int from = r.nextInt(a.length + 1), end = from + r.nextInt(a.length - from + 1);
            var x = new ByteScan.Occurrences(heap, from, end, (byte) 7);
            var y = new ByteScan.Occurrences(direct, from, end, (byte) 7);
            int expect = naive(a, from, end, (byte) 7, false);
            while (true) {
                int p = x.next();
                assertEquals(expect, p);
                assertEquals(expect, y.next());
                if (p < 0) break;
                expect = naive(a, p + 1, end, (byte) 7, false);
            }
        }
    }

    @Test
    void findAgreesWithAPlainSearchOnHeapAndDirectBuffers() {
        Random r = new Random(13);
        for (int round = 0; round < 5_000; round++) {
            byte[] a = new byte[r.nextInt(300)];
            for (int i = 0; i < a.length; i++) a[i] = (byte) r.nextInt(3);
            byte[] m = new byte[1 + r.nextInt(4)];
            for (int i = 0; i < m.length; i++) m[i] = (byte) r.nextInt(3);
            int from = r.nextInt(a.length + 2) - 1, last = r.nextInt(a.length + 2) - 1, anchor = r.nextInt(m.length);
            int want = -1;
            for (int s = Math.max(0, from); s <= last && s + m.length <= a.length && want < 0; s++) {
                if (java.util.Arrays.equals(a, s, s + m.length, m, 0, m.length)) want = s;
            }
            java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(a), direct = java.nio.ByteBuffer.allocateDirect(a.length).put(a).flip();
            assertEquals(want, ByteScan.find(heap, from, last, m, anchor));
            assertEquals(want, ByteScan.find(direct, from, last, m, anchor));
            assertEquals(want, ByteScan.find(heap.asReadOnlyBuffer(), from, last, m, anchor));
        }
    }
}
