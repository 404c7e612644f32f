package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .ign/.ign2 lines ClamAV's cli_loadign refuses (a hash that is not 32 hex digits, an empty line) make the database
 * malformed, as in clamscan (exit 2, no scan), instead of being passed over; well-formed ones load in both.
 */
class IgnoreListMalformedTest {
    @TempDir
    Path tmp;

    @Test
    void malformedIgnoreLinesRefuseTheDatabaseAsClamscan() throws Exception {
        Path d = ClamscanCases.casesDir(tmp);
        Path file = Files.writeString(d.resolve("eicar.com"), ClamscanCases.EICAR);
        String[][] cases = {
                {"x.ign2", "Eicar-Test-Signature:abc\n"},
                {"x.ign2", "Eicar-Test-Signature:zz345678901234567890123456789012\n"},
                {"x.ign2", "Eicar-Test-Signature\n\n"},
                {"x.ign", "Eicar-Test-Signature\n\nOther\n"},
                {"x.ign2", "Eicar-Test-Signature:0123456789abcdef0123456789ABCDEF\n"}, // well formed: loads
                {"x.ign2", "Eicar-Test-Signature\r\n"}}; // well formed: ignores the signature
        for (String[] c : cases) {
            Path db = Files.createDirectories(tmp.resolve("db" + c[1].hashCode()));
            Files.writeString(db.resolve("t.hdb"), ClamscanCases.EICAR_HDB);
            Files.writeString(db.resolve(c[0]), c[1]);
            String[] a = {"--no-summary", "-d", db.toString(), file.toString()};
            ScanCommandTest.Run clam = ScanCommandTest.clamscan(a), bw = ScanCommandTest.bulwark(a);
            assertEquals(clam.rc(), bw.rc(), c[1]);
            assertEquals(clam.out(), bw.out(), c[1]);
            if (clam.rc() == 2) assertTrue(bw.err().contains("Malformed database"), bw.err());
        }
    }
}
