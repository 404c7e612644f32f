package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The byte masks the word table and the stride filter share are written out as constants; they are the computed ones. */
class AtomFiltersTest {
    @Test
    void writtenOutMasksAreTheComputedOnes() {
        assertArrayEquals(AtomFilters.byteMasks(0x51ED27A3L, 32), AtomFilters.THIRD);
        assertArrayEquals(AtomFilters.byteMasks(0x2545F491L, 0), AtomFilters.FOURTH);
        for (int b = 0; b < 256; b++) {
            assertEquals(AtomFilters.BITS_PER_BYTE, Long.bitCount(AtomFilters.THIRD[b]));
            assertEquals(0, AtomFilters.THIRD[b] & AtomFilters.FOURTH_ALL, "the third byte's bits are in the high half");
            assertEquals(AtomFilters.BITS_PER_BYTE, Long.bitCount(AtomFilters.FOURTH[b]));
            assertEquals(0, AtomFilters.FOURTH[b] & AtomFilters.THIRD_ALL, "the fourth byte's bits are in the low half");
        }
    }
}
