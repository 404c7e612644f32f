package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogicTest {
    @Test
    void rightAssociativeWithoutPrecedenceAsClamAv() {
        int[] counts = {0, 1, 1};
        assertFalse(Logic.eval(Logic.parse("0&1|2"), counts));      // 0&(1|2)
        assertTrue(Logic.eval(Logic.parse("(0&1)|2"), counts));
        assertTrue(Logic.eval(Logic.parse("2|1&0"), counts));       // 2|(1&0)
    }

    @Test
    void countsAndBlocks() {
        int[] c = {1, 1, 0};
        assertTrue(Logic.eval(Logic.parse("(0|1)>1,2"), c));
        assertFalse(Logic.eval(Logic.parse("(0|1)>2"), c));
        assertTrue(Logic.eval(Logic.parse("(0|1|2)=2"), c));
        assertFalse(Logic.eval(Logic.parse("(0|1|2)>1,3"), c));
        assertTrue(Logic.eval(Logic.parse("0&2=0"), c));
        assertFalse(Logic.eval(Logic.parse("0>1"), c));
    }

    @Test
    void syntaxErrorsAreReported() {
        assertThrows(IllegalArgumentException.class, () -> Logic.parse("0&"));
        assertThrows(IllegalArgumentException.class, () -> Logic.parse("(0&1"));
        assertThrows(IllegalArgumentException.class, () -> Logic.parse("a"));
        assertEquals(3, Logic.maxIndex(Logic.parse("(0|3)&1")));
    }
}
