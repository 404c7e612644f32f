package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV's cab_open reads the CFFILE entries right after the CFFOLDER entries and does not use the header's
 * coffFiles: a cabinet whose coffFiles is damaged still shows its files. Each case rewrites coffFiles of a
 * gcab-made MSZIP cabinet (a.txt, then EICAR as e.com); clamscan 1.4.6 and bulwark scan agree.
 */
class CabFileTableTest {
    /** gcab -cz basez.cab a.txt e.com (a.txt: "hello world " x 200; e.com: EICAR). */
    static final String CAB = "4d53434600000000c8000000000000002c000000000000000301010002000000000000005800000001000100600900000000000000007a"
            + "5df6a02000612e74787400440000006009000000007a5df5a02000652e636f6d00c82c15496800a409434bcb48cdc9c95728cf2fca4951c8"
            + "18658fb247d9a3ec51f6287b943dca1e6553cc8e30f5570c5075700c88368909888a3035d10888d3347776d634af5571f574760cd20d0e71"
            + "f473710c72d175f40bf10cf30c0a0dd60d710d0ed175f3f4715554f1d0f6d00200";

    @Test
    void aDamagedCoffFilesDoesNotHideTheFiles(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        byte[] base = HexFormat.of().parseHex(CAB);
        int[] coffFiles = {0, 1, 0x2c, 0x40, 0xff, 0x7fffffff};
        for (int v : coffFiles) {
            byte[] a = base.clone();
            for (int i = 0; i < 4; i++) a[16 + i] = (byte) (v >>> (8 * i));
            Files.write(dir.resolve("coff-" + Integer.toHexString(v) + ".cab"), a);
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.hdb", ClamscanCases.EICAR_HDB, dir);
        assertTrue(c.out().contains("coff-0.cab: Eicar-Test-Signature.UNOFFICIAL FOUND"), c.out());
    }
}
