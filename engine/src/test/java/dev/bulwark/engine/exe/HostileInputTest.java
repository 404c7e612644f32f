package dev.bulwark.engine.exe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Inputs built to make a naive parser loop for a very long time or allocate from header fields. Each must
 * finish with a result; the printed durations are for the record, not asserted.
 */
class HostileInputTest {
    private static final int SECS = 0x80 + 24 + 0xe0; // PeBuilder's section table

    private static ExeInfo timed(String what, byte[] b, java.util.function.Function<ByteBuffer, ExeInfo> f) {
        long t0 = System.nanoTime();
        ExeInfo i = f.apply(ByteBuffer.wrap(b).asReadOnlyBuffer());
        System.out.printf("%s: %d bytes, %.1f ms%n", what, b.length, (System.nanoTime() - t0) / 1e6);
        return i;
    }

    /** A PE whose .idata section is stretched over {@code size} bytes so tables can grow into it. */
    private static byte[] stretchedImports(int size) {
        byte[] pe = new PeBuilder().dll("k.dll", "A").build();
        byte[] b = java.util.Arrays.copyOf(pe, size);
        ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int raw = w.getInt(SECS + 40 + 20);
        w.putInt(SECS + 40 + 16, size - raw);
        w.putInt(SECS + 40 + 8, size);
        w.putShort(0x80 + 6, (short) 2); // drop .rsrc so .idata may extend over it
        return b;
    }

    @Test
    void endlessThunkArraysHitTheThunkBudget() {
        int size = 24 << 20;
        byte[] b = stretchedImports(size);
        ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int raw = w.getInt(SECS + 40 + 20);
        int thunks = raw + w.getInt(raw + 16) - PeBuilder.IDATA_RVA; // FirstThunk of descriptor 0
        int nameRva = w.getInt(thunks);                              // hint/name of "A"
        for (int p = thunks; p + 4 <= size; p += 4) w.putInt(p, nameRva); // ~6M imports of k.A
        ExeInfo i = timed("6M thunks", b, PeParser::parse);
        assertNotNull(i);
        assertNull(i.imphash()); // over MAX_THUNKS: no hash rather than minutes of hashing
        assertTrue(i.hasTargetInfo());
    }

    @Test
    void manyDescriptorsSharingOneThunkArray() {
        int size = 1 << 20;
        byte[] b = stretchedImports(size);
        ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int raw = w.getInt(SECS + 40 + 20);
        byte[] desc = new byte[20];
        w.get(raw, desc);
        int table = raw + 0x10000;
        for (int k = 0; k < 5000; k++) w.put(table + 20 * k, desc); // the descriptor repeated 5000 times
        int dirs = 0x80 + 24 + 96;
        w.putInt(dirs + 8, PeBuilder.IDATA_RVA + 0x10000);
        w.putInt(dirs + 12, 20 * 5000);
        ExeInfo i = timed("5000 descriptors", b, PeParser::parse);
        assertEquals("k.a".length() * 1024 + 1023, i.imphashSize()); // ClamAV stops at 1024 descriptors
    }

    @Test
    void maximalSectionCounts() {
        byte[] pe = new PeBuilder().build();
        int size = SECS + 40 * 65535 + 0x200;
        byte[] b = java.util.Arrays.copyOf(pe, size);
        ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        w.putShort(0x80 + 6, (short) 0xffff);
        ExeInfo i = timed("65535 PE sections", b, PeParser::parse);
        assertNotNull(i);

        // Mach-O: 1024 segment commands of 255 sections each
        int cmds = 1024, per = 255, segSize = 56 + 68 * per;
        ByteBuffer m = ByteBuffer.allocate(28 + cmds * segSize).order(ByteOrder.BIG_ENDIAN);
        m.putInt(0, 0xfeedface).putInt(4, 18).putInt(16, cmds);
        for (int c = 0; c < cmds; c++) {
            int at = 28 + c * segSize;
            m.putInt(at, 1).putInt(at + 4, segSize).putInt(at + 8 + 16 + 24, per);
        }
        ExeInfo mi = timed("1024x255 Mach-O sections", m.array(), MachoParser::parse);
        assertEquals((cmds * per) & 0xffff, mi.sectionCount()); // ClamAV keeps the count in 16 bits
    }

    @Test
    void resourceDirectoryFanOutIsBounded() {
        int size = 2 << 20;
        byte[] pe = new PeBuilder().version("K", "vv").build();
        byte[] b = java.util.Arrays.copyOf(pe, size);
        ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int raw = w.getInt(SECS + 80 + 20);
        w.putInt(SECS + 80 + 16, size - raw);
        w.putInt(SECS + 80 + 8, size);
        // type entry -> name directory at +0x1000 with 65535 entries, all -> language directory at +0x100000
        // with 65535 non-leaf entries: 2^32 visits for a literal walk
        w.putInt(raw + 20, 0x80000000 | 0x1000);
        w.putShort(raw + 0x1000 + 12, (short) 0xffff);
        for (int k = 0; k < 0xffff; k++) w.putInt(raw + 0x1000 + 16 + 8 * k + 4, 0x80000000 | 0x100000);
        w.putShort(raw + 0x100000 + 12, (short) 0xffff);
        for (int k = 0; k < 0xffff; k++) w.putInt(raw + 0x100000 + 16 + 8 * k + 4, 0x80000000);
        ExeInfo i = timed("resource fan-out 65535x65535", b, PeParser::parse);
        assertNotNull(i);
        assertEquals(0, i.versionInfoRecords().size());
    }
}
