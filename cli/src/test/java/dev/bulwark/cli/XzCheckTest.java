package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV scans what its xz decoder produced even when the block's integrity check (CRC64 here) does not
 * match; xz-java throws in the read that returns a block's last bytes, which lost them. Each case changes one
 * byte after the compressed data of EICAR packed by xz 5 (check, index, footer); clamscan 1.4.6 and bulwark
 * scan agree.
 */
class XzCheckTest {
    /** xz -c eicar.com. */
    static final String XZ = "fd377a585a000004e6d6b4460200210116000000742fe5a301004358354f2150254041505b345c505a58353428505e2937434329"
            + "377d2445494341522d5354414e444152442d414e544956495255532d544553542d46494c452124482b482a00faab49d4013391b600015c"
            + "44fa2239471fb6f37d010000000004595a";

    @Test
    void aDamagedCheckDoesNotLoseTheData(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        byte[] base = HexFormat.of().parseHex(XZ);
        for (int off : new int[] {0x60, 0x61, 0x67, 0x6a, 0x6d, 0x72}) {
            byte[] a = base.clone();
            a[off] ^= 0x5a;
            Files.write(dir.resolve("byte-" + Integer.toHexString(off) + ".xz"), a);
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.hdb", ClamscanCases.EICAR_HDB, dir);
        assertTrue(c.out().contains("byte-61.xz: Eicar-Test-Signature.UNOFFICIAL FOUND"), c.out());
    }
}
