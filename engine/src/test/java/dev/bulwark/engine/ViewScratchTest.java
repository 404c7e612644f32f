package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The thread's view arrays: one holder per scan, nested scans get their own, big arrays are not kept. */
class ViewScratchTest {
    @Test
    void heldByOneScanAtATime() {
        ViewScratch outer = ViewScratch.take();
        ViewScratch nested = ViewScratch.take(); // the slot is empty while the outer scan holds it
        assertNotSame(outer, nested);
        nested.give();
        outer.give();
        assertSame(outer, ViewScratch.take(), "the last holder given back is reused");
    }

    @Test
    void arraysAreReusedAndLargeOnesDropped() {
        ViewScratch s = ViewScratch.take();
        byte[] a = s.text(1000);
        assertSame(a, s.text(500), "a smaller view reuses the array");
        byte[] big = s.text(2 << 20);
        assertTrue(big.length >= 2 << 20);
        s.give();
        ViewScratch again = ViewScratch.take();
        assertSame(s, again);
        assertTrue(again.text(1).length < big.length, "arrays above the keep limit are not kept by the thread");
        again.give();
    }
}
