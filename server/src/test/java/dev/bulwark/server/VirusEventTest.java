package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code VirusEvent}: the same command runs with the same arguments and environment under the real clamd
 * and under Bulwark for a path scan; only the detection's scan triggers it.
 */
class VirusEventTest {
    @TempDir Path tmp;

    static String handler(Path out) {
        // %v on the command line, the file name only in the environment, %f replaced by clamd's notice
        return "VirusEvent /bin/sh -c 'printf \"%s|%s|%s|%s\\n\" \"$0\" \"$CLAM_VIRUSEVENT_VIRUSNAME\" "
                + "\"$CLAM_VIRUSEVENT_FILENAME\" \"$(env | sort | tr \"\\\\n\" ,)\" >> " + out + "' %v\n";
    }

    @Test
    void sameCommandAndEnvironmentAsClamd() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        Fixtures fx = new Fixtures(tmp);
        Path cOut = tmp.resolve("clamd.events");
        Path bOut = tmp.resolve("bulwark.events");
        try (RealClamd clamd = new RealClamd(Files.createDirectories(tmp.resolve("c")), fx.db, handler(cOut));
             TestDaemon bulwark = new TestDaemon(Files.createDirectories(tmp.resolve("b")), fx.db, handler(bOut))) {
            for (String f : List.of("eicar.com", "clean.txt", "sub/body.bin")) {
                byte[] req = ("zSCAN " + fx.file(f) + "\0").getBytes(StandardCharsets.UTF_8);
                assertEquals(new String(RealClamd.exchange(clamd.port, req, 10_000), StandardCharsets.UTF_8),
                        new String(RealClamd.exchange(bulwark.port(), req, 10_000), StandardCharsets.UTF_8));
            }
        }
        String want = Files.readString(cOut);
        assertEquals(2, want.lines().count(), want);
        assertEquals(want, Files.readString(bOut));
        assertTrue(want.contains("|Eicar-Test-Signature.UNOFFICIAL|" + tmp.resolve("files/eicar.com") + "|"), want);
    }

    @Test
    void percentFIsReplacedAsInClamd() {
        assertEquals("x Eicar " + VirusEvent.FILENAME_DISABLED + " %", VirusEvent.expand("x %v %f %", "Eicar"));
    }
}
