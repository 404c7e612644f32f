package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV's RTF magic is "{\rt" (0:0:7b5c7274 in its built-in table), not "{\rtf": an RTF whose fifth byte is
 * changed is still parsed, and the executable in its \objdata found. Bulwark required "{\rtf", so clam.exe.rtf
 * with that byte changed was OK where clamscan finds ClamAV-Test-File in it. Expectations: clamscan 1.4.6 on the
 * same files (byte 3 changed: neither parses it).
 */
class RtfMagicTest {
    static final Path RTF = Path.of("/usr/share/clamav-testfiles/clam.exe.rtf");

    @Test
    void fourByteMagic(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isRegularFile(RTF), "clamav-testfiles");
        Path dir = ClamscanCases.casesDir(tmp);
        byte[] base = Files.readAllBytes(RTF);
        int i = 0;
        for (int[] edit : new int[][] {{4, 'x'}, {4, 0}, {4, ' '}, {4, 'F'}, {5, '2'}, {3, 'T'}}) {
            byte[] a = base.clone();
            a[edit[0]] = (byte) edit[1];
            Files.write(dir.resolve("case" + i++ + ".rtf"), a);
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n", dir);
        assertTrue(c.out().contains("case0.rtf: ClamAV-Test-Body.UNOFFICIAL FOUND"), c.out());
    }
}
