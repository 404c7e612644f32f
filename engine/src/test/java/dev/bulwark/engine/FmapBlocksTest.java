package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** (review21) The scanned-bytes count of cli_scan_fmap's overlapping windows when maxpatlen reaches the window. */
class FmapBlocksTest {
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // looped for ever: the next window started at or before this one
    void aPatternAsLongAsTheWindowEndsTheWalkAfterTheFirstWindow() {
        // libclamav: offset += bytes - maxpatlen goes below 0 (unsigned arithmetic), and offset < len is then false
        assertEquals(32, ScanJob.fmapBlocks(300_000, 0x20000, 200_002));
        assertEquals(32, ScanJob.fmapBlocks(300_000, 0x20000, 0x20000));
        assertEquals(32 + 32 + 9, ScanJob.fmapBlocks(300_000, 0x20000, 32)); // unchanged: windows at 0, 131040, 262080
    }
}
