package dev.bulwark.engine.formats.pepack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-engine verdicts on damaged ASPack and PESpin test files (a bit flipped in the packed data or the
 * packer's code): the body signature of the test executable is found exactly where clamscan finds it.
 */
@Timeout(600) // hang guard only
class PackedVerdictsTest {
    private static final String BODY = "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n";
    private static final int PER_FILE = 16;

    @Test
    void sameVerdictsAsClamscan(@TempDir Path tmp) throws Exception {
        Tools.requireTool("clamscan");
        Path ndb = tmp.resolve("body.ndb");
        Files.writeString(ndb, BODY);
        SplittableRandom rnd = new SplittableRandom(77);
        List<Path> files = new ArrayList<>();
        for (String name : new String[] {"clam-aspack.exe", "clam-pespin.exe"}) {
            byte[] orig = Samples.read(name);
            for (int k = 0; k < PER_FILE; k++) {
                byte[] v = orig.clone();
                int at = 0x400 + rnd.nextInt(orig.length - 0x400); // section data: packed bytes and the packer
                v[at] ^= (byte) (1 << rnd.nextInt(8));
                Path f = tmp.resolve(name.replace(".exe", "") + "-" + k + "-" + Integer.toHexString(at) + ".exe");
                Files.write(f, v);
                files.add(f);
            }
        }
        List<String> cmd = new ArrayList<>(List.of("clamscan", "--no-summary", "-d", ndb.toString()));
        for (Path f : files) cmd.add(f.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Engine engine = Engine.load(List.of(ndb), LoadOptions.defaults());
        int found = 0;
        for (Path f : files) {
            boolean clam = out.contains(f + ": ClamAV-Test-Body.UNOFFICIAL FOUND");
            assertEquals(clam, engine.scan(f, ScanOptions.defaults()).infected(), f.getFileName() + "\n" + out);
            if (clam) found++;
        }
        System.out.println("damaged ASPack/PESpin variants found by both: " + found + " of " + files.size());
        assertTrue(found > 0 && found < files.size(), "variants cover both verdicts: " + found + " of " + files.size() + " found");
    }
}
