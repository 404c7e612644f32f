package dev.bulwark.engine.formats.pepack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RebuiltPeTest {
    private static final byte[] BUF = new byte[0x3000];

    static {
        for (int i = 0; i < BUF.length; i++) BUF[i] = (byte) (i * 31 + 7);
    }

    @Test
    void sectionsArePackedAtFileAlignmentInOrder() {
        RebuiltPe.Section[] s = {new RebuiltPe.Section(0x1000, 0x1000, 0x100, 0x300), new RebuiltPe.Section(0x2000, 0x2000, 0x0, 0x10)};
        byte[] out = RebuiltPe.build(BUF, s, 0x400000, 0x1234, 0x2000, 0x10, 1 << 20);
        PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(out));
        assertEquals(2, h.sections());
        assertEquals(".clam01", h.name(0));
        assertEquals(".clam02", h.name(1));
        assertEquals(0x400, h.rawPointer(0), "headers and two section entries (0x218 bytes) rounded up to 0x200");
        assertEquals(0x800, h.rawPointer(1), "0x300 bytes rounded up to 0x400");
        assertEquals(0x1234, h.entryRva);
        assertEquals(0x400000, h.imageBase);
        assertEquals(0x1000 + 0x1000 + 0x2000, h.sizeOfImage, "header page plus each virtual size rounded to a page");
        assertEquals(0x800 + 0x200, out.length);
        assertArrayEquals(Arrays.copyOfRange(BUF, 0x100, 0x400), Arrays.copyOfRange(out, 0x400, 0x700));
        ByteBuffer o = ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x2000, o.getInt(h.peOffset + 24 + 0x60 + 0x10), "resource directory");
    }

    @Test
    void aGapBeforeTheFirstSectionBecomesAnEmptySection() {
        RebuiltPe.Section[] s = {new RebuiltPe.Section(0x5000, 0x1000, 0, 0x200)};
        PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(RebuiltPe.build(BUF, s, 0x400000, 0x5000, 0, 0, 1 << 20)));
        assertEquals(2, h.sections());
        assertEquals("empty", h.name(0));
        assertEquals(0x1000, h.rva(0));
        assertEquals(0x4000, h.virtualSize(0));
        assertEquals(0x5000, h.rva(1));
        assertEquals(0x6000, h.sizeOfImage);
    }

    @Test
    void refusesWhatDoesNotFit() {
        RebuiltPe.Section[] many = new RebuiltPe.Section[97];
        Arrays.fill(many, new RebuiltPe.Section(0x1000, 0x1000, 0, 0x10));
        assertNull(RebuiltPe.build(BUF, many, 0x400000, 0x1000, 0, 0, 1 << 20), "more than 96 sections");
        RebuiltPe.Section[] outside = {new RebuiltPe.Section(0x1000, 0x1000, 0x2f00, 0x200)};
        assertNull(RebuiltPe.build(BUF, outside, 0x400000, 0x1000, 0, 0, 1 << 20), "bytes past the buffer");
        RebuiltPe.Section[] big = {new RebuiltPe.Section(0x1000, 0x1000, 0, 0x3000)};
        assertNull(RebuiltPe.build(BUF, big, 0x400000, 0x1000, 0, 0, 0x2000), "over the size limit");
    }
}
