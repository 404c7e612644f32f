package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV's unarj reads an archive's headers without checking their CRC: a byte changed in the main header
 * (archive name, date, version) or in a member's header does not hide the members, while a first-header size
 * under 30 or a name or comment without its NUL ends the archive. Each case changes one or two bytes of an
 * archive made by arj 3.10 (a.txt, then EICAR as e.com); clamscan 1.4.6 and bulwark scan agree.
 */
class ArjHeaderCrcTest {
    /** arj a base.arj a.txt e.com (a.txt: "hello world " x 200, packed; e.com: EICAR, stored). */
    static final String ARJ = "60ea2c00220b0102100002f69191086b9191086b000000000000000000000000000000000000626173652e61726a0000bcbc5295"
            + "000060ea35002e0b0102100100919191086b2100000060090000d72b500a0000a4110000000000009191086b9191086b00000000612e"
            + "7478740000a5ee9249000000164288a1d5fe419f45f417060c170cb1652fe0139b92e7af66b0ccccccccfec060ea35002e0b010210"
            + "0000918f91086b44000000440000003ccf51680000a4110000000000009191086b8f91086b00000000652e636f6d0000fe4aa06600"
            + "0058354f2150254041505b345c505a58353428505e2937434329377d2445494341522d5354414e444152442d414e5449564952555"
            + "32d544553542d46494c452124482b482a60ea0000";

    @Test
    void damagedHeaderCrcsDoNotHideMembers(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        byte[] base = HexFormat.of().parseHex(ARJ);
        // {name, offset, new byte, offset, new byte}; e.com's header starts at 150
        int[][] edits = {{42, 0xbe}, {6, 0x67}, {13, 0xff}, {150 + 36, 0x46}, {150 + 12, 0x0d}, {0x36 + 4 + 8, 0x01},
                {47, 0x57}, {150 + 4, 0x10}, {150 + 4 + 0x2e + 5, 0x41}, {150 + 4 + 0x2e + 6, 0x41}};
        for (int i = 0; i < edits.length; i++) {
            byte[] a = base.clone();
            a[edits[i][0]] = (byte) edits[i][1];
            Files.write(dir.resolve("case" + i + ".arj"), a);
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.hdb", ClamscanCases.EICAR_HDB, dir);
        assertTrue(c.out().contains("FOUND") && c.out().contains(": OK"), c.out());
    }
}
