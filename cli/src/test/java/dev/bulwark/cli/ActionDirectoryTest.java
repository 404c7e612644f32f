package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --move/--copy naming a missing directory or a file: clamscan's messages (stderr) and exit code, nothing moved. */
class ActionDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void badActionDirectoriesAreReportedAsClamscanReportsThem() throws Exception {
        Path d = ClamscanCases.casesDir(tmp);
        Path eicar = Files.writeString(d.resolve("eicar.com"), ClamscanCases.EICAR);
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        for (String opt : new String[] {"--move=" + tmp.resolve("missing"), "--copy=" + tmp.resolve("missing/"), "--move=" + eicar,
                "--copy=" + d + "/../cases/eicar.com"}) {
            String[] a = {"--no-summary", "-d", db, opt, eicar.toString()};
            ScanCommandTest.Run c = ScanCommandTest.clamscan(a), b = ScanCommandTest.bulwark(a);
            assertEquals(c.out(), b.out(), opt);
            assertEquals(c.err(), b.err(), opt);
            assertEquals(c.rc(), b.rc(), opt);
            assertEquals(true, Files.exists(eicar), opt);
        }
    }
}
