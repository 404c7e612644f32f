package dev.bulwark.engine.formats.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDF images hiding clam.exe, scanned by clamscan and by the engine with {@code --allmatch}. Three
 * signatures: the body pattern for any file (it also matches the image's own bytes), the same pattern
 * for executables only (target 1: it matches only clam.exe files extracted as layers) and clam.exe's
 * hash (only files extracted exactly). Every image must give the same set of detections, and the
 * executable and hash signatures the same number of times: that is, the same files are extracted.
 * (clamscan prints a match in binary-data layers twice, for their second "other" pass; the engine
 * reports it once by design, clamav-notes Q6, so raw body counts are not compared.)
 */
class UdfDifferentialTest {
    static final String BODY = "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n";
    static final String PE = "ClamAV-Test-PE:1:*:bb7110400033c050508bf3535350b029\n";
    static final String HASH = "aa15bcf478d165efd2065190eb473bcb:544:ClamAV-Test-Hash\n";

    @Test
    void sameDetectionsAsClamscan(@TempDir Path dir) throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan), "apt-get install clamav");
        Path ndb = dir.resolve("t.ndb"), hdb = dir.resolve("t.hdb");
        Files.writeString(ndb, BODY + PE);
        Files.writeString(hdb, HASH);
        Map<String, Path> files = new LinkedHashMap<>();
        List<String> cmd = new ArrayList<>(List.of(clamscan.toString(), "--allmatch", "--no-summary", "-d", ndb.toString(), "-d", hdb.toString()));
        int i = 0;
        for (var c : UdfCases.cases().entrySet()) {
            Path f = dir.resolve("case" + i++ + ".img");
            Files.write(f, c.getValue());
            String dump = System.getProperty("udf.dump"); // -Dudf.dump=DIR keeps the images for inspection
            if (dump != null) Files.write(Files.createDirectories(Path.of(dump)).resolve(f.getFileName()), c.getValue());
            files.put(c.getKey(), f);
            cmd.add(f.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        Engine engine = Engine.load(List.of(ndb, hdb), LoadOptions.defaults());
        Map<String, List<String>> theirs = new LinkedHashMap<>(), ours = new LinkedHashMap<>();
        Map<String, java.util.Set<String>> theirNames = new LinkedHashMap<>(), ourNames = new LinkedHashMap<>();
        int hashHits = 0;
        for (var f : files.entrySet()) {
            List<String> t = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.startsWith(f.getValue() + ": ") && line.endsWith(" FOUND")) {
                    t.add(line.substring(f.getValue().toString().length() + 2, line.length() - 6).replace(".UNOFFICIAL", ""));
                }
            }
            List<String> o = new ArrayList<>();
            engine.scan(f.getValue(), ScanOptions.defaults().withAllMatch(true)).detections()
                    .forEach(d -> o.add(d.name().replace(".UNOFFICIAL", "")));
            theirNames.put(f.getKey(), new java.util.TreeSet<>(t));
            ourNames.put(f.getKey(), new java.util.TreeSet<>(o));
            t.removeIf(n -> n.equals("ClamAV-Test-Body"));
            o.removeIf(n -> n.equals("ClamAV-Test-Body"));
            t.sort(null);
            o.sort(null);
            theirs.put(f.getKey(), t);
            ours.put(f.getKey(), o);
            hashHits += (int) t.stream().filter(s -> s.equals("ClamAV-Test-Hash")).count();
        }
        assertEquals(theirNames, ourNames);
        assertEquals(theirs, ours);
        // the cases must exercise extraction (hash hits) as well as refusals (images without one)
        assertTrue(hashHits > 3 && theirs.values().stream().anyMatch(l -> !l.contains("ClamAV-Test-Hash")), theirs.toString());
    }
}
