package dev.bulwark.engine.formats.pepack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Our verdict and clamscan's on the same files, with the test executable's body signature: they must agree. */
final class BodyVerdicts {
    static final String BODY = "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n";

    private BodyVerdicts() {}

    /** {@code count} copies of {@code file}, each with 1 to 3 bytes in [from, to) replaced (seeded, reproducible). */
    static Map<String, byte[]> mutants(String prefix, byte[] file, int from, int to, int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, byte[]> out = new TreeMap<>();
        for (int k = 0; k < count; k++) {
            byte[] b = file.clone();
            for (int j = 0, n = 1 + rnd.nextInt(3); j < n; j++) b[from + rnd.nextInt(to - from)] = (byte) rnd.nextInt(256);
            out.put(prefix + "-" + k + ".exe", b);
        }
        return out;
    }

    /** Writes the files, scans them with clamscan (one run) and with our engine; returns how many were detected. */
    static int assertSame(Path tmp, Map<String, byte[]> files) throws Exception {
        Tools.requireTool("clamscan");
        Path db = tmp.resolve("body.ndb"), dir = Files.createDirectories(tmp.resolve("variants"));
        Files.writeString(db, BODY);
        List<String> cmd = new ArrayList<>(List.of("clamscan", "--no-summary", "-d", db.toString()));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.write(p, e.getValue());
            cmd.add(p.toString());
        }
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        proc.waitFor();
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        int detected = 0;
        for (String name : files.keySet()) {
            Path p = dir.resolve(name);
            boolean clam = out.contains(p + ": ClamAV-Test-Body.UNOFFICIAL FOUND");
            boolean ours = engine.scan(p, ScanOptions.defaults()).infected();
            assertEquals(clam, ours, name + ": clamscan " + clam + ", we " + ours);
            if (ours) detected++;
        }
        return detected;
    }
}
